import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { createRedisRateLimitStore } from './redis-store.js';
import { ageBuckets, scanKeys } from './test-fixtures/limiter-test-app.js';

const WORKER = fileURLToPath(new URL('./test-fixtures/burst-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 2_000 });
  await waitForRedis(redis);
});
afterAll(() => redis.disconnect());

const uniquePrefix = () => `rl:test:${randomUUID()}:`;

/** Runs the burst worker as a separate Node process; resolves once it has printed `ready`. */
const startWorker = (args: string[]) =>
  new Promise<{ go: () => void; result: Promise<{ allowed: number; rejected: number }> }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    let settleResult: (value: { allowed: number; rejected: number }) => void = () => undefined;
    let failResult: (error: Error) => void = () => undefined;
    const result = new Promise<{ allowed: number; rejected: number }>((res, rej) => {
      settleResult = res;
      failResult = rej;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const lines = output.split('\n');
      if (lines.includes('ready')) resolve({ go: () => child.stdin.write('go\n'), result });
      const last = lines.find((l) => l.startsWith('{'));
      if (last) settleResult(JSON.parse(last) as { allowed: number; rejected: number });
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const error = new Error(`burst worker exited with ${code} before answering`);
      reject(error);
      failResult(error);
    });
  });

describe('createRedisRateLimitStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when a client bursts through its quota, admits exactly `limit` and reports the GCRA reset', async () => {
    const store = createRedisRateLimitStore(redis, { keyPrefix: uniquePrefix() });
    const plan = { limit: 3, windowSeconds: 60 };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await store.consume('k', plan));
    expect(decisions).toEqual([
      { allowed: true, limit: 3, remaining: 2, resetSeconds: 20, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 1, resetSeconds: 40, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 0, resetSeconds: 60, retryAfterSeconds: 0 },
      { allowed: false, limit: 3, remaining: 0, resetSeconds: 60, retryAfterSeconds: 20 },
    ]);
  });

  it('when requests are rejected or peeked, the bucket is unchanged (rejections spend no quota)', async () => {
    const prefix = uniquePrefix();
    const store = createRedisRateLimitStore(redis, { keyPrefix: prefix });
    const plan = { limit: 2, windowSeconds: 60 };
    await store.consume('k', plan);
    await store.consume('k', plan);
    const before = await redis.get(`${prefix}k`);
    for (let i = 0; i < 20; i++) expect((await store.consume('k', plan)).allowed).toBe(false);
    expect((await store.peek('k', plan)).allowed).toBe(false);
    expect(await redis.get(`${prefix}k`)).toBe(before);
    await ageBuckets(redis, prefix, 60_000);
    expect(await store.peek('k', plan)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('when the window boundary is crossed right after a full burst (C3), the second burst is limited', async () => {
    const prefix = uniquePrefix();
    const store = createRedisRateLimitStore(redis, { keyPrefix: prefix });
    const plan = { limit: 10, windowSeconds: 60 };
    const first = await Promise.all(Array.from({ length: 10 }, () => store.consume('k', plan)));
    expect(first.every((d) => d.allowed)).toBe(true);
    await ageBuckets(redis, prefix, 200); // 59.9 s → 60.1 s: a fixed window would reset here
    const second = await Promise.all(Array.from({ length: 10 }, () => store.consume('k', plan)));
    expect(second.filter((d) => d.allowed)).toHaveLength(0);
    await ageBuckets(redis, prefix, 12_000); // two units drain back (one per 6 s)
    const third = await Promise.all(Array.from({ length: 10 }, () => store.consume('k', plan)));
    expect(third.filter((d) => d.allowed)).toHaveLength(2);
  });

  it('when 2× limit consumes race from three processes with their own clients (C2), exactly `limit` are admitted', async () => {
    const prefix = uniquePrefix();
    const limit = 60;
    const args = [inject('redisUrl'), prefix, 'shared-key', String(limit), '60', String((2 * limit) / 3)];
    const workers = await Promise.all([startWorker(args), startWorker(args), startWorker(args)]);
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.result));
    expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(limit);
    expect(results.reduce((sum, r) => sum + r.rejected, 0)).toBe(limit);
  }, 30_000);

  it('when 2× limit consumes race in one process (Promise.all), exactly `limit` are admitted', async () => {
    const store = createRedisRateLimitStore(redis, { keyPrefix: uniquePrefix() });
    const plan = { limit: 50, windowSeconds: 60 };
    const decisions = await Promise.all(Array.from({ length: 100 }, () => store.consume('k', plan)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
  });

  it('when gateway clocks are hours apart (C7), decisions follow Redis TIME, not the gateway clock', async () => {
    const store = createRedisRateLimitStore(redis, { keyPrefix: uniquePrefix() });
    const plan = { limit: 2, windowSeconds: 60 };
    const real = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(real + 3_600_000); // this gateway's clock is an hour ahead
    expect(await store.consume('k', plan)).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 30 });
    vi.setSystemTime(real - 3_600_000); // another gateway's clock is an hour behind
    expect(await store.consume('k', plan)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 60 });
    vi.setSystemTime(real + 7_200_000); // a gateway clock would say the bucket drained long ago
    expect(await store.consume('k', plan)).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 60, retryAfterSeconds: 30 });
  });

  it('when traffic has run (F5), every key under the prefix has a TTL of at most window + 1 s, and peeks create none', async () => {
    const prefix = uniquePrefix();
    const store = createRedisRateLimitStore(redis, { keyPrefix: prefix });
    const short = { limit: 2, windowSeconds: 1 };
    const long = { limit: 5, windowSeconds: 3_600 };
    for (let i = 0; i < 4; i++) {
      await store.consume(`short-${i % 2}`, short);
      await store.consume(`long-${i}`, long);
      await store.peek(`never-consumed-${i}`, long);
    }
    await store.consume('short-0', short); // rejected: must not strip or extend the TTL
    const keys = await scanKeys(redis, prefix);
    expect(keys.sort()).toEqual([...['long-0', 'long-1', 'long-2', 'long-3', 'short-0', 'short-1'].map((k) => prefix + k)].sort());
    for (const key of keys) {
      const pttl = await redis.pttl(key);
      expect(pttl, key).toBeGreaterThan(0);
      expect(pttl, key).toBeLessThanOrEqual(key.includes('short') ? 2_000 : 3_601_000);
    }
  });

  it('when a plan is large (100 000/day), the stored units survive the round trip exactly', async () => {
    const store = createRedisRateLimitStore(redis, { keyPrefix: uniquePrefix() });
    const plan = { limit: 100_000, windowSeconds: 86_400 };
    for (let i = 0; i < 3; i++) await store.consume('k', plan);
    expect(await store.peek('k', plan)).toMatchObject({ allowed: true, remaining: 99_997, resetSeconds: 3 });
  });
});
