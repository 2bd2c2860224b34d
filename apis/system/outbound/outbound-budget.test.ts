import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../../shared/clock.js';
import { createRedis, waitForRedis } from '../../../shared/redis.js';
import { createVendorCaller } from '../../../shared/resilience/vendor-caller.js';
import type { HttpClient } from '../../../shared/vendor-http/http-client.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { startRedisServer } from '../../../test/harness/redis-server.js';
import { createMemoryOutboundBudget, createRedisOutboundBudget } from './outbound-budget.js';

const redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 1_000 });
beforeAll(() => waitForRedis(redis));
afterAll(() => redis.quit());

const vendor = () => `v${randomUUID().slice(0, 8)}`;

describe('outbound budget shared through Redis', () => {
  it('when two gateway processes share a concurrency of 3, at most 3 calls are in flight across both', async () => {
    const name = vendor();
    const limits = { [name]: { concurrency: 3 } };
    // Two budgets on two Redis clients stand for two gateway processes.
    const other = createRedis(inject('redisUrl'), { commandTimeoutMs: 1_000 });
    await waitForRedis(other);
    const budgets = [createRedisOutboundBudget(redis, limits, systemClock), createRedisOutboundBudget(other, limits, systemClock)];
    const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => budgets[i % 2]!.acquire(name, testCallContext())));
    expect(grants.filter((g) => g.ok)).toHaveLength(3);
    expect(grants.find((g) => !g.ok)).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: 1 } });
    for (const g of grants) if (g.ok) g.value.release();
    await new Promise((r) => setTimeout(r, 50));
    expect((await budgets[1]!.acquire(name, testCallContext())).ok).toBe(true);
    await other.quit();
  });

  it('when a slot frees up within the wait, the waiting call gets it', async () => {
    const name = vendor();
    const budget = createRedisOutboundBudget(redis, { [name]: { concurrency: 1 } }, systemClock);
    const first = await budget.acquire(name, testCallContext());
    if (!first.ok) throw new Error('first refused');
    setTimeout(() => first.value.release(), 40);
    expect((await budget.acquire(name, testCallContext())).ok).toBe(true);
  });

  it('when the vendor’s requests per window are spent, refuses with the time until one is back', async () => {
    const name = vendor();
    const budget = createRedisOutboundBudget(redis, { [name]: { requests: { limit: 5, windowSeconds: 10 } } }, systemClock);
    const grants = await Promise.all(Array.from({ length: 7 }, () => budget.acquire(name, testCallContext())));
    expect(grants.filter((g) => g.ok)).toHaveLength(5);
    const refused = grants.find((g) => !g.ok);
    expect(refused && !refused.ok && refused.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('leaves a vendor without published limits unlimited', async () => {
    const budget = createRedisOutboundBudget(redis, {}, systemClock);
    const grants = await Promise.all(Array.from({ length: 50 }, () => budget.acquire('unlisted', testCallContext())));
    expect(grants.every((g) => g.ok)).toBe(true);
  });

  it('when Redis is down, falls back to per-process limits instead of failing or hanging', async () => {
    const server = await startRedisServer();
    const client = createRedis(server.url, { commandTimeoutMs: 100 });
    client.on('error', () => undefined); // reconnect noise while the server is gone
    await waitForRedis(client);
    const name = vendor();
    const budget = createRedisOutboundBudget(client, { [name]: { concurrency: 2 } }, systemClock);
    await server.stop();
    const grants = await Promise.all(Array.from({ length: 4 }, () => budget.acquire(name, testCallContext())));
    expect(grants.filter((g) => g.ok)).toHaveLength(2);
    client.disconnect();
  });
});

describe('the vendor caller under a budget', () => {
  it('never sends more concurrent requests than the budget allows, and refuses the rest without a call', async () => {
    let inFlight = 0;
    let peak = 0;
    let sent = 0;
    const http: HttpClient = {
      async send() {
        sent++;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return { status: 200, headers: {}, body: '{}' };
      },
      close: async () => undefined,
    };
    const caller = createVendorCaller({ vendor: 'netsuite', domain: 'erp', http, clock: systemClock, budget: createMemoryOutboundBudget({ netsuite: { concurrency: 2 } }, systemClock) });
    const results = await Promise.all(Array.from({ length: 6 }, () => caller.call({ method: 'GET', path: '/x', retry: true }, testCallContext({ budgetMs: 2_000 }))));
    expect(peak).toBeLessThanOrEqual(2);
    // Calls that waited got a slot as others finished; none ever exceeded the cap.
    expect(results.filter((r) => r.ok).length).toBe(sent);
    const refused = results.filter((r) => !r.ok);
    for (const r of refused) expect(r.ok ? undefined : r.error).toMatchObject({ code: 'vendor.rate_limited', vendor: 'erp' });
  });
});
