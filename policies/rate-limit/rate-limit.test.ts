import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createManualClock } from '../../shared/clock.js';
import type { GatewayConfig } from '../../shared/config/gateway-config.js';
import { createLogger } from '../../shared/logging.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { rateLimit } from './rate-limit.js';
import { createRedisRateLimitStore } from './redis-store.js';
import { ageBuckets, bearer, createLimiterTestApp } from './test-fixtures/limiter-test-app.js';

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 2_000 });
  await waitForRedis(redis);
});
afterAll(() => redis.disconnect());

const PLANS: GatewayConfig['rateLimit'] = {
  defaultPlan: { limit: 5, windowSeconds: 60 },
  plans: { orders: { limit: 3, windowSeconds: 60 }, tiny: { limit: 2, windowSeconds: 1 } },
  clients: { 'crm-prod': 'orders', 'widget-1': 'tiny' },
};

/** sf-list member `"name";r=<int>;t=<int>` / `"name";q=<int>;w=<int>` (draft-ietf-httpapi-ratelimit-headers). */
const RATE_LIMIT_FIELD = /^"[a-z][a-z0-9_-]*";r=\d+;t=\d+$/;
const RATE_LIMIT_POLICY_FIELD = /^"[a-z][a-z0-9_-]*";q=\d+;w=\d+$/;

const setup = (plans = PLANS) => {
  const prefix = `rl:test:${randomUUID()}:`;
  const clock = createManualClock();
  const limiter = rateLimit({
    store: createRedisRateLimitStore(redis, { keyPrefix: prefix }),
    fallbackStore: createMemoryRateLimitStore(clock),
    plans,
    failMode: 'closed',
    logger: createLogger({ level: 'silent' }),
    clock,
  });
  return { app: createLimiterTestApp({ limiter }), prefix };
};

describe('rateLimit', () => {
  it('when a client is within its plan, answers 200 with RateLimit-Policy and RateLimit fields', async () => {
    const { app } = setup();
    const res = await app.request('/things', bearer('crm-prod'));
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('"orders";q=3;w=60');
    expect(res.headers.get('ratelimit')).toBe('"orders";r=2;t=20');
    expect(res.headers.get('ratelimit')).toMatch(RATE_LIMIT_FIELD);
    expect(res.headers.get('ratelimit-policy')).toMatch(RATE_LIMIT_POLICY_FIELD);
  });

  it('when a client exceeds its plan (C1), answers 429 quota-exceeded with Retry-After ≥ t, the fields and no-store', async () => {
    const { app } = setup();
    for (let i = 0; i < 3; i++) expect((await app.request('/things', bearer('crm-prod'))).status).toBe(200);
    const res = await app.request('/things', bearer('crm-prod'));
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('ratelimit-policy')).toBe('"orders";q=3;w=60');
    expect(res.headers.get('ratelimit')).toBe('"orders";r=0;t=60');
    const t = Number(/;t=(\d+)$/.exec(res.headers.get('ratelimit') ?? '')?.[1]);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(t);
    expect(res.headers.get('retry-after')).toBe('60');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'https://iana.org/assignments/http-problem-types#quota-exceeded',
      status: 429,
      code: 'rate_limit.quota_exceeded',
      'violated-policies': ['orders'],
    });
    expect(body.traceId).toBe(res.headers.get('x-request-id'));
  });

  it('when a limited client keeps hammering, no quota is spent and the reset is not pushed out', async () => {
    const { app, prefix } = setup();
    for (let i = 0; i < 3; i++) await app.request('/things', bearer('crm-prod'));
    const first = await app.request('/things', bearer('crm-prod'));
    const advertised = Number(first.headers.get('retry-after'));
    const hammering = await Promise.all(Array.from({ length: 30 }, () => app.request('/things', bearer('crm-prod'))));
    expect(hammering.every((r) => r.status === 429)).toBe(true);
    expect(hammering.every((r) => Number(r.headers.get('retry-after')) <= advertised)).toBe(true);
    await ageBuckets(redis, prefix, advertised * 1_000);
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await app.request('/things', bearer('crm-prod'))).status);
    expect(after).toEqual([200, 200, 200, 429]);
  });

  it('when the window really elapses (1 s plan), the full quota is back', async () => {
    const { app } = setup();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/things', bearer('widget-1'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    await sleep(1_050);
    const res = await app.request('/things', bearer('widget-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit')).toBe('"tiny";r=1;t=1');
  });

  it('when every request carries a fresh X-Forwarded-For and X-Client-Id (C4), it is still limited as one client', async () => {
    const { app } = setup();
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const spoof = { 'x-forwarded-for': `203.0.113.${i}`, 'x-client-id': `someone-else-${i}`, 'x-real-ip': `198.51.100.${i}` };
      statuses.push((await app.request('/things', bearer('crm-prod', spoof))).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('when clients share a plan, each has its own bucket; unmapped clients get the "default" plan', async () => {
    const { app } = setup();
    for (let i = 0; i < 3; i++) await app.request('/things', bearer('crm-prod'));
    expect((await app.request('/things', bearer('crm-prod'))).status).toBe(429);
    const other = await app.request('/things', bearer('partner-42'));
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
    expect(other.headers.get('ratelimit')).toBe('"default";r=4;t=12');
  });

  it('when a request has no verified principal (public route), it is neither limited nor given RateLimit fields', async () => {
    const { app } = setup({ ...PLANS, defaultPlan: { limit: 1, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/things');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
  });

  it('when the handler fails after admission, the error response still carries the RateLimit fields', async () => {
    const { app } = setup();
    const res = await app.request('/broken', bearer('crm-prod'));
    expect(res.status).toBe(502);
    expect(res.headers.get('ratelimit')).toBe('"orders";r=2;t=20');
  });

  describe('configuration', () => {
    const build = (plans: GatewayConfig['rateLimit']) => () => {
      const clock = createManualClock();
      rateLimit({
        store: createMemoryRateLimitStore(clock),
        fallbackStore: createMemoryRateLimitStore(clock),
        plans,
        failMode: 'open',
        logger: createLogger({ level: 'silent' }),
        clock,
      });
    };

    it('when a client is mapped to an unknown plan, throws at construction', () => {
      expect(build({ ...PLANS, clients: { 'crm-prod': 'gold' } })).toThrow(/unknown plan "gold"/);
    });

    it('when a limit or window is not a positive integer, throws at construction', () => {
      expect(build({ ...PLANS, defaultPlan: { limit: 0, windowSeconds: 60 } })).toThrow(/limit must be a positive integer/);
      expect(build({ ...PLANS, plans: { orders: { limit: 10, windowSeconds: -1 } } })).toThrow(/windowSeconds must be a positive integer/);
      expect(build({ ...PLANS, plans: { orders: { limit: 1.5, windowSeconds: 60 } } })).toThrow(/limit must be a positive integer/);
    });

    it('when a plan is named "default" or has a name unfit for a header, throws at construction', () => {
      expect(build({ ...PLANS, plans: { default: { limit: 1, windowSeconds: 1 } }, clients: {} })).toThrow(/reserved/);
      expect(build({ ...PLANS, plans: { 'Gold "x"': { limit: 1, windowSeconds: 1 } }, clients: {} })).toThrow(/must match/);
    });
  });
});
