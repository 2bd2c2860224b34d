import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createManualClock } from '../../shared/clock.js';
import type { RatePlan } from '../../shared/config/rate-plan.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { createRedisRateLimitStore } from './redis-store.js';
import type { Decision, RateLimitStore } from './store.js';
import { ageBuckets } from './test-fixtures/limiter-test-app.js';

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 2_000 });
  await waitForRedis(redis);
});
afterAll(() => redis.disconnect());

const A: RatePlan = { limit: 3, windowSeconds: 60 };
const B: RatePlan = { limit: 5, windowSeconds: 10 };
const BIG: RatePlan = { limit: 100_000, windowSeconds: 86_400 };

type Step = readonly ['consume' | 'peek', string, RatePlan, number?] | readonly ['advance', number];

/** A scripted sequence mixing bursts, peeks, rejections, partial drains and full expiry across plans. */
const SCRIPT: readonly Step[] = [
  ['consume', 'a', A, 5],
  ['peek', 'a', A],
  ['consume', 'b', B, 7],
  ['consume', 'big', BIG, 4],
  ['advance', 20_000],
  ['peek', 'a', A],
  ['consume', 'a', A, 2],
  ['consume', 'b', B, 3],
  ['advance', 1_000],
  ['consume', 'b', B, 2],
  ['advance', 39_000],
  ['consume', 'a', A, 1],
  ['advance', 61_000],
  ['peek', 'a', A],
  ['consume', 'a', A, 4],
  ['peek', 'big', BIG],
  ['peek', 'never', B],
];

const run = async (store: RateLimitStore, advance: (ms: number) => Promise<void>): Promise<Decision[]> => {
  const out: Decision[] = [];
  for (const step of SCRIPT) {
    if (step[0] === 'advance') {
      await advance(step[1]);
      continue;
    }
    const [op, key, plan, times = 1] = step;
    for (let i = 0; i < times; i++) out.push(await store[op](key, plan));
  }
  return out;
};

describe('createMemoryRateLimitStore', () => {
  it('when run through a scripted sequence, makes exactly the decisions the Redis store makes', async () => {
    const clock = createManualClock();
    const memory = await run(createMemoryRateLimitStore(clock), async (ms) => clock.advance(ms));
    const prefix = `rl:test:${randomUUID()}:`;
    const viaRedis = await run(createRedisRateLimitStore(redis, { keyPrefix: prefix }), (ms) => ageBuckets(redis, prefix, ms));
    expect(memory).toEqual(viaRedis);
    // The sequence exercises both outcomes, so equality is not trivially "all allowed".
    expect(memory.filter((d) => !d.allowed).length).toBeGreaterThan(3);
    expect(memory.filter((d) => d.allowed).length).toBeGreaterThan(10);
  });

  it('when more buckets than maxEntries are written, drops expired ones first, then the least recently written', async () => {
    const clock = createManualClock();
    const store = createMemoryRateLimitStore(clock, { maxEntries: 2 });
    const oneShot = { limit: 1, windowSeconds: 60 };
    await store.consume('a', oneShot); // a: exhausted for 60 s
    await store.consume('short-lived', { limit: 1, windowSeconds: 1 });
    clock.advance(2_000); // short-lived has expired (1 s + 1 s)
    await store.consume('b', oneShot); // 3 entries > 2: the sweep drops the expired one, not a
    expect((await store.consume('a', oneShot)).allowed).toBe(false);
    await store.consume('c', oneShot); // still over: the least recently written (a) goes
    expect((await store.peek('a', oneShot)).allowed).toBe(true);
    expect((await store.peek('c', oneShot)).allowed).toBe(false);
  });

  it('when a flood of distinct keys arrives, keeps only the most recent maxEntries buckets', async () => {
    const store = createMemoryRateLimitStore(createManualClock(), { maxEntries: 100 });
    const oneShot = { limit: 1, windowSeconds: 60 };
    for (let i = 0; i < 1_000; i++) await store.consume(`flood-${i}`, oneShot);
    const kept = [];
    for (let i = 0; i < 1_000; i++) if (!(await store.peek(`flood-${i}`, oneShot)).allowed) kept.push(i);
    expect(kept).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
  });

  it('when the clock steps back, the bucket does not refill', async () => {
    const clock = createManualClock();
    const store = createMemoryRateLimitStore(clock);
    const plan = { limit: 1, windowSeconds: 60 };
    await store.consume('k', plan);
    clock.advance(-30_000);
    expect(await store.consume('k', plan)).toMatchObject({ allowed: false, resetSeconds: 60 });
  });
});
