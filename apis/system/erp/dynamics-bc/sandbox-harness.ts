import { serveSandbox } from '../../../../test/harness/sandbox-harness.js';
import type { FaultRule } from './sandbox-faults.js';
import { createDynamicsBcSandbox, type DynamicsBcSandboxOptions, type RecordedRequest } from './sandbox.js';

/**
 * Test support: the Business Central sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/dynamics-bc` as the sandbox server mounts it (test/harness/sandbox-harness.ts), plus a typed client
 * for its control API, BC's own routes included.
 */
export const serveDynamicsBcSandbox = async (options: DynamicsBcSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createDynamicsBcSandbox(options), { basePath: '/dynamics-bc', reset: true });
  const { origin, baseUrl, server, control } = harness;

  return {
    origin,
    baseUrl,
    server,
    harness,
    addFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    /** A fault on creates (POST) only: `slow-commit` writes, then holds the response `delayMs`; `hang` and `error5xx` write nothing. */
    writeFault: (rule: { kind: 'slow-commit' | 'error500' | 'error503' | 'hang'; delayMs?: number; times?: number; pathPattern?: string }) => control.send('POST', '/write-faults', rule),
    stats: async (): Promise<{ total: number; byPath: Record<string, number> }> => {
      const { total, byPath } = await control.stats();
      return { total, byPath: { ...byPath } };
    },
    /** Zeroes the counts and forgets recorded requests; faults, tokens and data stay. */
    resetStats: () => control.resetStats(),
    requests: () => control.requests(),
    revokeTokens: () => control.send('DELETE', '/tokens'),
    /** Faults, write faults, log and tokens cleared; the seeded data restored. */
    reset: () => control.send('POST', '/reset'),
    /** Ends held connections (hung `timeout` faults), then closes the server. */
    close: () => harness.close(),
  };
};

export type DynamicsBcSandboxHandle = Awaited<ReturnType<typeof serveDynamicsBcSandbox>>;
