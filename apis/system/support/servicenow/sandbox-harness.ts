import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger, serveSandbox, type SandboxStats } from '../../../../test/harness/sandbox-harness.js';
import type { SupportPort } from '../contract.js';
import { createServicenowSupportAdapter } from './adapter.js';
import { SANDBOX_SERVICENOW_CREDENTIALS, sandboxServicenowConfig, type ServicenowConfig } from './config.js';
import type { FaultRule } from './sandbox-faults.js';
import { createServicenowSandbox, type RecordedRequest, type ServicenowSandboxOptions } from './sandbox.js';

export { captureLogger };

/**
 * Test support: the ServiceNow sandbox served over real HTTP on 127.0.0.1, port 0, mounted at
 * `/servicenow` as the sandbox server mounts it (test/harness/sandbox-harness.ts), with a client for
 * its control API and for the Table API itself (with a token of its own, to look behind the adapter:
 * how many companies carry a reference, …).
 */
export const startServicenowSandbox = async (options: ServicenowSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createServicenowSandbox(options), { basePath: '/servicenow', reset: true });
  const { origin, baseUrl, server, control } = harness;
  /** A fresh access token (client credentials), as another ServiceNow client would get one. */
  const token = async (): Promise<string> => {
    const res = await fetch(`${baseUrl}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_SERVICENOW_CREDENTIALS.clientId, client_secret: SANDBOX_SERVICENOW_CREDENTIALS.clientSecret }),
    });
    if (!res.ok) throw new Error(`sandbox token: ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  return {
    origin,
    baseUrl,
    server,
    /** The shared harness (for test/harness/vendor-reliability-kit.ts). */
    harness,
    token,
    /** A Table API call with a token of its own (recorded and counted like any other request). */
    vendor: async (path: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${await token()}`, accept: 'application/json', ...(init.headers as Record<string, string>) } }),
    /** Table rows matching an encoded query, all columns, references bare. */
    async rows(table: string, sysparmQuery: string): Promise<Record<string, string>[]> {
      const query = new URLSearchParams({ sysparm_query: sysparmQuery, sysparm_exclude_reference_link: 'true' });
      const res = await fetch(`${baseUrl}/api/now/table/${table}?${query}`, { headers: { authorization: `Bearer ${await token()}`, accept: 'application/json' } });
      if (!res.ok) throw new Error(`sandbox rows ${table}: ${res.status}`);
      return ((await res.json()) as { result: Record<string, string>[] }).result;
    },
    injectFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: (): Promise<SandboxStats<RecordedRequest>> => control.stats(),
    /** Zeroes the counts and forgets recorded requests; faults and data stay. */
    resetStats: () => control.resetStats(),
    expireTokens: () => control.send('DELETE', '/tokens'),
    requests: () => control.requests(),
    /** Vendor requests with this method whose path contains `fragment`. */
    count: async (method: string, fragment: string) => (await control.requests()).filter((r) => r.method === method && r.path.includes(fragment)).length,
    /** Faults, recorded requests, tokens and data back to the seed. */
    reset: () => control.send('POST', '/reset'),
    /** Ends held connections (hung `timeout` faults), then closes the server. */
    close: () => harness.close(),
  };
};

export type ServicenowSandboxHandle = Awaited<ReturnType<typeof startServicenowSandbox>>;

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A call context whose deadline is `deadlineMs` from now on `clock`, with a real abort signal for the same span. */
export const callCtx = (clock: Clock, deadlineMs = 3_000): CallContext => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), deadlineMs).unref();
  return { signal: controller.signal, deadlineAt: clock.now() + deadlineMs, requestId: TRACE_ID, trace: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', flags: '01' } };
};

/** The real adapter over undici, pointed at the sandbox; `close()` ends the pool. */
export const sandboxAdapter = (
  baseUrl: string,
  clock: Clock,
  options: { config?: Partial<Pick<ServicenowConfig, 'resilience' | 'grant' | 'pageSize'>>; maxResponseBytes?: number } = {},
) => {
  const log = captureLogger();
  const http: HttpClient = createUndiciHttpClient({ baseUrl, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
  const support: SupportPort = createServicenowSupportAdapter(sandboxServicenowConfig(baseUrl, options.config ?? {}), { http, clock, logger: log.logger });
  return { support, logs: log.text, lines: log.lines, close: () => http.close() };
};
