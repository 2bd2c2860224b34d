import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { FaultRuleInput } from './sandbox-faults.js';
import { createNetsuiteSandbox, type NetsuiteSandboxOptions, type RecordedRequest } from './sandbox.js';

/**
 * Test support: the NetSuite sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/netsuite` as the sandbox server mounts it, plus a typed client for its control API.
 */
export const serveNetsuiteSandbox = async (options: NetsuiteSandboxOptions = {}) => {
  const app = new Hono().route('/netsuite', createNetsuiteSandbox(options));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/netsuite`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };

  return {
    baseUrl,
    addFault: (rule: FaultRuleInput) => control('POST', '/__sandbox/faults', rule),
    clearFaults: () => control('DELETE', '/__sandbox/faults'),
    stats: async () => (await control('GET', '/__sandbox/stats')) as { total: number; byPath: Record<string, number> },
    /** Zeroes the counts and forgets recorded requests; faults and issued tokens stay. */
    resetStats: () => control('DELETE', '/__sandbox/stats'),
    requests: async () => ((await control('GET', '/__sandbox/requests')) as { requests: RecordedRequest[] }).requests,
    revokeTokens: () => control('DELETE', '/__sandbox/tokens'),
    /** The records clients created since the last reset (internal id, document number, external id …). */
    created: async () => (await control('GET', '/__sandbox/created')) as { customers: { id: string; externalId?: string; companyName: string }[]; salesOrders: { id: string; tranId: string; externalId?: string; customerId: string }[] },
    reset: () => control('POST', '/__sandbox/reset'),
    close: () =>
      new Promise<void>((resolve) => {
        // Hung `timeout` faults hold connections open: end them, then close.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type NetsuiteSandboxHandle = Awaited<ReturnType<typeof serveNetsuiteSandbox>>;
