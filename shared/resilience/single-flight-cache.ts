import type { Clock } from '../clock.js';
import type { Result } from '../result.js';

/**
 * A short-lived cache with request coalescing: concurrent look-ups of one key share one call, and a
 * successful result is kept for `ttlMs`. Failures are shared with the callers already waiting but
 * never cached. This is what protects a system of record from a burst of identical reads.
 */
export const createSingleFlightCache = <T>(clock: Clock, options: { ttlMs: number; maxEntries?: number }) => {
  const maxEntries = options.maxEntries ?? 10_000;
  const values = new Map<string, { value: T; expiresAt: number }>();
  const inFlight = new Map<string, Promise<Result<T>>>();

  return {
    async get(key: string, load: () => Promise<Result<T>>): Promise<Result<T>> {
      const hit = values.get(key);
      if (hit && hit.expiresAt > clock.now()) return { ok: true, value: hit.value };
      const pending = inFlight.get(key);
      if (pending) return pending;
      const promise = load().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      const result = await promise;
      if (result.ok) {
        if (values.size >= maxEntries) values.delete(values.keys().next().value as string);
        values.set(key, { value: result.value, expiresAt: clock.now() + options.ttlMs });
      }
      return result;
    },
    invalidate(key: string): void {
      values.delete(key);
    },
  };
};
