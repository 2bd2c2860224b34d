import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../../shared/http/app-env.js';
import { formatTraceparent, traceFrom } from '../../shared/http/trace-context.js';
import type { Clock } from '../../shared/clock.js';

export interface RequestContextOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Total budget for a request, vendor calls included (RELIABILITY.md E1: total time ≤ route deadline). */
  readonly deadlineMs: number;
}

/**
 * First in the chain: W3C trace context (continued when valid, new when absent or invalid — never a
 * 4xx), the correlation id, a child logger, the request deadline, and one structured log line per
 * request. The URL is logged without its query string, so a token sent as `?access_token=` is never
 * written anywhere (RELIABILITY.md A2, H3).
 *
 * @example app.use('*', requestContext({ logger, clock: systemClock, deadlineMs: 5_000 }))
 */
export const requestContext = (options: RequestContextOptions): MiddlewareHandler<AppEnv> => {
  if (!(options.deadlineMs > 0)) throw new Error('requestContext: deadlineMs must be positive');
  const { logger, clock, deadlineMs } = options;

  return async function requestContext(c, next) {
    const started = clock.now();
    const trace = traceFrom(c.req.header('traceparent'));
    const log = logger.child({ traceId: trace.traceId });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('request deadline exceeded')), deadlineMs);
    c.set('requestId', trace.traceId);
    c.set('trace', trace);
    c.set('logger', log);
    c.set('deadline', { signal: controller.signal, expiresAt: started + deadlineMs });
    c.set('principal', undefined);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
    c.header('traceparent', formatTraceparent(trace, trace.spanId));
    c.header('x-request-id', trace.traceId);
    const principal = c.get('principal');
    log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: clock.now() - started,
        ...(principal ? { clientId: principal.clientId } : {}),
        ...(c.error ? { error: c.error.name } : {}),
      },
      'request',
    );
  };
};
