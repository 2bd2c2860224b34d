import type { Clock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger } from '../../../../test/harness/sandbox-harness.js';
import { createSapS4hanaErpAdapter } from './adapter.js';
import { sandboxSapS4hanaConfig, type SapResilience, type SapS4hanaConfig } from './config.js';

/** Test support for the SAP suites: a capturing logger and the real adapter over undici on a sandbox. */

/** A pino logger (the project's, with its redaction) writing into memory. */
export { captureLogger };

/** The real adapter over undici, pointed at a sandbox; `logs()` is everything it logged, `lines` the same line by line; `close()` ends the pool. */
export const sandboxAdapter = (baseUrl: string, clock: Clock, options: { resilience?: SapResilience; config?: Partial<Omit<SapS4hanaConfig, 'baseUrl'>>; maxResponseBytes?: number } = {}) => {
  const log = captureLogger();
  const config = sandboxSapS4hanaConfig(baseUrl, { ...(options.resilience ? { resilience: options.resilience } : {}), ...options.config });
  const http = createUndiciHttpClient({ baseUrl: config.baseUrl, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
  const erp = createSapS4hanaErpAdapter(config, { http, clock, logger: log.logger });
  return { erp, config, logs: log.text, lines: log.lines, close: () => http.close() };
};
