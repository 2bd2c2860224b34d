import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createLogger } from '../../../../shared/logging.js';
import { SANDBOX_SALESFORCE_CREDENTIALS } from './config.js';
import { createSalesforceSandbox, type RecordedRequest, type SalesforceSandboxOptions } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export interface SandboxStats {
  readonly total: number;
  readonly byPath: Readonly<Record<string, number>>;
  readonly requests: readonly RecordedRequest[];
}

/**
 * Serves the Salesforce sandbox on 127.0.0.1, port 0, mounted at `/salesforce` the way the sandbox
 * server mounts it, with helpers for its control API. For tests (and local experiments) only.
 */
export const startSalesforceSandbox = async (options: SalesforceSandboxOptions = {}) => {
  const root = new Hono();
  root.route('/salesforce', createSalesforceSandbox(options));
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}/salesforce`;

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
    server,
    injectFault: (rule: FaultRule) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    stats: async () => (await control('GET', '/stats')) as SandboxStats,
    resetStats: () => control('DELETE', '/stats'),
    expireSessions: () => control('DELETE', '/sessions'),
    /**
     * A record with all its fields, read over the vendor API with a session of its own (as another
     * Salesforce client would), to check what a write left behind. Counts in the stats like any request.
     */
    async readRecord(object: string, id: string): Promise<Record<string, unknown>> {
      const token = await fetch(`${baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret }),
      });
      const { access_token } = (await token.json()) as { access_token: string };
      const res = await fetch(`${baseUrl}/services/data/v62.0/sobjects/${object}/${id}`, { headers: { authorization: `Bearer ${access_token}` } });
      if (!res.ok) throw new Error(`sandbox read ${object}/${id}: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    },
    /** Vendor requests whose path contains `fragment`. */
    async count(fragment: string): Promise<number> {
      const s = (await control('GET', '/stats')) as SandboxStats;
      return Object.entries(s.byPath).reduce((n, [path, hits]) => (path.includes(fragment) ? n + hits : n), 0);
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type SalesforceSandboxHandle = Awaited<ReturnType<typeof startSalesforceSandbox>>;

/** A port-call context with a deadline `budgetMs` from `clock.now()`, as `callContext(c)` would build it. */
export const testCallContext = (clock: { now(): number }, budgetMs = 3_000): CallContext => ({
  signal: AbortSignal.timeout(budgetMs),
  deadlineAt: clock.now() + budgetMs,
  requestId: '4bf92f3577b34da6a3ce929d0e0e4736',
  trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' },
});

/** A debug-level logger whose lines a test can read back (to prove what is, and is not, logged). */
export const captureLogger = () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
};
