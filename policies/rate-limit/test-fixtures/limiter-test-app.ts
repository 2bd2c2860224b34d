import { Writable } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { systemClock } from '../../../shared/clock.js';
import { AppError } from '../../../shared/errors.js';
import type { AppEnv, Principal } from '../../../shared/http/app-env.js';
import { createRouter } from '../../../shared/http/create-router.js';
import { onError } from '../../../shared/http/on-error.js';
import { createLogger, type Logger } from '../../../shared/logging.js';
import { requestContext } from '../../request-context/request-context.js';

/**
 * TEST FIXTURE ONLY — stands in for the OAuth policy so these tests exercise the limiter, not token
 * verification. `Authorization: Bearer valid:<clientId>` → a verified principal for that client; no
 * Authorization → a public request (no principal); a non-Bearer scheme → 400 invalid_request; any other
 * bearer → 401 invalid_token. It never reads X-Client-Id or X-Forwarded-For.
 */
export const fakeVerifiedPrincipalForTests = (): MiddlewareHandler<AppEnv> =>
  async function fakeVerifiedPrincipalForTests(c, next) {
    const authorization = c.req.header('authorization');
    if (authorization === undefined) return next();
    if (!authorization.startsWith('Bearer ')) throw new AppError('auth.invalid_request', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"' } });
    const match = /^Bearer valid:(.+)$/.exec(authorization);
    if (!match?.[1]) throw new AppError('auth.invalid_token', { headers: { 'WWW-Authenticate': 'Bearer realm="gw", error="invalid_token"' } });
    const principal: Principal = { clientId: match[1], subject: match[1], scopes: new Set(), tokenId: 'test-jti', expiresAt: 4_102_444_800 };
    c.set('principal', principal);
    return next();
  };

export interface CapturedLogger {
  readonly logger: Logger;
  /** Parsed log lines, oldest first. */
  readonly lines: Array<Record<string, unknown>>;
}

export const captureLogger = (): CapturedLogger => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
};

export interface LimiterTestAppOptions {
  readonly limiter: MiddlewareHandler<AppEnv>;
  /** Mounted before the fake OAuth stand-in, like the real pre-auth limit. */
  readonly preAuth?: MiddlewareHandler<AppEnv>;
  readonly logger?: Logger;
}

/**
 * requestContext → [preAuth] → fake OAuth → limiter → routes. `GET /things` answers 200, `POST /things` 201; `GET /broken`
 * fails like a vendor (502) after passing the limiter.
 */
export const createLimiterTestApp = (options: LimiterTestAppOptions) => {
  const app = createRouter();
  app.onError(onError);
  app.use('*', requestContext({ logger: options.logger ?? createLogger({ level: 'silent' }), clock: systemClock, deadlineMs: 5_000 }));
  if (options.preAuth) app.use('*', options.preAuth);
  app.use('*', fakeVerifiedPrincipalForTests());
  app.use('*', options.limiter);
  app.get('/things', (c) => c.json({ ok: true }));
  app.post('/things', (c) => c.json({ ok: true }, 201));
  app.get('/broken', () => {
    throw new AppError('vendor.error');
  });
  return app;
};

export const bearer = (clientId: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer valid:${clientId}`, ...extra } });

/**
 * Moves time forward by `ms` for every bucket under `prefix`, without waiting: GCRA state is "units in
 * use as of time `at`", so shifting `at` back by `ms` (and shortening the TTL by as much, deleting what
 * would have expired) is exactly what `ms` of elapsed time does to it. Tied to the "used:at" encoding
 * of redis-store.ts on purpose: the memory-parity test proves the two views agree.
 */
export const ageBuckets = async (redis: Redis, prefix: string, ms: number): Promise<void> => {
  const keys = await scanKeys(redis, prefix);
  for (const key of keys) {
    const [value, pttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    if (value === null) continue;
    const [used, at] = value.split(':').map(Number) as [number, number];
    if (pttl - ms <= 0) await redis.del(key);
    else await redis.set(key, `${used}:${at - ms}`, 'PX', pttl - ms);
  }
};

export const scanKeys = async (redis: Redis, prefix: string): Promise<string[]> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
};
