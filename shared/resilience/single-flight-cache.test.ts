import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { err, ok, type Result } from '../result.js';
import { createSingleFlightCache } from './single-flight-cache.js';

describe('createSingleFlightCache', () => {
  it('when many callers ask for one key at once, makes one call and gives all of them its result', async () => {
    const cache = createSingleFlightCache<number>(createManualClock(), { ttlMs: 1_000 });
    let calls = 0;
    let release!: (r: Result<number>) => void;
    const load = () => {
      calls++;
      return new Promise<Result<number>>((resolve) => (release = resolve));
    };
    const pending = Array.from({ length: 50 }, () => cache.get('8812', load));
    release(ok(42));
    expect(await Promise.all(pending)).toEqual(Array(50).fill(ok(42)));
    expect(calls).toBe(1);
  });

  it('reuses a success until the TTL passes, then loads again', async () => {
    const clock = createManualClock();
    const cache = createSingleFlightCache<number>(clock, { ttlMs: 1_000 });
    let calls = 0;
    const load = async () => ok(++calls);
    expect(await cache.get('k', load)).toEqual(ok(1));
    clock.advance(999);
    expect(await cache.get('k', load)).toEqual(ok(1));
    clock.advance(1);
    expect(await cache.get('k', load)).toEqual(ok(2));
  });

  it('never caches a failure', async () => {
    const cache = createSingleFlightCache<number>(createManualClock(), { ttlMs: 1_000 });
    let calls = 0;
    const load = async () => (++calls === 1 ? err({ code: 'vendor.timeout' as const, retryable: true }) : ok(7));
    expect((await cache.get('k', load)).ok).toBe(false);
    expect(await cache.get('k', load)).toEqual(ok(7));
  });
});
