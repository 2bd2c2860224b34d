import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock, type Clock } from '../../../../shared/clock.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import type { BillingPort } from '../contract.js';
import { createChargebeeBillingAdapter } from './adapter.js';
import { sandboxChargebeeConfig, type ChargebeeConfig } from './config.js';
import { ERROR_MESSAGE_CANARY, HTML_FAULT_CANARY } from './sandbox-faults.js';
import { captureLogger, startChargebeeSandbox, type ChargebeeSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the Chargebee sandbox over real HTTP. getCustomer is one GET, so
// attempt counts are exact.
const CUSTOMER = 'AzZGlobex01';
const READ = `/customers/${CUSTOMER}$`;
const READ_PATH = `GET /api/v2/customers/${CUSTOMER}`;

let sandbox: ChargebeeSandboxHandle;
beforeAll(async () => {
  sandbox = await startChargebeeSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

// E1, E3–E8 for the main read (getCustomer). API-key auth, no token endpoint: the customer's answer
// (over 256 bytes) is what the E8 cap stops, with no fault needed.
describeVendorReliability(
  'Chargebee',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { logger, lines } = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    const config = { ...sandboxChargebeeConfig(sandbox.baseUrl), retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) };
    const billing = createChargebeeBillingAdapter(config, { http, clock, logger });
    return { read: (ctx) => billing.getCustomer(CUSTOMER, ctx), readPathPattern: READ, domain: 'billing', harness: sandbox.harness, logs: () => lines, close: () => http.close() };
  },
  {
    logName: 'chargebee',
    neverLogged: new RegExp(`${HTML_FAULT_CANARY}|${ERROR_MESSAGE_CANARY}|Globex|accounts@globex\\.example|temporarily unavailable|Something went wrong`),
    overCap: { maxResponseBytes: 256 },
  },
);

// What the kit does not run: E2 writes, Chargebee's own faults (429 lock_timeout on a write, 403
// request_blocked), and a refused API key.
describe('Chargebee adapter under vendor faults (RELIABILITY.md E)', () => {
  const clients: HttpClient[] = [];
  const adapter = (
    overrides: Partial<ChargebeeConfig> = {},
    deps: { clock?: Clock; logger?: ReturnType<typeof captureLogger>['logger'] } = {},
  ): BillingPort => {
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    clients.push(http);
    const config = { ...sandboxChargebeeConfig(sandbox.baseUrl), retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...overrides };
    return createChargebeeBillingAdapter(config, { http, clock: deps.clock ?? systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  const ctx = (clock: Clock = systemClock, budgetMs = 3_000) => testCallContext({ clock, budgetMs });
  let refs = 0;
  const ref = () => `e2-${process.pid}-${++refs}`;

  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('E2 write timeout: no blind retry, no duplicate', () => {
    // `trickle` lets the create happen, then sends its answer too slowly: the write took effect, the response was lost.
    it('createCustomer: the answer is lost after Chargebee created it; the retry under the same id meets duplicate_entry and reads it back', async () => {
      const billing = adapter({ attemptTimeoutMs: 250 });
      const externalRef = ref();
      await sandbox.injectFault({ fault: 'trickle', delayMs: 200, times: 1, pathPattern: '/api/v2/customers$' });
      const result = await billing.createCustomer({ name: 'Timeout GmbH', currency: 'EUR', externalRef }, ctx());
      expect(result).toMatchObject({ ok: true, value: { id: `strata-${externalRef}`, externalRef } });
      const posts = (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === '/api/v2/customers');
      expect(posts).toHaveLength(2);
      // Not blind: both attempts name the same id, so Chargebee itself refuses the second.
      expect(posts.map((p) => Object.fromEntries(p.form!).id)).toEqual([`strata-${externalRef}`, `strata-${externalRef}`]);
      expect((await sandbox.records()).customers.filter((c) => c.ref === externalRef)).toHaveLength(1);
    });

    it('createCustomer: when every attempt is lost, answers vendor.timeout; the client\'s retry with the same externalRef finds the record', async () => {
      const billing = adapter({ attemptTimeoutMs: 250, retries: 0 });
      const externalRef = ref();
      await sandbox.injectFault({ fault: 'trickle', delayMs: 200, pathPattern: '/api/v2/customers$' });
      const lost = await billing.createCustomer({ name: 'Lost GmbH', externalRef }, ctx());
      expect(lost).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'billing' } });
      await sandbox.clearFaults();
      const again = await billing.createCustomer({ name: 'Lost GmbH', externalRef }, ctx());
      expect(again).toMatchObject({ ok: true, value: { id: `strata-${externalRef}` } });
      expect((await sandbox.records()).customers.filter((c) => c.ref === externalRef)).toHaveLength(1);
    });

    it('createSubscription: a lost answer is reconciled to the one subscription created', async () => {
      const billing = adapter({ attemptTimeoutMs: 250 });
      const externalRef = ref();
      await sandbox.injectFault({ fault: 'trickle', delayMs: 200, times: 1, pathPattern: '/subscription_for_items$' });
      const input = { customerId: 'AzZStark01', planId: 'strata-enterprise-annual', quantity: 10, termMonths: 24 as const, externalRef };
      const result = await billing.createSubscription(input, ctx());
      expect(result).toMatchObject({ ok: true, value: { id: `strata-${externalRef}`, customerId: 'AzZStark01', quantity: 10 } });
      expect(await sandbox.count('POST /api/v2/customers/AzZStark01/subscription_for_items')).toBe(2);
      expect((await sandbox.records()).subscriptions.filter((s) => s.ref === externalRef)).toHaveLength(1);
    });

    it('cancelSubscription: a lost answer is reconciled by reading the state the first attempt reached', async () => {
      const billing = adapter({ attemptTimeoutMs: 250 });
      const externalRef = ref();
      const created = await billing.createSubscription({ customerId: 'AzZWayne01', planId: 'strata-pro-monthly', quantity: 2, termMonths: 12, externalRef }, ctx());
      expect(created.ok).toBe(true);
      await sandbox.injectFault({ fault: 'trickle', delayMs: 200, times: 1, pathPattern: '/cancel_for_items$' });
      const cancelled = await billing.cancelSubscription(`strata-${externalRef}`, { atTermEnd: false }, ctx());
      expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled' } });
      expect(await sandbox.count(`POST /api/v2/subscriptions/strata-${externalRef}/cancel_for_items`)).toBe(2); // the second met 409, then a read
    });
  });

  describe('E4 vendor throttling', () => {
    it('when a write meets 429 lock_timeout (no Retry-After), answers vendor.rate_limited with a short pause', async () => {
      const billing = adapter();
      await sandbox.injectFault({ fault: 'lock-timeout', pathPattern: '/cancel_for_items$', times: 1 });
      const result = await billing.cancelSubscription('AzZUmbrellaSub01', { atTermEnd: true }, ctx());
      expect(result.ok ? undefined : result.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 5 });
    });

    it('when the site is blocked (403 request_blocked), answers vendor.rate_limited and stops calling for the configured pause', async () => {
      const clock = createManualClock(Date.now());
      const billing = adapter({ requestBlockedPauseMs: 60_000 }, { clock });
      await sandbox.injectFault({ fault: 'request-blocked', pathPattern: READ, times: 1 });
      const blocked = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(blocked).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'billing', retryAfterSeconds: 60 } });
      const paused = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(READ_PATH)).toBe(1);
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it('when the API key is refused (401), answers vendor.error and never logs the key', async () => {
      const { logger, text } = captureLogger();
      const billing = adapter({ apiKey: 'test_not_the_sandbox_key_42' }, { logger });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'billing' } });
      expect(text()).toContain('api_authentication_failed');
      expect(text()).not.toContain('test_not_the_sandbox_key_42');
    });
  });
});
