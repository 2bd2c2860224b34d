import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createLogger } from '../../../../shared/logging.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient, type UndiciHttpClientOptions } from '../../../../shared/vendor-http/undici-http-client.js';
import { createStripeBillingAdapter } from './adapter.js';
import { SANDBOX_STRIPE_SECRET_KEY, sandboxStripeConfig, type StripeConfig, type StripeResilience } from './config.js';
import type { FaultRule } from './sandbox-faults.js';
import { createStripeSandbox, type RecordedRequest, type StripeSandboxOptions } from './sandbox.js';

/**
 * Test support: the Stripe sandbox served over real HTTP on 127.0.0.1, port 0, mounted at `/stripe`
 * as the sandbox server mounts it, with a typed client for its control API and its Stripe API.
 */
export const serveStripeSandbox = async (options: StripeSandboxOptions = {}) => {
  const app = new Hono().route('/stripe', createStripeSandbox(options));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/stripe`;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };

  /** A raw Stripe call with the sandbox key: `stripe('GET', '/v1/customers/cus_…')`. */
  const stripe = async (method: string, pathAndQuery: string, init: { form?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${baseUrl}${pathAndQuery}`, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_STRIPE_SECRET_KEY}`,
        ...(init.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      ...(init.form !== undefined ? { body: init.form } : {}),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & { data?: Record<string, unknown>[]; error?: Record<string, unknown> } };
  };

  return {
    baseUrl,
    stripe,
    addFault: (rule: FaultRule) => control('POST', '/faults', rule),
    clearFaults: () => control('DELETE', '/faults'),
    stats: async () => (await control('GET', '/stats')) as { total: number; byPath: Record<string, number> },
    resetStats: () => control('DELETE', '/stats'),
    requests: async () => ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests,
    /** Fresh seed data, no faults, no recorded requests, no idempotency keys. */
    reset: () => control('POST', '/reset'),
    /** Stripe requests whose path contains `fragment` (`method` optional). */
    async count(fragment: string, method?: string): Promise<number> {
      const requests = ((await control('GET', '/requests')) as { requests: RecordedRequest[] }).requests;
      return requests.filter((r) => r.path.includes(fragment) && (!method || r.method === method)).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung `timeout` faults hold connections open: end them, then close.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type StripeSandboxHandle = Awaited<ReturnType<typeof serveStripeSandbox>>;

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

/** The real adapter over undici, pointed at a sandbox; `close()` ends the pool. */
export const sandboxStripeAdapter = (
  baseUrl: string,
  options: {
    clock?: Clock;
    resilience?: StripeResilience;
    config?: Partial<StripeConfig>;
    http?: Omit<UndiciHttpClientOptions, 'baseUrl'>;
    /** Wraps the real client, e.g. to lose an answer after the sandbox has acted on the request. */
    wrapHttp?: (http: HttpClient) => HttpClient;
  } = {},
) => {
  const log = captureLogger();
  const config = { ...sandboxStripeConfig(baseUrl, { resilience: { backoffMs: 5, ...options.resilience } }), ...options.config };
  const http = createUndiciHttpClient({ baseUrl: config.baseUrl, ...options.http });
  const billing = createStripeBillingAdapter(config, { http: options.wrapHttp ? options.wrapHttp(http) : http, clock: options.clock ?? systemClock, logger: log.logger });
  return { billing, logs: log.text, logLines: log.lines, close: () => http.close() };
};
