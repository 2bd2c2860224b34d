import type { RatePlan } from '../../shared/config/rate-plan.js';
import type { Decision } from './store.js';

/**
 * The algorithm: GCRA (generic cell rate algorithm), written as a leaky bucket in integer units so
 * the Lua script and this file compute bit-identical results.
 *
 * Why GCRA rather than a sliding-window log or counter:
 * - O(1) state per client (two integers in one key) whatever the plan's size; a sliding log needs one
 *   entry per admitted request (a 100 000/day plan would keep 100 000 members per client).
 * - Exact: every decision is one read-modify-write inside one atomic script; no approximation (the
 *   sliding-window *counter* estimates the previous window's share).
 * - No window boundary (RELIABILITY.md C3): a fixed window admits `limit` at t=59.9 s and `limit` again at
 *   t=60.1 s. Here quota drains back continuously at `limit / window`, so after a full burst at 59.9 s
 *   only the units that drained in the next 0.2 s are admitted — the second batch is limited.
 * - A rejected request writes nothing, so hammering while limited neither spends quota nor pushes the
 *   reset out.
 *
 * Semantics, for a plan `limit / windowSeconds`: a client with an idle bucket may send `limit` requests
 * at once (the burst); each admitted request's unit comes back `window / limit` later. A client that
 * waits `t` (the full reset) gets exactly `q` per `w`; one that trickles at the drain rate is served
 * continuously at `limit / window`.
 *
 * Units: time in milliseconds; one request costs `windowMs` units; the bucket holds `limit × windowMs`
 * units and drains `limit` units per millisecond. All values stay integers below 2^53 (checked by
 * `assertPlan`), so Lua's doubles and JS numbers agree exactly.
 */

/** Bucket state as stored: units in use, and the time (ms) they were last brought up to date. */
export interface BucketState {
  readonly used: number;
  readonly at: number;
}

/** Keys live for the window plus 1 s (RELIABILITY.md F5); by then a full bucket has drained to empty. */
export const ttlMs = (plan: RatePlan): number => plan.windowSeconds * 1_000 + 1_000;

/** Throws on a plan the integer arithmetic cannot carry. Call once, at construction. */
export const assertPlan = (plan: RatePlan, name: string): void => {
  if (!Number.isSafeInteger(plan.limit) || plan.limit < 1) throw new Error(`rate limit plan "${name}": limit must be a positive integer`);
  if (!Number.isSafeInteger(plan.windowSeconds) || plan.windowSeconds < 1) {
    throw new Error(`rate limit plan "${name}": windowSeconds must be a positive integer`);
  }
  if (plan.limit * plan.windowSeconds * 1_000 > 2 ** 50) throw new Error(`rate limit plan "${name}": limit × window is too large`);
};

/** Brings the bucket to `now` and decides; `consume: false` is a peek. Mirrors the Lua script line for line. */
export const step = (
  state: BucketState | undefined,
  now: number,
  plan: RatePlan,
  consume: boolean,
): { readonly allowed: boolean; readonly next: BucketState } => {
  const windowMs = plan.windowSeconds * 1_000;
  const capacity = plan.limit * windowMs;
  let used = 0;
  let at = now;
  if (state) {
    used = state.used;
    at = state.at;
    // A clock that steps back (failover to a node behind) never un-drains the bucket.
    if (now > at) {
      used = Math.max(0, used - (now - at) * plan.limit);
      at = now;
    }
  }
  const allowed = used + windowMs <= capacity;
  if (allowed && consume) used += windowMs;
  return { allowed, next: { used, at } };
};

/** The decision a client sees, from the units in use after the step. */
export const toDecision = (allowed: boolean, used: number, plan: RatePlan): Decision => {
  const windowMs = plan.windowSeconds * 1_000;
  const capacity = plan.limit * windowMs;
  return {
    allowed,
    limit: plan.limit,
    remaining: Math.max(0, Math.floor((capacity - used) / windowMs)),
    resetSeconds: Math.ceil(used / plan.limit / 1_000),
    retryAfterSeconds: allowed ? 0 : Math.ceil((used + windowMs - capacity) / plan.limit / 1_000),
  };
};
