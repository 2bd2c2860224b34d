import type { Context } from 'hono';
import type { AppEnv } from '../../shared/http/app-env.js';

/**
 * What a rate-limit policy does when its store fails: `open` decides with a local limiter (availability
 * first, RELIABILITY.md F1 "rate-limit-only routes"), `closed` answers 503 with Retry-After 5.
 * Per route class: pass a function of the request.
 */
export type FailMode = 'open' | 'closed';
export type FailModeOption = FailMode | ((c: Context<AppEnv>) => FailMode);

export const resolveFailMode = (option: FailModeOption, c: Context<AppEnv>): FailMode => (typeof option === 'function' ? option(c) : option);

export const assertFailMode = (option: FailModeOption, owner: string): void => {
  if (typeof option !== 'function' && option !== 'open' && option !== 'closed') throw new Error(`${owner}: failMode must be 'open', 'closed' or a function`);
};

/**
 * A store call that settles within `ms` whatever the client does. shared/redis.ts already fails fast; this
 * keeps the promise "requests never hang" true for any store or client configuration.
 */
export const withinMs = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rate-limit store did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
