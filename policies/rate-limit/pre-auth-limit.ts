import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { RatePlan } from '../../shared/config/rate-plan.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { assertFailMode, resolveFailMode, withinMs, type FailModeOption } from './fail-mode.js';
import { assertPlan } from './gcra.js';
import type { Decision, RateLimitStore } from './store.js';

export interface PreAuthLimitOptions {
  readonly store: RateLimitStore;
  /** Authentication failures allowed per source address, e.g. `{ limit: 20, windowSeconds: 60 }`. */
  readonly plan: RatePlan;
  /** The trusted source address (socket peer, or the trusted proxy hop); undefined → not limited. */
  readonly clientAddress: (c: Context<AppEnv>) => string | undefined;
  readonly failMode: FailModeOption;
  /** Used while `store` fails and the fail mode is `open`; without it, open means "not limited". */
  readonly fallbackStore?: RateLimitStore;
  /** Default 500 ms. */
  readonly storeTimeoutMs?: number;
  /** For the local memory of blocked addresses. Default: the system clock. */
  readonly clock?: Clock;
  /** Blocked addresses remembered locally at most (oldest forgotten first). Default 10 000. */
  readonly maxBlocked?: number;
}

/** Statuses the OAuth policy answers for missing, malformed or invalid credentials. */
const AUTH_FAILURE = new Set([400, 401]);

const addressKey = (address: string): string => `addr:${createHash('sha256').update(address).digest('base64url').slice(0, 22)}`;

/**
 * Limits authentication failures per source address (RELIABILITY.md C5, A1). Runs BEFORE the OAuth
 * policy: a request whose response is a 400/401 spends one unit of its address's bucket (shared, in the
 * store); once the bucket is empty, the address gets 429 before any token is parsed. A flood of forged
 * tokens naming a victim's client never reaches the victim's quota (that key comes from a verified
 * principal). The 429 carries Retry-After but no RateLimit fields: nothing about quotas is disclosed to
 * an unauthenticated caller.
 *
 * Authenticated traffic costs no store call: an exhausted bucket is learned from the failing consume and
 * remembered locally until it refills, so the hot path only reads a local map. The price is a small
 * overshoot: each gateway process lets through the failures already in flight, plus one of its own,
 * before it learns that the shared bucket is empty; each unit is still counted exactly.
 *
 * @example
 * app.use('*', preAuthLimit({
 *   store, plan: { limit: 20, windowSeconds: 60 }, failMode: 'open',
 *   clientAddress: (c) => getConnInfo(c).remote.address,
 * }))
 */
export const preAuthLimit = (options: PreAuthLimitOptions): MiddlewareHandler<AppEnv> => {
  const { store, plan, clientAddress, failMode, fallbackStore } = options;
  const storeTimeoutMs = options.storeTimeoutMs ?? 500;
  if (!store) throw new Error('preAuthLimit: store is required');
  if (typeof clientAddress !== 'function') throw new Error('preAuthLimit: clientAddress must be a function');
  if (!(storeTimeoutMs > 0)) throw new Error('preAuthLimit: storeTimeoutMs must be positive');
  assertPlan(plan, 'pre-auth');
  assertFailMode(failMode, 'preAuthLimit');
  const clock = options.clock ?? systemClock;
  const maxBlocked = options.maxBlocked ?? 10_000;
  /** address key → epoch ms until which it is refused without asking the store. */
  const blockedUntil = new Map<string, number>();
  const block = (key: string, seconds: number) => {
    if (blockedUntil.size >= maxBlocked) blockedUntil.delete(blockedUntil.keys().next().value as string);
    blockedUntil.set(key, clock.now() + seconds * 1_000);
  };

  /** The store to use for this request, or undefined when failing open without a fallback. */
  const decide = async (c: Context<AppEnv>, call: (s: RateLimitStore) => Promise<Decision>): Promise<Decision | undefined> => {
    try {
      return await withinMs(call(store), storeTimeoutMs);
    } catch (error) {
      if (resolveFailMode(failMode, c) === 'closed') throw new AppError('dependency.unavailable', { retryAfterSeconds: 5, cause: error });
      return fallbackStore ? call(fallbackStore) : undefined;
    }
  };

  return async function preAuthLimit(c, next) {
    const address = clientAddress(c);
    if (!address) return next();
    const key = addressKey(address);

    const until = blockedUntil.get(key);
    if (until !== undefined) {
      const now = clock.now();
      if (until > now) throw new AppError('rate_limit.quota_exceeded', { retryAfterSeconds: Math.ceil((until - now) / 1_000) });
      blockedUntil.delete(key);
    }
    await next();
    if (AUTH_FAILURE.has(c.res.status)) {
      // The response is decided; a store failure here must not turn it into a 503.
      const spent = await decide(c, (s) => s.consume(key, plan)).catch(() => undefined);
      if (spent && (!spent.allowed || spent.remaining === 0)) {
        // Refused from now on until one unit is back (peek tells when, without spending).
        const next = spent.allowed ? await decide(c, (s) => s.peek(key, plan)).catch(() => undefined) : spent;
        block(key, Math.max(1, next?.retryAfterSeconds ?? 1));
      }
    }
  };
};
