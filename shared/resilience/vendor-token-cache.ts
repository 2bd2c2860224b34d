import type { Clock } from '../clock.js';
import type { CallContext } from '../http/app-env.js';
import { ok, type Result } from '../result.js';

/** A vendor access token and how long the vendor said it lives. */
export interface VendorToken {
  readonly token: string;
  readonly lifetimeMs: number;
}

export interface VendorTokenCacheOptions {
  readonly clock: Clock;
  /** One token request to the vendor (its errors already mapped to domain errors). */
  readonly fetchToken: (ctx: CallContext) => Promise<Result<VendorToken>>;
  /** Refresh this long before the token expires, or a tenth of its lifetime if that is shorter. Default 0. */
  readonly refreshMarginMs?: number;
}

/**
 * Caches a vendor's OAuth access token (DESIGN.md §3, "token caching for vendor OAuth"): reused until
 * shortly before it expires; concurrent callers share one token request (single flight — they share
 * its outcome, which the first caller's deadline bounds); a failure is shared with those already
 * waiting but never cached. `invalidate(token)` drops the token a 401 was answered to only if it is
 * still the cached one, so many calls failing on one stale token cause one refresh, not many.
 *
 * @example
 * const tokens = createVendorTokenCache({ clock, fetchToken: requestToken, refreshMarginMs: 60_000 });
 * const token = await tokens.get(ctx); // … on a 401: tokens.invalidate(token.value)
 */
export const createVendorTokenCache = (options: VendorTokenCacheOptions) => {
  const { clock, fetchToken } = options;
  const refreshMarginMs = options.refreshMarginMs ?? 0;
  if (!Number.isFinite(refreshMarginMs) || refreshMarginMs < 0) throw new Error(`refreshMarginMs must be a non-negative number, got ${refreshMarginMs}`);
  let cached: { readonly token: string; readonly refreshAt: number } | undefined;
  let inFlight: Promise<Result<string>> | undefined;

  const refresh = async (ctx: CallContext): Promise<Result<string>> => {
    const fetched = await fetchToken(ctx);
    if (!fetched.ok) return fetched;
    const { token, lifetimeMs } = fetched.value;
    cached = { token, refreshAt: clock.now() + lifetimeMs - Math.min(refreshMarginMs, lifetimeMs / 10) };
    return ok(token);
  };

  return {
    /** A valid access token: the cached one, or one token request shared by every caller waiting for it. */
    get(ctx: CallContext): Promise<Result<string>> {
      if (cached && clock.now() < cached.refreshAt) return Promise.resolve(ok(cached.token));
      inFlight ??= refresh(ctx).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    /** Forgets `token` (the vendor refused it); a newer token already cached is kept. */
    invalidate(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
};

export type VendorTokenCache = ReturnType<typeof createVendorTokenCache>;
