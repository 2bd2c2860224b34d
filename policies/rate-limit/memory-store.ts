import type { Clock } from '../../shared/clock.js';
import type { RatePlan } from '../../shared/config/rate-plan.js';
import { step, toDecision, ttlMs, type BucketState } from './gcra.js';
import type { Decision, RateLimitStore } from './store.js';

export interface MemoryRateLimitStoreOptions {
  /** Hard cap on live buckets; past it the least recently written bucket is dropped. */
  readonly maxEntries?: number;
}

interface Entry extends BucketState {
  readonly expiresAt: number;
}

/**
 * The same GCRA as the Redis store, for one process: the store without REDIS_URL, and the local
 * fallback when Redis is down (fail-open). Entries expire like the Redis keys (window + 1 s, by which
 * time they have drained to empty, so expiry never changes a decision). `maxEntries` bounds memory under a
 * flood of distinct keys: expired buckets go first, then the least recently written — dropping a live
 * bucket errs towards admitting, the right side for a fallback.
 *
 * @example const fallbackStore = createMemoryRateLimitStore(systemClock)
 */
export const createMemoryRateLimitStore = (clock: Clock, options: MemoryRateLimitStoreOptions = {}): RateLimitStore => {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new Error('createMemoryRateLimitStore: maxEntries must be a positive integer');
  // Map order = write order, so the first entry is the least recently written.
  const buckets = new Map<string, Entry>();
  let sweepAt = 1_024;
  let writesSinceSweep = 0;

  // Amortised O(1) per write: a full pass runs when the map has doubled, or — at the cap — at most once
  // per maxEntries / 4 writes, so a flood of distinct keys cannot make every write O(n).
  const sweepExpired = (now: number) => {
    for (const [key, entry] of buckets) if (entry.expiresAt <= now) buckets.delete(key);
    sweepAt = Math.max(1_024, buckets.size * 2);
    writesSinceSweep = 0;
  };

  const run = (key: string, plan: RatePlan, consume: boolean): Promise<Decision> => {
    const now = Math.floor(clock.now());
    let entry = buckets.get(key);
    if (entry && entry.expiresAt <= now) {
      buckets.delete(key);
      entry = undefined;
    }
    const { allowed, next } = step(entry, now, plan, consume);
    if (allowed && consume) {
      buckets.delete(key);
      buckets.set(key, { ...next, expiresAt: now + ttlMs(plan) });
      writesSinceSweep += 1;
      if (buckets.size > sweepAt || (buckets.size > maxEntries && writesSinceSweep >= maxEntries / 4)) sweepExpired(now);
      for (const oldest of buckets.keys()) {
        if (buckets.size <= maxEntries) break;
        buckets.delete(oldest);
      }
    }
    return Promise.resolve(toDecision(allowed, next.used, plan));
  };

  return {
    consume: (key, plan) => run(key, plan, true),
    peek: (key, plan) => run(key, plan, false),
  };
};
