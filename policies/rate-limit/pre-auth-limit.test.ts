import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createManualClock } from '../../shared/clock.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { createLogger } from '../../shared/logging.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { preAuthLimit } from './pre-auth-limit.js';
import { rateLimit } from './rate-limit.js';
import { createRedisRateLimitStore } from './redis-store.js';
import { bearer, createLimiterTestApp } from './test-fixtures/limiter-test-app.js';

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 2_000 });
  await waitForRedis(redis);
});
afterAll(() => redis.disconnect());

/** TEST FIXTURE: the socket peer, simulated by a test-only header (production reads getConnInfo). */
const testPeer = (c: Context<AppEnv>) => c.req.header('x-test-socket-peer');
const from = (peer: string, authorization?: string) => ({
  headers: { 'x-test-socket-peer': peer, ...(authorization ? { authorization } : {}) },
});

const setup = () => {
  const store = createRedisRateLimitStore(redis, { keyPrefix: `rl:test:${randomUUID()}:` });
  const clock = createManualClock();
  const app = createLimiterTestApp({
    preAuth: preAuthLimit({ store, plan: { limit: 3, windowSeconds: 60 }, clientAddress: testPeer, failMode: 'closed' }),
    limiter: rateLimit({
      store,
      fallbackStore: createMemoryRateLimitStore(clock),
      plans: { defaultPlan: { limit: 10, windowSeconds: 60 }, plans: {}, clients: {} },
      failMode: 'closed',
      logger: createLogger({ level: 'silent' }),
      clock,
    }),
  });
  return { app };
};

describe('preAuthLimit', () => {
  it('when one address floods forged tokens naming a victim (C5), it gets 429 after its budget, without RateLimit fields', async () => {
    const { app } = setup();
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push(await app.request('/things', from('198.51.100.7', 'Bearer forged:victim')));
    for (const res of failures) {
      expect(res.status).toBe(401);
      expect(res.headers.get('ratelimit')).toBeNull();
      expect(res.headers.get('ratelimit-policy')).toBeNull();
    }
    const limited = await app.request('/things', from('198.51.100.7', 'Bearer forged:victim'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toBeNull();
    expect(limited.headers.get('ratelimit-policy')).toBeNull();
    const body = (await limited.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'https://iana.org/assignments/http-problem-types#quota-exceeded', status: 429 });
    expect(body).not.toHaveProperty('violated-policies');
  });

  it("when the flood is over, the victim's own quota is untouched", async () => {
    const { app } = setup();
    for (let i = 0; i < 6; i++) await app.request('/things', from('198.51.100.7', 'Bearer forged:victim'));
    const victim = await app.request('/things', from('192.0.2.10', 'Bearer valid:victim'));
    expect(victim.status).toBe(200);
    expect(victim.headers.get('ratelimit')).toBe('"default";r=9;t=6');
  });

  it('when an address sends authenticated traffic, its auth-failure budget is not spent', async () => {
    const { app } = setup();
    for (let i = 0; i < 8; i++) expect((await app.request('/things', from('192.0.2.20', 'Bearer valid:good-client'))).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request('/things', from('192.0.2.20', 'Bearer expired'))).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('when failures are a mix of 400 (malformed credentials) and 401, both spend the budget', async () => {
    const { app } = setup();
    const statuses = [];
    for (const authorization of ['Basic dXNlcjpwdw==', 'Bearer bad', 'Basic dXNlcjpwdw==', 'Bearer bad']) {
      statuses.push((await app.request('/things', from('203.0.113.9', authorization))).status);
    }
    expect(statuses).toEqual([400, 401, 400, 429]);
  });

  it('when failures come from different addresses, each address has its own budget', async () => {
    const { app } = setup();
    for (let i = 0; i < 3; i++) await app.request('/things', from('198.51.100.7', 'Bearer bad'));
    expect((await app.request('/things', from('198.51.100.7', 'Bearer bad'))).status).toBe(429);
    expect((await app.request('/things', from('198.51.100.8', 'Bearer bad'))).status).toBe(401);
  });

  it('when a plan is invalid, throws at construction', () => {
    const store = createMemoryRateLimitStore(createManualClock());
    expect(() => preAuthLimit({ store, plan: { limit: 0, windowSeconds: 60 }, clientAddress: testPeer, failMode: 'open' })).toThrow(/positive integer/);
  });
});
