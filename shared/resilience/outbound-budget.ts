import type { CallContext } from '../http/app-env.js';
import type { Result } from '../result.js';

/**
 * How much of a vendor's published limit the gateway may use: requests per window and requests in
 * flight, shared by every gateway process (Redis) so N processes together stay inside the vendor's
 * limits (NetSuite concurrency governance, HubSpot's per-10-second limit, Business Central's 5
 * concurrent requests, …). The vendor caller asks before every attempt and releases after it.
 */
export interface OutboundBudget {
  /**
   * A slot for one vendor request. Waits briefly (never past the caller's deadline) when the budget is
   * momentarily exhausted; otherwise answers `vendor.rate_limited` with a Retry-After, without a call.
   * Every granted slot must be released exactly once.
   */
  acquire(vendor: string, ctx: CallContext): Promise<Result<{ release(): void }>>;
}

export interface VendorLimits {
  /** Requests per window, e.g. HubSpot 100 per 10 s. */
  readonly requests?: { readonly limit: number; readonly windowSeconds: number };
  /** Requests in flight at once, e.g. NetSuite 15, Business Central 5. */
  readonly concurrency?: number;
}
