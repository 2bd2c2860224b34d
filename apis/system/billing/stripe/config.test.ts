import { describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION } from '../../../../openapi/vendors/stripe/types.js';
import { loadStripeConfig, pageSizeOf, SANDBOX_STRIPE_SECRET_KEY, sandboxStripeConfig, STRIPE_LIMITS, STRIPE_TEST_MODE_LIMITS, stripeLimitsFor } from './config.js';

const KEY = 'sk_live_51Hx9aZ2eZvKYlo2C0000000000000000';

describe('loadStripeConfig', () => {
  it('when neither STRIPE_SECRET_KEY nor STRIPE_BASE_URL is set, returns undefined (sandbox mode)', () => {
    expect(loadStripeConfig({})).toBeUndefined();
    expect(loadStripeConfig({ STRIPE_SECRET_KEY: '  ' })).toBeUndefined();
  });

  it('with a key alone, talks to https://api.stripe.com with the pinned Stripe-Version', () => {
    expect(loadStripeConfig({ STRIPE_SECRET_KEY: KEY })).toEqual({ baseUrl: 'https://api.stripe.com', secretKey: KEY, apiVersion: STRIPE_API_VERSION });
  });

  it('with STRIPE_BASE_URL, uses it without its trailing slash; plain http only on loopback', () => {
    expect(loadStripeConfig({ STRIPE_SECRET_KEY: KEY, STRIPE_BASE_URL: 'http://127.0.0.1:8081/stripe/' })?.baseUrl).toBe('http://127.0.0.1:8081/stripe');
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: KEY, STRIPE_BASE_URL: 'http://stripe.example' })).toThrow('STRIPE_BASE_URL must be https');
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: KEY, STRIPE_BASE_URL: 'https://user:pw@api.stripe.com' })).toThrow('STRIPE_BASE_URL');
    expect(() => loadStripeConfig({ STRIPE_SECRET_KEY: KEY, STRIPE_BASE_URL: 'not a url' })).toThrow('STRIPE_BASE_URL');
  });

  it('when STRIPE_BASE_URL is set without a key, throws naming STRIPE_SECRET_KEY', () => {
    expect(() => loadStripeConfig({ STRIPE_BASE_URL: 'https://api.stripe.com' })).toThrow('STRIPE_SECRET_KEY is required');
  });

  it('refuses a publishable or malformed key, naming the variable but never echoing the value', () => {
    for (const bad of ['pk_live_51Hx9aZ2eZvKYlo2C00000', 'sk_live_short', 'whsec_abcdefabcdefabcdef']) {
      let message = '';
      try {
        loadStripeConfig({ STRIPE_SECRET_KEY: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('STRIPE_SECRET_KEY');
      expect(message).not.toContain(bad);
    }
  });
});

describe('Stripe limits and sandbox config', () => {
  it("uses Stripe's published limits: 100 requests/s in live mode, 25/s in test mode", () => {
    expect(STRIPE_LIMITS).toEqual({ requests: { limit: 100, windowSeconds: 1 } });
    expect(STRIPE_TEST_MODE_LIMITS).toEqual({ requests: { limit: 25, windowSeconds: 1 } });
    expect(stripeLimitsFor({ secretKey: KEY })).toBe(STRIPE_LIMITS);
    expect(stripeLimitsFor({ secretKey: 'rk_test_51Hx9aZ2eZvKYlo2C0000' })).toBe(STRIPE_TEST_MODE_LIMITS);
  });

  it('the sandbox config carries a test-mode key the loader itself would accept, and page sizes stay within 1–100', () => {
    const config = sandboxStripeConfig('http://127.0.0.1:9/stripe/');
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:9/stripe', secretKey: SANDBOX_STRIPE_SECRET_KEY, apiVersion: STRIPE_API_VERSION });
    expect(loadStripeConfig({ STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY, STRIPE_BASE_URL: config.baseUrl })).toEqual(config);
    expect(pageSizeOf(config)).toBe(100);
    expect(pageSizeOf({ ...config, pageSize: 500 })).toBe(100);
    expect(pageSizeOf({ ...config, pageSize: 0 })).toBe(1);
  });
});
