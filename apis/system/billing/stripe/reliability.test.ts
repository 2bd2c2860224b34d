import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import { idempotencyKeyFor } from './adapter.js';
import type { StripeResilience } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { sandboxStripeAdapter, serveStripeSandbox, type StripeSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the Stripe sandbox over real HTTP.
const GLOBEX = 'cus_QGlobex0000001';
const CUSTOMER_PATH = `/v1/customers/${GLOBEX}`;
let counter = 0;
const uniqueRef = () => `rel-${Date.now().toString(36)}-${counter++}`;

let sandbox: StripeSandboxHandle;
beforeAll(async () => {
  sandbox = await serveStripeSandbox();
});
afterAll(() => sandbox.close());

// E1, E3–E8 for the main read (getCustomer: one GET, so attempt counts are exact). Stripe has no
// token endpoint, so E8 runs on this read from a cold start: the customer answer (~680 bytes) is
// over a 256-byte cap without any fault.
describeVendorReliability(
  'Stripe',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { billing, logLines, close } = sandboxStripeAdapter(sandbox.baseUrl, {
      clock,
      resilience: { retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) },
      ...(maxResponseBytes ? { http: { maxResponseBytes } } : {}),
    });
    return { read: (ctx) => billing.getCustomer(GLOBEX, ctx), readPathPattern: CUSTOMER_PATH, domain: 'billing', harness: sandbox.harness, logs: () => logLines, close };
  },
  {
    logName: 'stripe',
    neverLogged: new RegExp(`${HTML_FAULT_CANARY}|Globex|strata-enterprise|accounts@globex|unknown error|temporarily unavailable|sandbox fault`, 'i'),
    overCap: { maxResponseBytes: 256 },
  },
);

describe('Stripe adapter under vendor faults (RELIABILITY.md E)', () => {
  const closers: (() => Promise<void>)[] = [];
  const adapter = (resilience: StripeResilience = {}) => {
    const a = sandboxStripeAdapter(sandbox.baseUrl, { resilience: { retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...resilience } });
    closers.push(a.close);
    return a;
  };

  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  describe('E1 read timeout', () => {
    // The kit runs E1 on this read (bounded retries, attempt count at the deadline); it has no time bound
    // for the short deadline, so that stays here.
    it('when the deadline is shorter than the attempt timeout, answers at the deadline, not at the attempt timeout', async () => {
      const { billing } = adapter({ attemptTimeoutMs: 1_000 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: CUSTOMER_PATH });
      const started = performance.now();
      const result = await billing.getCustomer(GLOBEX, testCallContext({ budgetMs: 300 }));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
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

  describe('E3 vendor 5xx on a write', () => {
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
  });

  describe('E4 vendor throttling', () => {
    it("when Stripe answers its 429 lock_timeout without Retry-After, answers vendor.rate_limited with the caller's default pause", async () => {
      const { billing } = adapter();
      await sandbox.addFault({ fault: 'lock-timeout', pathPattern: CUSTOMER_PATH, times: 1 });
      const limited = await billing.getCustomer(GLOBEX, testCallContext());
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 5 });
    });
  });

  describe('E5 trickling body', () => {
    // The kit runs E5 on getCustomer, bounded by the 2 s deadline; this keeps a list page and the tighter bound.
    it('when a list page trickles in slower than the attempt budget, the attempt timeout (not the deadline) ends it: vendor.timeout', async () => {
      const { billing } = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await sandbox.addFault({ fault: 'trickle', delayMs: 50, pathPattern: '/v1/invoices' });
      const started = performance.now();
      const result = await billing.listInvoices(GLOBEX, { limit: 5 }, testCallContext({ budgetMs: 2_000 }));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  });

  describe('E6 malformed vendor bodies', () => {
    // The kit runs html, malformed and wrong-types on getCustomer; a list page's schema (nested items,
    // prices) is checked here.
    it('when a subscription list page has the right shape with wrong types, answers vendor.invalid_response and logs only its size and hash', async () => {
      const { billing, logLines } = adapter();
      await sandbox.addFault({ fault: 'wrong-types', pathPattern: '/v1/subscriptions' });
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
