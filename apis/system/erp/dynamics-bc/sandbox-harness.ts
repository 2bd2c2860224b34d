import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { FaultRule } from './sandbox-faults.js';
import { createDynamicsBcSandbox, type DynamicsBcSandboxOptions, type RecordedRequest } from './sandbox.js';

/**
 * Test support: the Business Central sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/dynamics-bc` as the sandbox server mounts it, plus a typed client for its control API.
 */
export const serveDynamicsBcSandbox = async (options: DynamicsBcSandboxOptions = {}) => {
  const app = new Hono().route('/dynamics-bc', createDynamicsBcSandbox(options));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/dynamics-bc`;

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
    addFault: (rule: FaultRule) => control('POST', '/__sandbox/faults', rule),
    clearFaults: () => control('DELETE', '/__sandbox/faults'),
    /** A fault on creates (POST) only: `slow-commit` writes, then holds the response `delayMs`; `hang` and `error5xx` write nothing. */
    writeFault: (rule: { kind: 'slow-commit' | 'error500' | 'error503' | 'hang'; delayMs?: number; times?: number; pathPattern?: string }) => control('POST', '/__sandbox/write-faults', rule),
    stats: async () => (await control('GET', '/__sandbox/stats')) as { total: number; byPath: Record<string, number> },
    /** Zeroes the counts and forgets recorded requests; faults, tokens and data stay. */
    resetStats: () => control('DELETE', '/__sandbox/stats'),
    requests: async () => ((await control('GET', '/__sandbox/requests')) as { requests: RecordedRequest[] }).requests,
    revokeTokens: () => control('DELETE', '/__sandbox/tokens'),
    /** Faults, write faults, log and tokens cleared; the seeded data restored. */
    reset: () => control('POST', '/__sandbox/reset'),
    close: () =>
      new Promise<void>((resolve) => {
        // Hung `timeout` faults hold connections open: end them, then close.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type DynamicsBcSandboxHandle = Awaited<ReturnType<typeof serveDynamicsBcSandbox>>;
