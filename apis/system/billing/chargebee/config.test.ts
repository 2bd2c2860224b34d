import { describe, expect, it } from 'vitest';
import { CHARGEBEE_LIMITS, chargebeeLimits, loadChargebeeConfig, sandboxChargebeeConfig } from './config.js';

const KEY = 'live_abcdefghijklmnopqrstuvwxyz0123';

describe('loadChargebeeConfig', () => {
  it('is undefined without CHARGEBEE_BASE_URL (sandbox mode)', () => {
    expect(loadChargebeeConfig({})).toBeUndefined();
  });

  it('reads the site URL (a trailing /api/v2 is trimmed), the key and the plan', () => {
    expect(loadChargebeeConfig({ CHARGEBEE_BASE_URL: 'https://acme.chargebee.com/api/v2', CHARGEBEE_API_KEY: KEY, CHARGEBEE_PLAN: 'enterprise' })).toMatchObject({
      baseUrl: 'https://acme.chargebee.com',
      apiKey: KEY,
      plan: 'enterprise',
    });
  });

  it.each([
    [{ CHARGEBEE_BASE_URL: 'not a url', CHARGEBEE_API_KEY: KEY }, /CHARGEBEE_BASE_URL must be an absolute URL/],
    [{ CHARGEBEE_BASE_URL: 'http://acme.chargebee.com', CHARGEBEE_API_KEY: KEY }, /must use https/],
    [{ CHARGEBEE_BASE_URL: 'https://key:x@acme.chargebee.com' , CHARGEBEE_API_KEY: KEY }, /must not carry/],
    [{ CHARGEBEE_BASE_URL: 'https://acme.chargebee.com' }, /CHARGEBEE_API_KEY is required/],
    [{ CHARGEBEE_BASE_URL: 'https://acme.chargebee.com', CHARGEBEE_API_KEY: 'a:b-secret-value' }, /CHARGEBEE_API_KEY must be/],
    [{ CHARGEBEE_BASE_URL: 'https://acme.chargebee.com', CHARGEBEE_API_KEY: KEY, CHARGEBEE_PLAN: 'gold' }, /CHARGEBEE_PLAN must be one of/],
  ])('refuses %j, naming the key but never its value', (env, message) => {
    let thrown: unknown;
    try {
      loadChargebeeConfig(env);
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain(KEY);
    expect((thrown as Error).message).not.toContain('b-secret-value');
  });

  it('allows http only for a loopback sandbox', () => {
    expect(loadChargebeeConfig({ CHARGEBEE_BASE_URL: 'http://127.0.0.1:8081/chargebee', CHARGEBEE_API_KEY: KEY })?.baseUrl).toBe('http://127.0.0.1:8081/chargebee');
  });
});

describe('limits', () => {
  it("default to the test-site / Starter limit (150 per minute), the lowest Chargebee publishes", () => {
    expect(CHARGEBEE_LIMITS).toEqual({ requests: { limit: 150, windowSeconds: 60 } });
    expect(chargebeeLimits('enterprise')).toEqual({ requests: { limit: 3_500, windowSeconds: 60 } });
  });

  it('the sandbox config carries the sandbox key', () => {
    expect(sandboxChargebeeConfig('http://127.0.0.1:1/chargebee/')).toMatchObject({ baseUrl: 'http://127.0.0.1:1/chargebee', plan: 'test' });
  });
});
