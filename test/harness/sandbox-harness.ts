import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLogger } from '../../shared/logging.js';
import type { FaultRule } from '../../shared/sandbox/fault-injection.js';

/** `GET /__sandbox/stats` (shared/sandbox/request-log.ts); some sandboxes add the kept requests. */
export interface SandboxStats<Entry = unknown> {
  readonly total: number;
  readonly byPath: Readonly<Record<string, number>>;
  readonly requests?: readonly Entry[];
}

/** The shared `/__sandbox` control API (fault-injection.ts, request-log.ts), plus `send` for a vendor's own control routes. */
export interface SandboxControl<Rule = FaultRule<string>, Entry = unknown> {
  /** `POST /__sandbox/faults`. */
  fault(rule: Rule): Promise<void>;
  /** `DELETE /__sandbox/faults`. */
  clearFaults(): Promise<void>;
  /** `GET /__sandbox/stats`. */
  stats(): Promise<SandboxStats<Entry>>;
  /** `DELETE /__sandbox/stats`: counts and kept requests zeroed. */
  resetStats(): Promise<void>;
  /** `GET /__sandbox/requests`. */
  requests(): Promise<readonly Entry[]>;
  /** Vendor requests counted under a path the (unanchored) regular expression matches. */
  count(pathPattern: string): Promise<number>;
  /** `POST /__sandbox/reset`, when the sandbox has it (`serveSandbox(app, { reset: true })`). */
  reset?(): Promise<void>;
  /** Any other control route under `/__sandbox` (a vendor's own: sessions, write faults, created records…). */
  send(method: string, path: string, body?: unknown): Promise<unknown>;
}

export interface SandboxHarness<Rule = FaultRule<string>, Entry = unknown> {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Where the sandbox is mounted: `origin + basePath`; what the adapter's config points at. */
  readonly baseUrl: string;
  /** `baseUrl + path`. */
  url(path: string): string;
  readonly server: Server;
  readonly control: SandboxControl<Rule, Entry>;
  /** Ends held connections (hung `timeout` faults), then closes the server. */
  close(): Promise<void>;
}

/**
 * Serves a sandbox app on 127.0.0.1, port 0, mounted at `basePath` (as the sandbox server mounts it,
 * e.g. `/salesforce`), over real HTTP, with a client for its `/__sandbox` control API.
 */
export const serveSandbox = async <Rule = FaultRule<string>, Entry = unknown>(
  app: Hono,
  options: { basePath?: string; reset?: boolean } = {},
): Promise<SandboxHarness<Rule, Entry>> => {
  const basePath = options.basePath ?? '';
  const root = basePath ? new Hono().route(basePath, app) : app;
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}${basePath}`;

  const send = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 || res.headers.get('content-length') === '0' ? undefined : res.json();
  };
  const stats = async () => (await send('GET', '/stats')) as SandboxStats<Entry>;

  const control: SandboxControl<Rule, Entry> = {
    fault: async (rule) => void (await send('POST', '/faults', rule)),
    clearFaults: async () => void (await send('DELETE', '/faults')),
    stats,
    resetStats: async () => void (await send('DELETE', '/stats')),
    requests: async () => ((await send('GET', '/requests')) as { requests: Entry[] }).requests,
    async count(pathPattern) {
      const re = new RegExp(pathPattern);
      return Object.entries((await stats()).byPath).reduce((n, [path, hits]) => (re.test(path) ? n + hits : n), 0);
    },
    ...(options.reset ? { reset: async () => void (await send('POST', '/reset')) } : {}),
    send,
  };

  return {
    origin,
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    server,
    control,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A debug-level logger (the project's, with its redaction) whose lines a test can read back. */
export const captureLogger = () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
};
