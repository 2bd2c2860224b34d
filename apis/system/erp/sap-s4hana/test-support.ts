import { Writable } from 'node:stream';
import type { Clock } from '../../../../shared/clock.js';
import { createLogger } from '../../../../shared/logging.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { createSapS4hanaErpAdapter } from './adapter.js';
import { sandboxSapS4hanaConfig, type SapResilience, type SapS4hanaConfig } from './config.js';

/** Test support for the SAP suites: a capturing logger and the real adapter over undici on a sandbox. */

/** A pino logger (the project's, with its redaction) writing into memory. */
export const captureLogger = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => lines.join('') };
};

/** The real adapter over undici, pointed at a sandbox; `close()` ends the pool. */
export const sandboxAdapter = (baseUrl: string, clock: Clock, options: { resilience?: SapResilience; config?: Partial<Omit<SapS4hanaConfig, 'baseUrl'>>; maxResponseBytes?: number } = {}) => {
  const log = captureLogger();
  const config = sandboxSapS4hanaConfig(baseUrl, { ...(options.resilience ? { resilience: options.resilience } : {}), ...options.config });
  const http = createUndiciHttpClient({ baseUrl: config.baseUrl, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
  const erp = createSapS4hanaErpAdapter(config, { http, clock, logger: log.logger });
  return { erp, config, logs: log.text, close: () => http.close() };
};
