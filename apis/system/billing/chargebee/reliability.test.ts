import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock, type Clock } from '../../../../shared/clock.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
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

describe('Chargebee adapter under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: ChargebeeSandboxHandle;
  const clients: HttpClient[] = [];
  const adapter = (
    overrides: Partial<ChargebeeConfig> = {},
    deps: { clock?: Clock; logger?: ReturnType<typeof captureLogger>['logger']; maxResponseBytes?: number } = {},
  ): BillingPort => {
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(deps.maxResponseBytes ? { maxResponseBytes: deps.maxResponseBytes } : {}) });
    clients.push(http);
    const config = { ...sandboxChargebeeConfig(sandbox.baseUrl), retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...overrides };
    return createChargebeeBillingAdapter(config, { http, clock: deps.clock ?? systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  const ctx = (clock: Clock = systemClock, budgetMs = 3_000) => testCallContext({ clock, budgetMs });
  let refs = 0;
  const ref = () => `e2-${process.pid}-${++refs}`;

  beforeAll(async () => {
    sandbox = await startChargebeeSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('E1 read timeout', () => {
    it('when Chargebee never answers, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const billing = adapter({ attemptTimeoutMs: 150 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: READ });
      const started = Date.now();
      const result = await billing.getCustomer(CUSTOMER, ctx(systemClock, 2_000));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'billing' } });
      expect(await sandbox.count(READ_PATH)).toBe(3); // 1 + 2 retries, never more
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
      const billing = adapter({ attemptTimeoutMs: 1_000 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: READ });
      const result = await billing.getCustomer(CUSTOMER, ctx(systemClock, 300));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await sandbox.count(READ_PATH)).toBe(1);
    });
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

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it.each([['error500'], ['error503']] as const)('when Chargebee answers %s, retries the read, then vendor.error without its message', async (fault) => {
      const { logger, text } = captureLogger();
      const billing = adapter({}, { logger });
      await sandbox.injectFault({ fault, pathPattern: READ });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'billing' } });
      expect(await sandbox.count(READ_PATH)).toBe(3);
      expect(text()).not.toContain(ERROR_MESSAGE_CANARY);
      expect(text()).not.toMatch(/temporarily unavailable|Something went wrong/);
    });

    it('when failures reach the threshold, opens the circuit: no vendor call until the open period ends', async () => {
      const clock = createManualClock(Date.now());
      const billing = adapter({ retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } }, { clock });
      await sandbox.injectFault({ fault: 'error503', pathPattern: READ });
      for (let i = 0; i < 3; i++) await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(await sandbox.count(READ_PATH)).toBe(3);
      const open = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', vendor: 'billing', retryAfterSeconds: 10 });
      expect(await sandbox.count(READ_PATH)).toBe(3);
      await sandbox.clearFaults();
      clock.advance(10_000);
      expect((await billing.getCustomer(CUSTOMER, ctx(clock))).ok).toBe(true);
    });
  });

  describe('E4 vendor throttling', () => {
    it('when Chargebee answers 429 api_request_limit_exceeded with Retry-After in seconds, answers vendor.rate_limited and pauses calls', async () => {
      const clock = createManualClock(Date.now());
      const billing = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: 30, pathPattern: READ, times: 1 });
      const limited = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 30 });
      expect(await sandbox.count(READ_PATH)).toBe(1); // 429 is not retried
      const paused = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(READ_PATH)).toBe(1); // not hammered while paused
      clock.advance(30_000);
      expect((await billing.getCustomer(CUSTOMER, ctx(clock))).ok).toBe(true);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const clock = createManualClock(Date.now());
      const billing = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), pathPattern: READ, times: 1 });
      const limited = await billing.getCustomer(CUSTOMER, ctx(clock));
      expect(limited.ok ? undefined : limited.error.retryAfterSeconds).toBeGreaterThanOrEqual(44);
      expect(limited.ok ? undefined : limited.error.retryAfterSeconds).toBeLessThanOrEqual(45);
    });

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

  describe('E5 trickling body', () => {
    it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout', async () => {
      const billing = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 50, pathPattern: READ });
      const result = await billing.getCustomer(CUSTOMER, ctx(systemClock, 2_000));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([
      ['html', 'an HTML page with a 200'],
      ['malformed', 'truncated JSON'],
      ['wrong-types', 'the right shape with wrong types'],
    ] as const)('when Chargebee sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (fault, _description) => {
      const { logger, lines } = captureLogger();
      const billing = adapter({}, { logger });
      await sandbox.injectFault({ fault, pathPattern: READ });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'billing' } });
      const invalid = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
      expect(invalid).toMatchObject({ vendor: 'chargebee', bytes: expect.any(Number), sha256: expect.any(String) });
      const logged = lines.join('');
      expect(logged).not.toContain(HTML_FAULT_CANARY);
      expect(logged).not.toContain('Globex');
      expect(logged).not.toContain('accounts@globex.example');
    });

    it('when the API key is refused (401), answers vendor.error and never logs the key', async () => {
      const { logger, text } = captureLogger();
      const billing = adapter({ apiKey: 'test_not_the_sandbox_key_42' }, { logger });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'billing' } });
      expect(text()).toContain('api_authentication_failed');
      expect(text()).not.toContain('test_not_the_sandbox_key_42');
    });
  });

  describe('E7 redirects', () => {
    let elsewhere: Server;
    let elsewhereHits = 0;
    beforeAll(async () => {
      elsewhere = createServer((_req, res) => {
        elsewhereHits += 1;
        res.end('{}');
      }).listen(0, '127.0.0.1');
      await once(elsewhere, 'listening');
    });
    afterAll(async () => {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    });

    it('when Chargebee redirects to another host, answers vendor.error and never follows (the API key is not sent there)', async () => {
      const billing = adapter();
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
      await sandbox.injectFault({ fault: 'redirect', location, pathPattern: READ });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'billing' } });
      expect(elsewhereHits).toBe(0);
      expect(await sandbox.count(READ_PATH)).toBe(1);
    });
  });

  describe('E8 oversized responses', () => {
    it('when a response is larger than the client\'s cap, answers vendor.invalid_response without buffering it', async () => {
      const billing = adapter({}, { maxResponseBytes: 256 });
      const result = await billing.getCustomer(CUSTOMER, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'billing' } });
      expect(await sandbox.count(READ_PATH)).toBe(1); // not retried: the answer will not shrink
    });
  });
});
