import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient, type UndiciHttpClientOptions } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger, serveSandbox, type SandboxStats } from '../../../../test/harness/sandbox-harness.js';
import { createStripeBillingAdapter } from './adapter.js';
import { SANDBOX_STRIPE_SECRET_KEY, sandboxStripeConfig, type StripeConfig, type StripeResilience } from './config.js';
import type { FaultRule } from './sandbox-faults.js';
import { createStripeSandbox, type RecordedRequest, type StripeSandboxOptions } from './sandbox.js';

export { captureLogger } from '../../../../test/harness/sandbox-harness.js';

/**
 * Test support: the Stripe sandbox served over real HTTP on 127.0.0.1, port 0, mounted at `/stripe`
 * as the sandbox server mounts it, with a typed client for its control API and its Stripe API.
 */
export const serveStripeSandbox = async (options: StripeSandboxOptions = {}) => {
  // Re-rooted so the sandbox's own context variables (`Hono<Env>`) stay inside it, as the sandbox server's `route` keeps them.
  const app = new Hono().route('/', createStripeSandbox(options));
  const harness = await serveSandbox<FaultRule, RecordedRequest>(app, { basePath: '/stripe', reset: true });
  const { origin, baseUrl, server, control } = harness;

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
    origin,
    baseUrl,
    server,
    /** The shared harness (`test/harness/sandbox-harness.ts`), for the shared reliability kit. */
    harness,
    stripe,
    addFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: (): Promise<SandboxStats<RecordedRequest>> => control.stats(),
    resetStats: () => control.resetStats(),
    requests: () => control.requests(),
    /** Fresh seed data, no faults, no recorded requests, no idempotency keys. */
    reset: () => control.reset!(),
    /** Stripe requests whose path contains `fragment` (`method` optional). */
    async count(fragment: string, method?: string): Promise<number> {
      return (await control.requests()).filter((r) => r.path.includes(fragment) && (!method || r.method === method)).length;
    },
    close: () => harness.close(),
  };
};

export type StripeSandboxHandle = Awaited<ReturnType<typeof serveStripeSandbox>>;

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
