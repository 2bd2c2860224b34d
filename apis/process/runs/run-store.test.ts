import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createManualClock } from '../../../shared/clock.js';
import { AppError } from '../../../shared/errors.js';
import { createRedis, waitForRedis } from '../../../shared/redis.js';
import { createMemoryRunStore } from './memory-run-store.js';
import { createRedisRunStore } from './redis-run-store.js';
import { RUN_RETENTION_MS, type Run } from './run.js';
import type { RunStore } from './run-store.js';

const redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 1_000 });
beforeAll(() => waitForRedis(redis));
afterAll(() => redis.quit());

const run = (id: string, subject = 'crm:salesforce:001A'): Run => ({
  id,
  workflow: 'customer-onboarding',
  subject,
  clientId: 'crm-integration',
  status: 'running',
  input: { crmAccountId: '001A' },
  results: { canonicalCustomerId: 'cus_1' },
  steps: [{ name: 'erp.customer', system: 'erp', vendor: 'netsuite', status: 'pending', attempts: 0 }],
  executions: 1,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

describe.each([
  ['in memory', () => createMemoryRunStore(createManualClock())],
  ['in Redis', () => createRedisRunStore(redis, { keyPrefix: `test:${randomUUID()}:run:` })],
] as const)('run store (%s)', (_name, make: () => RunStore) => {
  it('returns a saved run as it was saved, and the latest run of its subject', async () => {
    const store = make();
    await store.save(run('op_1'));
    const changed = { ...run('op_2'), status: 'failed' as const };
    await store.save(changed);
    expect(await store.get('op_2')).toEqual(changed);
    expect(await store.latestFor('crm:salesforce:001A')).toBe('op_2');
    expect(await store.get('op_3')).toBeUndefined();
    expect(await store.latestFor('crm:salesforce:001B')).toBeUndefined();
  });

  it('gives a subject’s lease to one holder at a time, and only the holder can release it', async () => {
    const store = make();
    expect(await store.acquire('s', 'op_1', 60_000)).toBe(true);
    expect(await store.acquire('s', 'op_2', 60_000)).toBe(false);
    await store.release('s', 'op_2');
    expect(await store.acquire('s', 'op_2', 60_000)).toBe(false);
    await store.release('s', 'op_1');
    expect(await store.acquire('s', 'op_2', 60_000)).toBe(true);
  });

  it('lists failed runs once their next attempt has come, and forgets them when saved without one', async () => {
    const store = make();
    const at = Date.parse('2026-11-01T00:01:00.000Z');
    await store.save({ ...run('op_late', 'a'), status: 'failed', nextAttemptAt: new Date(at + 60_000).toISOString() });
    await store.save({ ...run('op_due', 'b'), status: 'failed', nextAttemptAt: new Date(at).toISOString() });
    await store.save({ ...run('op_given_up', 'c'), status: 'failed' });
    expect(await store.due(at - 1, 10)).toEqual([]);
    expect(await store.due(at, 10)).toEqual(['op_due']);
    expect(await store.due(at + 60_000, 10)).toEqual(['op_due', 'op_late']);
    expect(await store.due(at + 60_000, 1)).toEqual(['op_due']);
    await store.save({ ...run('op_due', 'b'), status: 'succeeded' });
    expect(await store.due(at + 60_000, 10)).toEqual(['op_late']);
  });

  it('hands out exactly one lease among concurrent takers', async () => {
    const store = make();
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquire('race', `op_${i}`, 60_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});

describe('run store retention and lease expiry', () => {
  it('in memory: a lease expires after its time, a run after RUN_RETENTION_MS since its last save', async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore(clock);
    await store.save(run('op_1'));
    expect(await store.acquire('s', 'op_1', 1_000)).toBe(true);
    clock.advance(1_001);
    expect(await store.acquire('s', 'op_2', 1_000)).toBe(true);
    clock.advance(RUN_RETENTION_MS);
    expect([await store.get('op_1'), await store.latestFor('crm:salesforce:001A')]).toEqual([undefined, undefined]);
  });

  it('in Redis: every key the store writes has a TTL (no unbounded growth)', async () => {
    const prefix = `test:${randomUUID()}:run:`;
    const store = createRedisRunStore(redis, { keyPrefix: prefix });
    await store.save(run('op_1'));
    await store.acquire('s', 'op_1', 5_000);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([`${prefix}latest:crm:salesforce:001A`, `${prefix}lease:s`, `${prefix}op_1`].sort());
    // The due set has no TTL of its own: it only holds failed runs, and is trimmed past the retention on every save.
    for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
    expect(await redis.pttl(`${prefix}op_1`)).toBeGreaterThan(RUN_RETENTION_MS - 60_000);
  });

  it('in Redis: an unreachable server is dependency.unavailable, not a hang', async () => {
    const down = createRedis('redis://127.0.0.1:1', { commandTimeoutMs: 200 });
    const store = createRedisRunStore(down);
    const error = await store.save(run('op_1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('dependency.unavailable');
    down.disconnect();
  });
});
