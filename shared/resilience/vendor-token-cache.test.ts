import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import type { CallContext } from '../http/app-env.js';
import { err, ok, type Result } from '../result.js';
import { createVendorTokenCache, type VendorToken } from './vendor-token-cache.js';

const ctx: CallContext = {
  signal: new AbortController().signal,
  deadlineAt: Number.MAX_SAFE_INTEGER,
  requestId: '4bf92f3577b34da6a3ce929d0e0e4736',
  trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' },
};
const HOUR = 3_600_000;

/** A fake token endpoint: each call mints `token-1`, `token-2`… living `lifetimeMs`; `outcomes` scripts failures. */
const fakeVendor = (lifetimeMs = HOUR, outcomes: ('ok' | 'fail')[] = []) => {
  let calls = 0;
  const fetchToken = async (): Promise<Result<VendorToken>> => {
    calls += 1;
    if (outcomes.shift() === 'fail') return err({ code: 'vendor.timeout', retryable: true, vendor: 'erp' });
    return ok({ token: `token-${calls}`, lifetimeMs });
  };
  return { fetchToken, calls: () => calls };
};

describe('createVendorTokenCache', () => {
  it('when many callers need a token at once, makes one token request and gives all of them its token', async () => {
    const clock = createManualClock();
    let release!: (r: Result<VendorToken>) => void;
    let calls = 0;
    const cache = createVendorTokenCache({
      clock,
      fetchToken: () => {
        calls += 1;
        return new Promise((resolve) => (release = resolve));
      },
    });
    const pending = Array.from({ length: 20 }, () => cache.get(ctx));
    release(ok({ token: 'shared', lifetimeMs: HOUR }));
    expect(await Promise.all(pending)).toEqual(Array(20).fill(ok('shared')));
    expect(calls).toBe(1);
    expect(await cache.get(ctx)).toEqual(ok('shared'));
    expect(calls).toBe(1);
  });

  it('when the token is within refreshMarginMs of its expiry, fetches a new one', async () => {
    const clock = createManualClock();
    const vendor = fakeVendor(HOUR);
    const cache = createVendorTokenCache({ clock, fetchToken: vendor.fetchToken, refreshMarginMs: 60_000 });
    expect(await cache.get(ctx)).toEqual(ok('token-1'));
    clock.advance(HOUR - 60_000 - 1);
    expect(await cache.get(ctx)).toEqual(ok('token-1'));
    clock.advance(1);
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
  });

  it('when the margin is more than a tenth of a short lifetime, refreshes a tenth before expiry instead', async () => {
    const clock = createManualClock();
    const cache = createVendorTokenCache({ clock, fetchToken: fakeVendor(100_000).fetchToken, refreshMarginMs: 60_000 });
    await cache.get(ctx);
    clock.advance(89_999);
    expect(await cache.get(ctx)).toEqual(ok('token-1'));
    clock.advance(1);
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
  });

  it('when no margin is given, reuses the token for its whole lifetime and not a millisecond more', async () => {
    const clock = createManualClock();
    const cache = createVendorTokenCache({ clock, fetchToken: fakeVendor(HOUR).fetchToken });
    await cache.get(ctx);
    clock.advance(HOUR - 1);
    expect(await cache.get(ctx)).toEqual(ok('token-1'));
    clock.advance(1);
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
  });

  it('when a token is invalidated, drops it only if it is still the cached one', async () => {
    const clock = createManualClock();
    const vendor = fakeVendor();
    const cache = createVendorTokenCache({ clock, fetchToken: vendor.fetchToken });
    await cache.get(ctx);
    cache.invalidate('some-other-token');
    expect(await cache.get(ctx)).toEqual(ok('token-1'));
    cache.invalidate('token-1'); // the vendor answered 401 to it
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
    cache.invalidate('token-1'); // a late 401 from a call still on the old token
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
    expect(vendor.calls()).toBe(2);
  });

  it('when the token request fails, shares the failure with the callers waiting and caches nothing', async () => {
    const clock = createManualClock();
    const vendor = fakeVendor(HOUR, ['fail']);
    const cache = createVendorTokenCache({ clock, fetchToken: vendor.fetchToken });
    const [first, second] = await Promise.all([cache.get(ctx), cache.get(ctx)]);
    expect(first).toEqual(err({ code: 'vendor.timeout', retryable: true, vendor: 'erp' }));
    expect(second).toBe(first);
    expect(vendor.calls()).toBe(1);
    expect(await cache.get(ctx)).toEqual(ok('token-2'));
  });

  it('when refreshMarginMs is negative, refuses the configuration at start-up', () => {
    expect(() => createVendorTokenCache({ clock: createManualClock(), fetchToken: fakeVendor().fetchToken, refreshMarginMs: -1 })).toThrow(/refreshMarginMs/);
  });
});
