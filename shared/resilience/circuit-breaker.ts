import type { Clock } from '../clock.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold?: number;
  /** How long it stays open before one trial call is let through. */
  readonly openMs?: number;
}

export type BreakerDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * A consecutive-failure breaker per vendor, with one half-open trial at a time. It also carries the
 * vendor's own "slow down" (429 + Retry-After): while paused, no call leaves (RELIABILITY.md E3/E4).
 */
export const createCircuitBreaker = (clock: Clock, options: CircuitBreakerOptions = {}) => {
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 10_000;
  let failures = 0;
  let openUntil = 0;
  let pausedUntil = 0;
  let trialInFlight = false;

  return {
    /** Asks to make a call; every allowed call must be followed by `success()` or `failure()`. */
    acquire(): BreakerDecision {
      const now = clock.now();
      if (pausedUntil > now) return { allowed: false, retryAfterMs: pausedUntil - now };
      if (failures < threshold) return { allowed: true };
      if (openUntil > now || trialInFlight) return { allowed: false, retryAfterMs: Math.max(openUntil - now, 1_000) };
      trialInFlight = true; // half-open: exactly one call tests the vendor
      return { allowed: true };
    },
    success(): void {
      failures = 0;
      trialInFlight = false;
    },
    failure(): void {
      failures += 1;
      trialInFlight = false;
      if (failures >= threshold) openUntil = clock.now() + openMs;
    },
    /** The vendor asked us to back off; neither a success nor a failure of the vendor. */
    pause(ms: number): void {
      trialInFlight = false;
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
    get state(): 'closed' | 'open' | 'half-open' {
      if (failures < threshold) return 'closed';
      return openUntil > clock.now() ? 'open' : 'half-open';
    },
  };
};

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
