import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLogger } from '../../../../shared/logging.js';
import { createChargebeeSandbox, type ChargebeeSandboxOptions, type RecordedRequest } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export interface SandboxRecordsView {
  readonly customers: readonly { readonly id: string; readonly ref: string | null }[];
  readonly subscriptions: readonly { readonly id: string; readonly customerId: string; readonly status: string; readonly ref: string | null }[];
}

/**
 * Test support: the Chargebee sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/chargebee` as the sandbox server mounts it, with a typed client for its control API.
 */
export const startChargebeeSandbox = async (options: ChargebeeSandboxOptions = {}) => {
  const root = new Hono().route('/chargebee', createChargebeeSandbox(options));
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}/chargebee`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };

  return {
    origin,
    baseUrl,
    injectFault: (rule: FaultRule) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    resetStats: () => control('DELETE', '/stats'),
    reset: () => control('POST', '/reset'),
    requests: async () => ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests,
    records: async () => (await control('GET', '/records')) as SandboxRecordsView,
    /** Vendor requests whose method and path (`POST /api/v2/customers`) contain `fragment`. */
    async count(fragment: string): Promise<number> {
      const requests = ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests;
      return requests.filter((r) => `${r.method} ${r.path}`.includes(fragment)).length;
    },
    async close(): Promise<void> {
      // Hung `timeout` faults hold connections open: end them, then close.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type ChargebeeSandboxHandle = Awaited<ReturnType<typeof startChargebeeSandbox>>;

/** A debug-level logger whose lines a test can read back (to prove what is, and is not, logged). */
export const captureLogger = () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
};
