import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { idempotencyKeyFor } from './adapter.js';
import type { StripeResilience } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { sandboxStripeAdapter, serveStripeSandbox, type StripeSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the Stripe sandbox over real HTTP.
const GLOBEX = 'cus_QGlobex0000001';
const CUSTOMER_PATH = `/v1/customers/${GLOBEX}`;
let counter = 0;
const uniqueRef = () => `rel-${Date.now().toString(36)}-${counter++}`;

describe('Stripe adapter under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: StripeSandboxHandle;
  const closers: (() => Promise<void>)[] = [];
  const adapter = (resilience: StripeResilience = {}, options: { clock?: { now(): number }; maxResponseBytes?: number } = {}) => {
    const a = sandboxStripeAdapter(sandbox.baseUrl, {
      resilience: { retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...resilience },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.maxResponseBytes ? { http: { maxResponseBytes: options.maxResponseBytes } } : {}),
    });
    closers.push(a.close);
    return a;
  };

  beforeAll(async () => {
    sandbox = await serveStripeSandbox();
  });
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(() => sandbox.close());

  describe('E1 read timeout', () => {
    it('when Stripe never answers a read, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const { billing } = adapter({ attemptTimeoutMs: 150 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: CUSTOMER_PATH });
      const started = performance.now();
      const result = await billing.getCustomer(GLOBEX, testCallContext({ budgetMs: 2_000 }));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'billing' } });
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(3); // 1 + 2 retries, never more
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
      const { billing } = adapter({ attemptTimeoutMs: 1_000 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: CUSTOMER_PATH });
      const started = performance.now();
      const result = await billing.getCustomer(GLOBEX, testCallContext({ budgetMs: 300 }));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(1);
      expect(performance.now() - started).toBeLessThan(600);
    });
  });

  describe('E2 write timeout: retried only under the same Idempotency-Key, never duplicated', () => {
    /** A sandbox whose Search does not see new records for a minute, as Stripe's may not. */
    let lagging: StripeSandboxHandle;
    const laggingAdapter = (resilience: StripeResilience = {}) => {
      const a = sandboxStripeAdapter(lagging.baseUrl, { resilience: { retries: 2, backoffMs: 5, attemptTimeoutMs: 300, ...resilience } });
      closers.push(a.close);
      return a;
    };
    beforeAll(async () => {
      lagging = await serveStripeSandbox({ searchLagMs: 60_000 });
    });
    beforeEach(() => lagging.reset());
    afterAll(() => lagging.close());

    const customersWithRef = async (handle: StripeSandboxHandle, ref: string) => {
      const list = await handle.stripe('GET', '/v1/customers?limit=100');
      return list.body.data!.filter((c) => (c.metadata as Record<string, string>).external_ref === ref);
    };

    it('when the create answer is lost (the body never arrives), the retry carries the same key, Stripe replays, and one customer exists', async () => {
      const { billing } = laggingAdapter();
      const ref = uniqueRef();
      // The write runs; its answer trickles in slower than the attempt allows.
      await lagging.addFault({ fault: 'trickle', delayMs: 200, pathPattern: '/v1/customers$', times: 1 });
      const result = await billing.createCustomer({ name: 'Lost Answer GmbH', externalRef: ref }, testCallContext({ budgetMs: 3_000 }));
      expect(result.ok).toBe(true);
      const posts = (await lagging.requests()).filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.idempotencyKey)).toEqual([idempotencyKeyFor('customer', ref), idempotencyKeyFor('customer', ref)]);
      expect((await customersWithRef(lagging, ref)).map((c) => c.id)).toEqual([result.ok ? result.value.id : '']);
    });

    it('when every attempt times out, answers vendor.timeout; the client retry with the same externalRef gets the same customer (replayed, Search still blind)', async () => {
      const { billing, logs } = laggingAdapter();
      const ref = uniqueRef();
      await lagging.addFault({ fault: 'trickle', delayMs: 200, pathPattern: '/v1/customers$' });
      const first = await billing.createCustomer({ name: 'Retry Later AG', externalRef: ref }, testCallContext({ budgetMs: 1_500 }));
      expect(first.ok ? undefined : first.error.code).toBe('vendor.timeout');
      await lagging.clearFaults();

      const retry = await billing.createCustomer({ name: 'Retry Later AG', externalRef: ref }, testCallContext());
      expect(retry.ok).toBe(true);
      const created = await customersWithRef(lagging, ref);
      expect(created).toHaveLength(1);
      expect(retry.ok && retry.value.id).toBe(created[0]!.id);
      expect(logs()).toContain('stripe replayed an earlier customer creation');
    });

    it('a subscription create that timed out is not duplicated by the client retry either', async () => {
      const { billing } = laggingAdapter();
      const ref = uniqueRef();
      await lagging.addFault({ fault: 'trickle', delayMs: 200, pathPattern: '/v1/subscriptions$' });
      const input = { customerId: GLOBEX, planId: 'strata-enterprise-monthly', quantity: 2, termMonths: 12 as const, externalRef: ref };
      const first = await billing.createSubscription(input, testCallContext({ budgetMs: 1_500 }));
      expect(first.ok ? undefined : first.error.code).toBe('vendor.timeout');
      await lagging.clearFaults();
      const retry = await billing.createSubscription(input, testCallContext());
      expect(retry.ok).toBe(true);
      const subs = await lagging.stripe('GET', `/v1/subscriptions?customer=${GLOBEX}&status=all&limit=100`);
      expect(subs.body.data!.filter((s) => (s.metadata as Record<string, string>).external_ref === ref).map((s) => s.id)).toEqual([retry.ok ? retry.value.id : '']);
    });

    it('after Stripe has forgotten the key (24 h retention), Search finds the record: still no duplicate', async () => {
      const forgetful = await serveStripeSandbox({ idempotencyTtlMs: 0 });
      try {
        const a = sandboxStripeAdapter(forgetful.baseUrl, { resilience: { backoffMs: 5 } });
        closers.push(a.close);
        const ref = uniqueRef();
        const first = await a.billing.createCustomer({ name: 'Long Ago BV', externalRef: ref }, testCallContext());
        const again = await a.billing.createCustomer({ name: 'Long Ago BV', externalRef: ref }, testCallContext());
        expect(again.ok && first.ok && again.value.id === first.value.id).toBe(true);
        expect(await forgetful.count('/v1/customers', 'POST')).toBe(1);
        expect(await customersWithRef(forgetful, ref)).toHaveLength(1);
      } finally {
        await forgetful.close();
      }
    });

    it('the same reference with different data within the key retention is a conflict (billing.invalid_state), not a second customer', async () => {
      const { billing } = laggingAdapter();
      const ref = uniqueRef();
      expect((await billing.createCustomer({ name: 'First Name Ltd', externalRef: ref }, testCallContext())).ok).toBe(true);
      const other = await billing.createCustomer({ name: 'Other Name Ltd', externalRef: ref }, testCallContext());
      expect(other).toEqual({ ok: false, error: { code: 'billing.invalid_state', retryable: false } });
      expect(await customersWithRef(lagging, ref)).toHaveLength(1);
    });
  });

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it.each([['error500'], ['error503']] as const)('when Stripe answers %s to a read, retries it, then vendor.error without its message', async (fault) => {
      const { billing, logs } = adapter();
      await sandbox.addFault({ fault, pathPattern: CUSTOMER_PATH });
      const result = await billing.getCustomer(GLOBEX, testCallContext());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'billing' } });
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(3);
      expect(logs()).not.toMatch(/unknown error|temporarily unavailable|sandbox fault/i);
    });

    it('when Stripe answers 500 to a create, every retry is the same request under the same Idempotency-Key', async () => {
      const { billing } = adapter();
      const ref = uniqueRef();
      await sandbox.addFault({ fault: 'error500', pathPattern: '/v1/customers$' });
      const result = await billing.createCustomer({ name: 'Flaky KG', externalRef: ref }, testCallContext());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      const posts = (await sandbox.requests()).filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(3);
      expect(new Set(posts.map((r) => r.idempotencyKey))).toEqual(new Set([idempotencyKeyFor('customer', ref)]));
      expect(new Set(posts.map((r) => JSON.stringify(r.form)))).toHaveProperty('size', 1);
    });

    it('when failures reach the threshold, opens the circuit: no Stripe call until the open period ends', async () => {
      const clock = createManualClock(Date.now());
      const { billing } = adapter({ retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } }, { clock });
      await sandbox.addFault({ fault: 'error503', pathPattern: CUSTOMER_PATH });
      for (let i = 0; i < 3; i++) await billing.getCustomer(GLOBEX, testCallContext({ clock }));
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(3);
      const open = await billing.getCustomer(GLOBEX, testCallContext({ clock }));
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', vendor: 'billing', retryAfterSeconds: 10 });
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(3);
      await sandbox.clearFaults();
      clock.advance(10_000);
      expect((await billing.getCustomer(GLOBEX, testCallContext({ clock }))).ok).toBe(true);
    });
  });

  describe('E4 vendor throttling', () => {
    it('when Stripe answers 429 rate_limit with Retry-After in seconds, answers vendor.rate_limited with it and pauses calls', async () => {
      const clock = createManualClock(Date.now());
      const { billing } = adapter({}, { clock });
      await sandbox.addFault({ fault: 'rate-limit', retryAfter: 30, pathPattern: CUSTOMER_PATH, times: 1 });
      const limited = await billing.getCustomer(GLOBEX, testCallContext({ clock }));
      expect(limited).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'billing', retryAfterSeconds: 30 } });
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(1); // a 429 is not retried
      const paused = await billing.getCustomer(GLOBEX, testCallContext({ clock }));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(1); // not hammered while paused
      clock.advance(30_000);
      expect((await billing.getCustomer(GLOBEX, testCallContext({ clock }))).ok).toBe(true);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const clock = createManualClock(Date.now());
      const { billing } = adapter({}, { clock });
      await sandbox.addFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), pathPattern: CUSTOMER_PATH, times: 1 });
      const limited = await billing.getCustomer(GLOBEX, testCallContext({ clock }));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 45 });
    });

    it("when Stripe answers its 429 lock_timeout without Retry-After, answers vendor.rate_limited with the caller's default pause", async () => {
      const { billing } = adapter();
      await sandbox.addFault({ fault: 'lock-timeout', pathPattern: CUSTOMER_PATH, times: 1 });
      const limited = await billing.getCustomer(GLOBEX, testCallContext());
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 5 });
    });
  });

  describe('E5 trickling body', () => {
    it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout', async () => {
      const { billing } = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await sandbox.addFault({ fault: 'trickle', delayMs: 50, pathPattern: '/v1/invoices' });
      const started = performance.now();
      const result = await billing.listInvoices(GLOBEX, { limit: 5 }, testCallContext({ budgetMs: 2_000 }));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([
      ['html', 'an HTML page with a 200'],
      ['malformed', 'truncated JSON'],
      ['wrong-types', 'the right shape with wrong types'],
    ] as const)('when Stripe sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (fault, _description) => {
      const { billing, logLines } = adapter();
      await sandbox.addFault({ fault, pathPattern: '/v1/subscriptions' });
      const result = await billing.listSubscriptions(GLOBEX, { limit: 5 }, testCallContext());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'billing' } });
      const invalid = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
      expect(invalid).toMatchObject({ vendor: 'stripe', bytes: expect.any(Number), sha256: expect.any(String) });
      const logged = logLines.join('');
      expect(logged).not.toContain(HTML_FAULT_CANARY);
      expect(logged).not.toMatch(/Globex|strata-enterprise|accounts@globex/);
    });

    it('when an error body is not Stripe JSON (a proxy page with a 404), answers vendor.invalid_response', async () => {
      const { billing } = adapter();
      // A 404 whose body is not the error envelope cannot be read as "no such customer".
      await sandbox.addFault({ fault: 'html', pathPattern: '/v1/customers/cus_NoSuchCustomer01' });
      const result = await billing.getCustomer('cus_NoSuchCustomer01', testCallContext());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
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

    it('when Stripe redirects to another host, answers vendor.error, never follows (the key is not sent there), and does not retry', async () => {
      const { billing } = adapter();
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
      await sandbox.addFault({ fault: 'redirect', location, pathPattern: CUSTOMER_PATH });
      const result = await billing.getCustomer(GLOBEX, testCallContext());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'billing' } });
      expect(elsewhereHits).toBe(0);
      expect(await sandbox.count(CUSTOMER_PATH)).toBe(1);
    });
  });

  describe('E8 oversized responses', () => {
    it('when a response is larger than the client cap, answers vendor.invalid_response without retrying it', async () => {
      const { billing } = adapter({}, { maxResponseBytes: 8 * 1024 });
      const result = await billing.listInvoices(GLOBEX, { limit: 10 }, testCallContext());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'billing' } });
      expect(await sandbox.count('/v1/invoices')).toBe(1);
      // The same call under the default cap succeeds: the cap, not the data, refused it.
      const { billing: roomy } = adapter();
      expect((await roomy.listInvoices(GLOBEX, { limit: 10 }, testCallContext())).ok).toBe(true);
    });
  });

  describe('Stripe refusing the API key', () => {
    it('answers vendor.error (not retryable), logs an error naming neither the key nor Stripe\'s message', async () => {
      const { billing, logs } = adapter();
      await sandbox.addFault({ fault: 'invalid-api-key', pathPattern: CUSTOMER_PATH });
      const result = await billing.getCustomer(GLOBEX, testCallContext());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'billing' } });
      expect(logs()).toContain('stripe refused the API key');
      expect(logs()).not.toMatch(/sk_test|Invalid API Key/);
    });
  });
});
