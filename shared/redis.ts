import { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface RedisOptions {
  /** Per-command budget. A request must never wait on a Redis that is down or slow (RELIABILITY.md F1/F2). */
  readonly commandTimeoutMs?: number;
}

/**
 * ioredis with fail-fast settings. Its defaults (offline queue on, 20 retries per request, no command
 * timeout) make every request hang while Redis is down; here a command fails within `commandTimeoutMs`
 * and the caller's policy decides (fail open, or 503).
 */
export const createRedis = (url: string, options: RedisOptions = {}): Redis =>
  new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 150,
    connectTimeout: 1_000,
    enableAutoPipelining: true,
    // Reconnect forever in the background, backing off to 2 s; requests meanwhile fail fast.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    // After a failover the old primary answers READONLY: reconnect to find the new one.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  });

/** Resolves once the client is ready, or rejects after `timeoutMs` (start-up must not hang either). */
export const waitForRedis = (redis: Redis, timeoutMs = 5_000): Promise<void> =>
  new Promise((resolve, reject) => {
    if (redis.status === 'ready') return resolve();
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });

/** For stores whose data a request cannot do without: Redis down or slow is a 503 with Retry-After, never a 500 or a hang (RELIABILITY.md F1). */
export const storeUnavailable = (cause: unknown): never => {
  throw new AppError('dependency.unavailable', { retryAfterSeconds: 5, cause });
};
