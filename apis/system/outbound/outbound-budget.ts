import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createMemoryRateLimitStore } from '../../../policies/rate-limit/memory-store.js';
import { createRedisRateLimitStore } from '../../../policies/rate-limit/redis-store.js';
import type { RateLimitStore } from '../../../policies/rate-limit/store.js';
import type { Clock } from '../../../shared/clock.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import type { OutboundBudget, VendorLimits } from '../../../shared/resilience/outbound-budget.js';
import { err, ok, type Result } from '../../../shared/result.js';

/** Concurrency slots, shared by every gateway process: an ordered set of leases, expired by Redis' clock. */
export interface SlotStore {
  /** Takes a slot when fewer than `limit` live leases exist. */
  tryAcquire(vendor: string, limit: number, leaseMs: number): Promise<{ token: string } | undefined>;
  release(vendor: string, token: string): Promise<void>;
}

/**
 * A lease outlives a crashed process by at most `leaseMs`, so a dead gateway cannot hold a vendor's
 * slots forever; live calls end long before (attempt timeouts are seconds).
 */
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

export const createRedisSlotStore = (redis: Redis, keyPrefix = 'ob:slots:'): SlotStore => ({
  async tryAcquire(vendor, limit, leaseMs) {
    const token = randomUUID();
    const granted = await redis.eval(ACQUIRE_LUA, 1, keyPrefix + vendor, limit, leaseMs, token);
    return granted === 1 ? { token } : undefined;
  },
  async release(vendor, token) {
    await redis.zrem(keyPrefix + vendor, token);
  },
});

export const createMemorySlotStore = (): SlotStore => {
  const held = new Map<string, Set<string>>();
  return {
    async tryAcquire(vendor, limit) {
      const slots = held.get(vendor) ?? new Set<string>();
      held.set(vendor, slots);
      if (slots.size >= limit) return undefined;
      const token = randomUUID();
      slots.add(token);
      return { token };
    },
    async release(vendor, token) {
      held.get(vendor)?.delete(token);
    },
  };
};

export interface OutboundBudgetOptions {
  /** Published limits per vendor name (`netsuite`, `hubspot`, …); vendors not listed are unlimited. */
  readonly limits: Readonly<Record<string, VendorLimits>>;
  readonly rates: RateLimitStore;
  readonly slots: SlotStore;
  /** Used while the shared stores fail: each process then keeps its own share, and the vendor is still protected. */
  readonly fallback?: { readonly rates: RateLimitStore; readonly slots: SlotStore };
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How long a call may wait for a free slot before it is refused (never past its deadline). Default 1 s: queueing briefly beats failing (Business Central itself queues up to 95). */
  readonly maxWaitMs?: number;
  /** Lease of a concurrency slot. Default 60 s. */
  readonly leaseMs?: number;
}

/** How often a waiting call looks for a slot freed by another process (its own process wakes it at once). */
const POLL_MS = 25;

/**
 * The vendor's published limits as a budget every gateway process shares (through Redis, or memory for
 * one process): requests per window (GCRA, the same script as the client rate limit) and requests in
 * flight (leased slots). A call waits briefly for a free slot; past `maxWaitMs` or its deadline, or
 * when the window is spent, it is refused with `vendor.rate_limited` and never reaches the vendor.
 */
export const createOutboundBudget = (options: OutboundBudgetOptions): OutboundBudget => {
  const maxWaitMs = options.maxWaitMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 60_000;
  for (const [vendor, l] of Object.entries(options.limits)) {
    if (l.concurrency !== undefined && !(Number.isInteger(l.concurrency) && l.concurrency > 0)) throw new Error(`outbound budget: ${vendor}: concurrency must be a positive integer`);
    if (l.requests && !(l.requests.limit > 0 && l.requests.windowSeconds > 0)) throw new Error(`outbound budget: ${vendor}: requests limit and window must be positive`);
  }
  let lastAlertAt = Number.NEGATIVE_INFINITY;
  // Calls of this process waiting for a slot of a vendor: a release here wakes one at once, so waiting
  // costs no polling of the shared store; slots freed by other processes are found by the poll.
  const waiters = new Map<string, Set<() => void>>();
  const wakeOne = (vendor: string) => {
    const set = waiters.get(vendor);
    const next = set?.values().next().value;
    if (next) {
      set!.delete(next);
      next();
    }
  };
  const waitForRelease = (vendor: string, ms: number) =>
    new Promise<void>((resolve) => {
      const set = waiters.get(vendor) ?? new Set<() => void>();
      waiters.set(vendor, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });

  /** Runs `op` on the shared store, or on the fallback (with an alert at most every 10 s) when it fails. */
  const shared = async <T>(op: (s: { rates: RateLimitStore; slots: SlotStore }) => Promise<T>): Promise<T> => {
    try {
      return await op(options);
    } catch (error) {
      if (!options.fallback) throw error;
      if (options.clock.now() - lastAlertAt > 10_000) {
        lastAlertAt = options.clock.now();
        options.logger?.warn({ alert: 'outbound_budget_store_unavailable', cause: error instanceof Error ? error.message : String(error) }, 'outbound budget: shared store unavailable, using per-process limits');
      }
      return op(options.fallback);
    }
  };

  const refuse = (retryAfterSeconds: number): Result<never> => err({ code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });

  return {
    async acquire(vendor: string, ctx: CallContext) {
      const limits = options.limits[vendor];
      if (!limits) return ok({ release: () => undefined });
      const waitUntil = Math.min(options.clock.now() + maxWaitMs, ctx.deadlineAt);

      if (limits.requests) {
        // A spent window frees up in whole seconds: waiting a few milliseconds would not help.
        const plan = limits.requests;
        const decision = await shared((s) => s.rates.consume(`ob:${vendor}`, plan));
        if (!decision.allowed) return refuse(decision.retryAfterSeconds);
      }
      if (limits.concurrency === undefined) return ok({ release: () => undefined });

      const concurrency = limits.concurrency;
      for (;;) {
        let store: SlotStore = options.slots;
        const slot = await shared(async (s) => {
          store = s.slots;
          return s.slots.tryAcquire(vendor, concurrency, leaseMs);
        });
        if (slot) {
          let released = false;
          return ok({
            release: () => {
              if (released) return;
              released = true;
              store
                .release(vendor, slot.token)
                .catch(() => undefined) // the lease expires anyway
                .finally(() => wakeOne(vendor));
            },
          });
        }
        const left = waitUntil - options.clock.now();
        if (left <= 0 || ctx.signal.aborted) return refuse(1);
        await waitForRelease(vendor, Math.min(POLL_MS, left));
      }
    },
  };
};

/** The budget for one process (no REDIS_URL). */
export const createMemoryOutboundBudget = (limits: Readonly<Record<string, VendorLimits>>, clock: Clock): OutboundBudget =>
  createOutboundBudget({ limits, rates: createMemoryRateLimitStore(clock), slots: createMemorySlotStore(), clock });

/** The budget shared by every gateway process on one Redis, falling back to per-process limits when Redis fails. */
export const createRedisOutboundBudget = (redis: Redis, limits: Readonly<Record<string, VendorLimits>>, clock: Clock, logger?: Logger): OutboundBudget =>
  createOutboundBudget({
    limits,
    rates: createRedisRateLimitStore(redis, { keyPrefix: 'ob:rate:' }),
    slots: createRedisSlotStore(redis),
    fallback: { rates: createMemoryRateLimitStore(clock), slots: createMemorySlotStore() },
    clock,
    ...(logger ? { logger } : {}),
  });
