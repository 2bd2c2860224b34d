import type { Redis } from 'ioredis';
import type { RatePlan } from '../../shared/config/rate-plan.js';
import { toDecision, ttlMs } from './gcra.js';
import type { Decision, RateLimitStore } from './store.js';

/**
 * gcra.ts `step`, in Lua, run atomically by Redis: the read, the decision and the write cannot interleave
 * with another gateway process (RELIABILITY.md C2). The clock is Redis's own `TIME`, read inside the
 * script, so gateway nodes with skewed clocks make the same decisions (C7). `SET … PX` writes value and
 * TTL in one command, so no key ever exists without a TTL (F5). A rejected consume and a peek write nothing.
 *
 * KEYS[1] bucket; ARGV: limit, window (ms), 1 = consume / 0 = peek, ttl (ms). Returns { allowed, used }.
 */
const GCRA_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local capacity = limit * window
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = 0
local at = now
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ':', 1, true)
  if sep then
    used = tonumber(string.sub(state, 1, sep - 1))
    at = tonumber(string.sub(state, sep + 1))
    if now > at then
      used = math.max(0, used - (now - at) * limit)
      at = now
    end
  end
end
local allowed = used + window <= capacity
if allowed and ARGV[3] == '1' then
  used = used + window
  redis.call('SET', KEYS[1], string.format('%d:%d', used, at), 'PX', tonumber(ARGV[4]))
end
if allowed then return { 1, used } end
return { 0, used }
`;

const COMMAND = 'strataRateLimitGcra';

type GcraCommand = (key: string, limit: number, windowMs: number, consume: 0 | 1, ttl: number) => Promise<[number, number]>;

export interface RedisRateLimitStoreOptions {
  /** Namespace for this store's keys; tests use a unique one per test. */
  readonly keyPrefix?: string;
}

/**
 * The distributed store: one Lua script per decision, sent as EVALSHA with EVAL fallback (ioredis
 * `defineCommand`). Errors (Redis down, command timeout) reject; the rate-limit policy decides what a
 * failure means (fail open to a local limiter, or 503).
 *
 * @example const store = createRedisRateLimitStore(createRedis(config.redisUrl), { keyPrefix: 'rl:' })
 */
export const createRedisRateLimitStore = (redis: Redis, options: RedisRateLimitStoreOptions = {}): RateLimitStore => {
  const keyPrefix = options.keyPrefix ?? 'rl:';
  // Idempotent: redefining the same script under the same name on a shared client is harmless.
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA });
  const gcra = (redis as unknown as Record<typeof COMMAND, GcraCommand>)[COMMAND].bind(redis);

  const run = async (key: string, plan: RatePlan, consume: 0 | 1): Promise<Decision> => {
    const [allowed, used] = await gcra(keyPrefix + key, plan.limit, plan.windowSeconds * 1_000, consume, ttlMs(plan));
    return toDecision(allowed === 1, used, plan);
  };

  return {
    consume: (key, plan) => run(key, plan, 1),
    peek: (key, plan) => run(key, plan, 0),
  };
};
