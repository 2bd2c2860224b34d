import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { FaultRuleInput } from './sandbox-faults.js';
import { createSapS4hanaSandbox, type RecordedRequest, type SapSandboxOptions, type WriteFaultInput } from './sandbox.js';

/**
 * Test support: the SAP sandbox served over real HTTP on 127.0.0.1, port 0, mounted at `/sap-s4hana`
 * as the sandbox server mounts it, plus a typed client for its control API.
 */
export const serveSapSandbox = async (options: SapSandboxOptions = {}) => {
  const app = new Hono().route('/sap-s4hana', createSapS4hanaSandbox(options));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/sap-s4hana`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };

  return {
    baseUrl,
    addFault: (rule: FaultRuleInput) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    stats: async () => (await control('GET', '/stats')) as { total: number; byPath: Record<string, number> },
    /** Vendor requests whose path contains `fragment`. */
    count: async (fragment: string) => Object.entries(((await control('GET', '/stats')) as { byPath: Record<string, number> }).byPath).reduce((n, [p, hits]) => (p.includes(fragment) ? n + hits : n), 0),
    /** Zeroes the counts and forgets recorded requests; faults, sessions and data stay. */
    resetStats: () => control('DELETE', '/stats'),
    requests: async () => ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests,
    expireSessions: () => control('DELETE', '/sessions'),
    /** A fault for writes only (see `WriteFaultInput`). */
    writeFault: (rule: WriteFaultInput) => control('POST', '/write-faults', rule),
    reset: () => control('POST', '/reset'),
    close: () =>
      new Promise<void>((resolve) => {
        // Hung `timeout` faults hold connections open: end them, then close.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type SapSandboxHandle = Awaited<ReturnType<typeof serveSapSandbox>>;
