import { describe, expect, it } from 'vitest';
import { CHARGEBEE_ID, basicAuthorization, chargebeeIdFor, encodeForm } from './wire.js';

describe('chargebeeIdFor', () => {
  it('is the same for the same reference, readable while it fits, hashed beyond 50 characters', () => {
    expect(chargebeeIdFor('ord-4711-1')).toBe('strata-ord-4711-1');
    expect(chargebeeIdFor('ord-4711-1')).toBe(chargebeeIdFor('ord-4711-1'));
    const long = 'r'.repeat(64);
    expect(chargebeeIdFor(long)).toMatch(/^strata-h-[0-9a-f]{32}$/);
    expect(chargebeeIdFor(long)).not.toBe(chargebeeIdFor(`${'r'.repeat(63)}s`));
    for (const id of [chargebeeIdFor('a'), chargebeeIdFor(long)]) expect(CHARGEBEE_ID.test(id)).toBe(true);
  });
});

describe('encodeForm', () => {
  it("writes nested objects and lists in Chargebee's bracket notation and skips undefined", () => {
    const body = encodeForm({ id: 's1', subscription_items: { item_price_id: ['p'], quantity: [5] }, contract_term: { action_at_term_end: 'renew' }, end_of_term: false, po: undefined });
    expect([...new URLSearchParams(body)]).toEqual([
      ['id', 's1'],
      ['subscription_items[item_price_id][0]', 'p'],
      ['subscription_items[quantity][0]', '5'],
      ['contract_term[action_at_term_end]', 'renew'],
      ['end_of_term', 'false'],
    ]);
  });
});

describe('basicAuthorization', () => {
  it('sends the API key as the user name with an empty password', () => {
    expect(Buffer.from(basicAuthorization('test_key').slice(6), 'base64').toString()).toBe('test_key:');
  });
});
