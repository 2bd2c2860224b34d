import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createLogger } from '../../../../shared/logging.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { SupportPort } from '../contract.js';
import { createZendeskSupportAdapter } from './adapter.js';
import { SANDBOX_ZENDESK_CREDENTIALS, sandboxZendeskConfig, type ZendeskResilience } from './config.js';
import type { FaultRule } from './sandbox-faults.js';
import { createZendeskSandbox, type RecordedRequest, type ZendeskSandboxOptions } from './sandbox.js';

/**
 * Test support: the Zendesk sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/zendesk` as the sandbox server mounts it, with a client for its control API and for the vendor
 * API itself (to look behind the adapter: how many organizations carry an external id, …).
 */
export const startZendeskSandbox = async (options: ZendeskSandboxOptions = {}) => {
  const root = new Hono().route('/zendesk', createZendeskSandbox(options));
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zendesk`;
  const authorization = `Basic ${Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}/token:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64')}`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };
  const requests = async () => ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests;

  return {
    baseUrl,
    authorization,
    /** A vendor API call with the sandbox's credentials (recorded and counted like any other). */
    vendor: (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, { ...init, headers: { authorization, ...(init.headers as Record<string, string>) } }),
    injectFault: (rule: FaultRule) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    stats: async () => (await control('GET', '/stats')) as { total: number; byPath: Record<string, number> },
    /** Zeroes the counts and forgets recorded requests; faults and data stay. */
    resetStats: () => control('DELETE', '/stats'),
    requests,
    /** Vendor requests with this method whose path contains `fragment`. */
    count: async (method: string, fragment: string) => (await requests()).filter((r) => r.method === method && r.path.includes(fragment)).length,
    /** Faults, recorded requests and data back to the seed. */
    reset: () => control('POST', '/reset'),
    async close(): Promise<void> {
      // Hung `timeout` faults hold connections open: end them, then close.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type ZendeskSandboxHandle = Awaited<ReturnType<typeof startZendeskSandbox>>;

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * A call context whose deadline is `deadlineMs` from now on `clock`, with a real abort signal for the
 * same span (a timer holds the controller, as the request-context policy does).
 */
export const callCtx = (clock: Clock, deadlineMs = 3_000): CallContext => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), deadlineMs).unref();
  return { signal: controller.signal, deadlineAt: clock.now() + deadlineMs, requestId: TRACE_ID, trace: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', flags: '01' } };
};

/** A pino logger (the project's, with its redaction) writing into memory. */
export const captureLogger = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines, text: () => lines.join('') };
};

/** The real adapter over undici, pointed at the sandbox; `close()` ends the pool. */
export const sandboxAdapter = (baseUrl: string, clock: Clock, options: { resilience?: ZendeskResilience } = {}) => {
  const log = captureLogger();
  const http: HttpClient = createUndiciHttpClient({ baseUrl });
  const support: SupportPort = createZendeskSupportAdapter(sandboxZendeskConfig(baseUrl, options.resilience ? { resilience: options.resilience } : {}), { http, clock, logger: log.logger });
  return { support, logs: log.text, lines: log.lines, close: () => http.close() };
};
