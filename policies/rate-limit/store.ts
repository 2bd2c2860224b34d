import type { RatePlan } from '../../shared/config/rate-plan.js';

/** One admission decision, in the units the RateLimit fields advertise. */
export interface Decision {
  /** For `consume`: the request was admitted and one unit spent. For `peek`: a consume now would be admitted. */
  readonly allowed: boolean;
  /** The plan's quota (`q`). */
  readonly limit: number;
  /** Whole units left after this decision (`r`). */
  readonly remaining: number;
  /** Seconds until the full quota is back (`t`), rounded up. */
  readonly resetSeconds: number;
  /** 0 when allowed; otherwise seconds until one unit is back, rounded up. Never later than `resetSeconds`. */
  readonly retryAfterSeconds: number;
}

/**
 * The rate-limit store port. Both implementations run the same GCRA (see gcra.ts) and make the same
 * decisions; a rejected `consume` and every `peek` leave the bucket untouched.
 */
export interface RateLimitStore {
  consume(key: string, plan: RatePlan): Promise<Decision>;
  peek(key: string, plan: RatePlan): Promise<Decision>;
}
