import { serveSandbox } from '../../../../test/harness/sandbox-harness.js';
import { createChargebeeSandbox, type ChargebeeSandboxOptions, type RecordedRequest } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export { captureLogger } from '../../../../test/harness/sandbox-harness.js';

export interface SandboxRecordsView {
  readonly customers: readonly { readonly id: string; readonly ref: string | null }[];
  readonly subscriptions: readonly { readonly id: string; readonly customerId: string; readonly status: string; readonly ref: string | null }[];
}

/** Where the harness mounts the sandbox, as the sandbox server does. */
export const MOUNT = '/chargebee';

/**
 * Test support: the Chargebee sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/chargebee` as the sandbox server mounts it (test/harness/sandbox-harness.ts), with helpers for
 * its control API, including its own `GET /__sandbox/records`.
 */
export const startChargebeeSandbox = async (options: ChargebeeSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createChargebeeSandbox(options), { basePath: MOUNT, reset: true });
  const { origin, baseUrl, server, control } = harness;

  return {
    origin,
    baseUrl,
    server,
    harness,
    injectFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    resetStats: () => control.resetStats(),
    reset: () => control.reset!(),
    requests: () => control.requests(),
    records: async () => (await control.send('GET', '/records')) as SandboxRecordsView,
    /** Vendor requests whose method and path (`POST /api/v2/customers`) contain `fragment`. */
    async count(fragment: string): Promise<number> {
      return (await control.requests()).filter((r) => `${r.method} ${r.path}`.includes(fragment)).length;
    },
    close: () => harness.close(),
  };
};

export type ChargebeeSandboxHandle = Awaited<ReturnType<typeof startChargebeeSandbox>>;
