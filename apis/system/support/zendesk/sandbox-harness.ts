import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger, serveSandbox } from '../../../../test/harness/sandbox-harness.js';
import type { SupportPort } from '../contract.js';
import { createZendeskSupportAdapter } from './adapter.js';
import { SANDBOX_ZENDESK_CREDENTIALS, sandboxZendeskConfig, type ZendeskResilience } from './config.js';
import type { FaultRule } from './sandbox-faults.js';
import { createZendeskSandbox, type RecordedRequest, type ZendeskSandboxOptions } from './sandbox.js';

export { captureLogger } from '../../../../test/harness/sandbox-harness.js';

/** Where the harness mounts the sandbox, as the sandbox server does. */
export const MOUNT = '/zendesk';

/**
 * Test support: the Zendesk sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/zendesk` as the sandbox server mounts it (test/harness/sandbox-harness.ts), with a client for its
 * control API and for the vendor API itself (to look behind the adapter: how many organizations carry
 * an external id, …). Recorded request paths are relative to the account: `/api/v2/…`.
 */
export const startZendeskSandbox = async (options: ZendeskSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createZendeskSandbox(options), { basePath: MOUNT, reset: true });
  const { origin, baseUrl, server, control } = harness;
  const authorization = `Basic ${Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}/token:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64')}`;

  return {
    origin,
    baseUrl,
    server,
    harness,
    authorization,
    /** A vendor API call with the sandbox's credentials (recorded and counted like any other). */
    vendor: (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, { ...init, headers: { authorization, ...(init.headers as Record<string, string>) } }),
    injectFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: () => control.stats(),
    /** Zeroes the counts and forgets recorded requests; faults and data stay. */
    resetStats: () => control.resetStats(),
    requests: () => control.requests(),
    /** Vendor requests with this method whose path contains `fragment`. */
    count: async (method: string, fragment: string) => (await control.requests()).filter((r) => r.method === method && r.path.includes(fragment)).length,
    /** Faults, recorded requests and data back to the seed. */
    reset: () => control.reset!(),
    /** Ends held connections (hung `timeout` faults), then closes the server. */
    close: () => harness.close(),
  };
};

export type ZendeskSandboxHandle = Awaited<ReturnType<typeof startZendeskSandbox>>;

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * A call context whose deadline is `deadlineMs` from now on `clock`, with a real abort signal for the
 * same span (a timer holds the controller, as the request-context policy does), and a fixed trace.
 */
export const callCtx = (clock: Clock, deadlineMs = 3_000): CallContext => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), deadlineMs).unref();
  return { signal: controller.signal, deadlineAt: clock.now() + deadlineMs, requestId: TRACE_ID, trace: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', flags: '01' } };
};

/** The real adapter over undici, pointed at the sandbox; `close()` ends the pool. */
export const sandboxAdapter = (baseUrl: string, clock: Clock, options: { resilience?: ZendeskResilience } = {}) => {
  const log = captureLogger();
  const http: HttpClient = createUndiciHttpClient({ baseUrl });
  const support: SupportPort = createZendeskSupportAdapter(sandboxZendeskConfig(baseUrl, options.resilience ? { resilience: options.resilience } : {}), { http, clock, logger: log.logger });
  return { support, logs: log.text, lines: log.lines, close: () => http.close() };
};
