import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createLogger } from '../../../../shared/logging.js';
import { createHubspotSandbox, type HubspotSandboxOptions, type RecordedRequest } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export interface SandboxStats {
  readonly total: number;
  readonly byPath: Readonly<Record<string, number>>;
  readonly requests: readonly RecordedRequest[];
}

/** Where the harness mounts the sandbox, as the sandbox server does. */
export const MOUNT = '/hubspot';

/**
 * Serves the HubSpot sandbox on 127.0.0.1, port 0, mounted at `/hubspot` the way the sandbox server
 * mounts it, with helpers for its control API. For tests (and local experiments) only.
 */
export const startHubspotSandbox = async (options: HubspotSandboxOptions = {}) => {
  const root = new Hono();
  root.route(MOUNT, createHubspotSandbox(options));
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}${MOUNT}`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };
  const stats = async () => (await control('GET', '/stats')) as SandboxStats;

  return {
    origin,
    baseUrl,
    server,
    injectFault: (rule: FaultRule) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    stats,
    resetStats: () => control('DELETE', '/stats'),
    /** Vendor requests (method and path without the mount) seen since the last reset. */
    async requests(): Promise<readonly RecordedRequest[]> {
      return (await stats()).requests.map((r) => ({ ...r, path: r.path.slice(MOUNT.length) }));
    },
    /** Vendor requests whose `METHOD path` contains `fragment` (e.g. `PATCH`, `/search`). */
    async count(fragment: string): Promise<number> {
      return (await stats()).requests.filter((r) => `${r.method} ${r.path}`.includes(fragment)).length;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type HubspotSandboxHandle = Awaited<ReturnType<typeof startHubspotSandbox>>;

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
