import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../test/harness/redis-server.js';
import { createManualClock } from '../../shared/clock.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { preAuthLimit } from './pre-auth-limit.js';
import { rateLimit } from './rate-limit.js';
import type { FailModeOption } from './fail-mode.js';
import { createRedisRateLimitStore } from './redis-store.js';
import { bearer, captureLogger, createLimiterTestApp } from './test-fixtures/limiter-test-app.js';

const PLANS = { defaultPlan: { limit: 3, windowSeconds: 60 }, plans: {}, clients: {} };

let server: RedisServerHandle | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  redis?.disconnect();
  await server?.stop();
  server = undefined;
  redis = undefined;
});

/** A private redis-server and the real fail-fast client from shared/redis.ts (its default 150 ms command timeout). */
const setup = async (failMode: FailModeOption) => {
  server = await startRedisServer();
  redis = createRedis(server.url);
  await waitForRedis(redis);
  const clock = createManualClock();
  const captured = captureLogger();
  const store = createRedisRateLimitStore(redis, { keyPrefix: 'rl:' });
  const app = createLimiterTestApp({
    limiter: rateLimit({ store, fallbackStore: createMemoryRateLimitStore(clock), plans: PLANS, failMode, logger: captured.logger, clock }),
  });
  // Warm up: the script is loaded and the client is known to work before the fault.
  expect((await app.request('/things', bearer('crm-prod'))).status).toBe(200);
  const alerts = () => captured.lines.filter((l) => l.alert === 'rate_limit_store_unavailable');
  return { app, clock, alerts, server };
};

describe('rateLimit when Redis fails', () => {
  it('when Redis is down and the route fails open (F1), answers from the local limiter and alerts once per 10 s', async () => {
    const { app, clock, alerts, server } = await setup('open');
    await server.stop();
    const first = await app.request('/things', bearer('crm-prod'));
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBe('"default";r=2;t=20'); // a fresh local bucket
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/things', bearer('crm-prod'))).status);
    expect(statuses).toEqual([200, 200, 429]); // the local limiter still limits
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ level: 40 });
    clock.advance(10_000);
    await app.request('/things', bearer('crm-prod'));
    expect(alerts()).toHaveLength(2);
    expect(alerts()[1]).toMatchObject({ suppressedSinceLast: 3 });
  });

  it('when Redis is down and the route fails closed (F1), answers 503 dependency-unavailable with Retry-After 5', async () => {
    const { app, server } = await setup('closed');
    await server.stop();
    const res = await app.request('/things', bearer('crm-prod'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('ratelimit')).toBeNull();
    expect(await res.json()).toMatchObject({ type: 'https://strata.dev/problems/dependency-unavailable', code: 'dependency.unavailable' });
  });

  it('when Redis hangs (SIGSTOP, F2), requests still answer promptly: open → 200, closed → 503', async () => {
    const { app, server } = await setup((c) => (c.req.method === 'GET' ? 'open' : 'closed'));
    server.pause();
    try {
      const started = Date.now();
      const [read, write] = await Promise.all([
        app.request('/things', bearer('crm-prod')),
        app.request('/things', { method: 'POST', ...bearer('crm-prod') }),
      ]);
      // Not a speed test: a hung Redis must not hang the request (ioredis defaults would wait forever).
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(read.status).toBe(200);
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('5');
    } finally {
      server.resume();
    }
  });

  it('when Redis is down under the pre-auth limit, authenticated requests never wait on it and auth failures are still answered', async () => {
    const { server } = await setup('open');
    const store = createRedisRateLimitStore(redis!, { keyPrefix: 'rl:' });
    const clock = createManualClock();
    const build = (failMode: FailModeOption) =>
      createLimiterTestApp({
        preAuth: preAuthLimit({ store, plan: { limit: 1, windowSeconds: 60 }, clientAddress: () => '192.0.2.1', failMode }),
        limiter: rateLimit({ store: createMemoryRateLimitStore(clock), fallbackStore: createMemoryRateLimitStore(clock), plans: PLANS, failMode: 'open', logger: captureLogger().logger, clock }),
      });
    await server.stop();
    for (const mode of ['closed', 'open'] as const) {
      const app = build(mode);
      // The auth-failure counter is read from local memory only; its store is touched after an auth failure.
      expect((await app.request('/things', bearer('crm-prod'))).status).toBe(200);
      // The response of a failed authentication is decided before the counter is written: never a 503.
      expect((await app.request('/things', { headers: { authorization: 'Bearer bad' } })).status).toBe(401);
      expect((await app.request('/things', { headers: { authorization: 'Bearer bad' } })).status).toBe(401);
    }
  });
});
