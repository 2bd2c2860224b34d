import { serveSandbox } from '../../../../test/harness/sandbox-harness.js';
import type { FaultRuleInput } from './sandbox-faults.js';
import { createSapS4hanaSandbox, type RecordedRequest, type SapSandboxOptions, type WriteFaultInput } from './sandbox.js';

/** Where the harness mounts the sandbox, as the sandbox server does. */
export const MOUNT = '/sap-s4hana';

/**
 * Test support: the SAP sandbox served over real HTTP on 127.0.0.1, port 0, mounted at `/sap-s4hana`
 * as the sandbox server mounts it (test/harness/sandbox-harness.ts), plus a typed client for its control API.
 */
export const serveSapSandbox = async (options: SapSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRuleInput, RecordedRequest>(createSapS4hanaSandbox(options), { basePath: MOUNT, reset: true });
  const { origin, baseUrl, server, control } = harness;

  return {
    origin,
    baseUrl,
    server,
    harness,
    addFault: (rule: FaultRuleInput) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: () => control.stats(),
    /** Vendor requests whose path contains `fragment`. */
    count: async (fragment: string) => Object.entries((await control.stats()).byPath).reduce((n, [p, hits]) => (p.includes(fragment) ? n + hits : n), 0),
    /** Zeroes the counts and forgets recorded requests; faults, sessions and data stay. */
    resetStats: () => control.resetStats(),
    requests: () => control.requests(),
    expireSessions: () => control.send('DELETE', '/sessions'),
    /** A fault for writes only (see `WriteFaultInput`). */
    writeFault: (rule: WriteFaultInput) => control.send('POST', '/write-faults', rule),
    /** Seeds, faults, logs and sessions back to the start. */
    reset: () => control.send('POST', '/reset'),
    /** Ends held connections (hung `timeout` faults), then closes the server. */
    close: () => harness.close(),
  };
};

export type SapSandboxHandle = Awaited<ReturnType<typeof serveSapSandbox>>;
