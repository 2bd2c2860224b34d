import { serveSandbox, type SandboxStats } from '../../../../test/harness/sandbox-harness.js';
import type { FaultRuleInput } from './sandbox-faults.js';
import { createNetsuiteSandbox, type NetsuiteSandboxOptions, type RecordedRequest } from './sandbox.js';

/** What `GET /__sandbox/created` lists: the records clients created since the last reset. */
export interface NetsuiteCreatedRecords {
  readonly customers: { id: string; externalId?: string; companyName: string }[];
  readonly salesOrders: { id: string; tranId: string; externalId?: string; customerId: string }[];
}

/**
 * Test support: the NetSuite sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/netsuite` as the sandbox server mounts it (test/harness/sandbox-harness.ts), plus a typed client
 * for its control API, NetSuite's own routes included (tokens, created records).
 */
export const serveNetsuiteSandbox = async (options: NetsuiteSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRuleInput, RecordedRequest>(createNetsuiteSandbox(options), { basePath: '/netsuite', reset: true });
  const { origin, baseUrl, server, control } = harness;

  return {
    origin,
    baseUrl,
    server,
    harness,
    addFault: (rule: FaultRuleInput) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: (): Promise<SandboxStats<RecordedRequest>> => control.stats(),
    /** Zeroes the counts and forgets recorded requests; faults and issued tokens stay. */
    resetStats: () => control.resetStats(),
    /** The recorded vendor requests (paths relative to the mount point), oldest first. */
    requests: async (): Promise<RecordedRequest[]> => [...(await control.requests())],
    revokeTokens: () => control.send('DELETE', '/tokens'),
    /** The records clients created since the last reset (internal id, document number, external id …). */
    created: async () => (await control.send('GET', '/created')) as NetsuiteCreatedRecords,
    /** Faults, counts, recorded requests, issued tokens and written records all forgotten. */
    reset: () => control.send('POST', '/reset'),
    /** Ends held connections (hung `timeout` faults), then closes the server. */
    close: () => harness.close(),
  };
};

export type NetsuiteSandboxHandle = Awaited<ReturnType<typeof serveNetsuiteSandbox>>;
