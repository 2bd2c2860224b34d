import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger } from '../../../../test/harness/sandbox-harness.js';
import { SANDBOX_DYNAMICS_BC, sandboxDynamicsBcConfig, type DynamicsBcConfig, type DynamicsBcResilience } from './config.js';
import { createDynamicsBcErpAdapter } from './adapter.js';

/** Test support for the Business Central suites: a call context, a capturing logger, an adapter on the sandbox. */

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The API root of the sandbox company, relative to the mount point (as the request log records paths). */
export const COMPANY_PATH = `/v2.0/${SANDBOX_DYNAMICS_BC.tenantId}/${SANDBOX_DYNAMICS_BC.environment}/api/v2.0/companies(${SANDBOX_DYNAMICS_BC.companyId})`;
export const TOKEN_PATH = `/${SANDBOX_DYNAMICS_BC.tenantId}/oauth2/v2.0/token`;

/**
 * A call context whose deadline is `deadlineMs` from now on `clock`, with a real abort signal for the
 * same span (a timer holds the controller, as the request-context policy does).
 */
export const callCtx = (clock: Clock, deadlineMs = 5_000): CallContext => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), deadlineMs).unref();
  return {
    signal: controller.signal,
    deadlineAt: clock.now() + deadlineMs,
    requestId: TRACE_ID,
    trace: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', flags: '01' },
  };
};

/** A pino logger (the project's, with its redaction) writing into memory: the shared one. */
export { captureLogger };

/** The real adapter over undici, pointed at a sandbox; `close()` ends the pool. */
export const sandboxAdapter = (
  baseUrl: string,
  clock: Clock,
  options: { resilience?: DynamicsBcResilience; config?: Partial<DynamicsBcConfig>; maxResponseBytes?: number } = {},
) => {
  const log = captureLogger();
  const config = { ...sandboxDynamicsBcConfig(baseUrl, options.resilience ? { resilience: options.resilience } : {}), ...options.config };
  const http = createUndiciHttpClient({ baseUrl: config.baseUrl, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
  const erp = createDynamicsBcErpAdapter(config, { http, clock, logger: log.logger });
  return { erp, logs: log.text, lines: log.lines, close: () => http.close() };
};
