import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis, waitForRedis } from '../../../shared/redis.js';
import type { IdentityXref, SystemRef } from './contract.js';
import { createMemoryXref } from './memory-xref.js';
import { createRedisXref } from './redis-xref.js';

const redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 1_000 });
beforeAll(() => waitForRedis(redis));
afterAll(() => redis.quit());

const sf = (id: string): SystemRef => ({ domain: 'crm', vendor: 'salesforce', id });
const ns = (id: string): SystemRef => ({ domain: 'erp', vendor: 'netsuite', id });

describe.each([
  ['in memory', () => createMemoryXref()],
  ['in Redis', () => createRedisXref(redis, { keyPrefix: `test:${randomUUID()}:` })],
] as const)('identity cross-reference (%s)', (_name, make: () => IdentityXref) => {
  it('resolves a link in both directions', async () => {
    const xref = make();
    expect(await xref.link('cus_1', sf('001A'))).toBe('linked');
    expect(await xref.link('cus_1', ns('8812'))).toBe('linked');
    expect(await xref.canonicalIdOf(sf('001A'))).toBe('cus_1');
    expect(await xref.refIn('cus_1', 'erp')).toEqual(ns('8812'));
    expect(await xref.refIn('cus_1', 'billing')).toBeUndefined();
    expect(await xref.canonicalIdOf(sf('001B'))).toBeUndefined();
  });

  it('when the same link is written twice, reports already_linked and keeps one record', async () => {
    const xref = make();
    await xref.link('cus_1', sf('001A'));
    expect(await xref.link('cus_1', sf('001A'))).toBe('already_linked');
    expect(await xref.refIn('cus_1', 'crm')).toEqual(sf('001A'));
  });

  it('when a record is already linked to another customer, refuses and changes nothing', async () => {
    const xref = make();
    await xref.link('cus_1', sf('001A'));
    expect(await xref.link('cus_2', sf('001A'))).toBe('conflict');
    expect(await xref.canonicalIdOf(sf('001A'))).toBe('cus_1');
    expect(await xref.refIn('cus_2', 'crm')).toBeUndefined();
  });

  it('when a customer already has a record in that domain, refuses a second one', async () => {
    const xref = make();
    await xref.link('cus_1', ns('8812'));
    expect(await xref.link('cus_1', ns('9999'))).toBe('conflict');
    expect(await xref.canonicalIdOf(ns('9999'))).toBeUndefined();
  });

  it('when two writers race to link one record to different customers, exactly one wins', async () => {
    const xref = make();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => xref.link(`cus_${i}`, sf('001RACE'))));
    expect(outcomes.filter((o) => o === 'linked')).toHaveLength(1);
  });
});
