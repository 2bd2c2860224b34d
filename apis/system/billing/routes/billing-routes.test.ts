import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppEnv } from '../../../../shared/http/app-env.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../../shared/http/problem.js';
import { createRouterTestApp } from '../../../../test/harness/router-test-app.js';
import { BillingCustomerSchema, BillingInvoiceSchema, SubscriptionSchema } from '../contract.js';
import { createBillingRouter } from '../router.js';
import type { StripeResilience } from '../stripe/config.js';
import { sandboxStripeAdapter, serveStripeSandbox, type StripeSandboxHandle } from '../stripe/sandbox-harness.js';

/** The billing system routes with the real Stripe adapter against the Stripe sandbox over HTTP. */
let sandbox: StripeSandboxHandle;
let closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sandbox = await serveStripeSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

const createTestBillingApp = (options: { deadlineMs?: number; resilience?: StripeResilience; sandboxUrl?: string } = {}) => {
  const adapter = sandboxStripeAdapter(options.sandboxUrl ?? sandbox.baseUrl, { resilience: { backoffMs: 10, ...options.resilience } });
  closers.push(adapter.close);
  return createRouterTestApp('/system/v1/billing', createBillingRouter({ billing: adapter.billing }), options);
};

const post = (app: Hono<AppEnv>, path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const expectProblem = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const text = await res.text();
  const body = ProblemSchema.parse(JSON.parse(text));
  expect(body).toMatchObject({ status, code, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return { body, text };
};

/** Vendor words that must never reach a client: Stripe's error types, messages and ids, seeded PII, the HTML page. */
const VENDOR_TEXT = /api_error|invalid_request_error|rate_limit|[Ss]tripe|sandbox fault|req_[A-Za-z0-9]{14}|[Gg]lobex|<html|maintenance/;
const BASE = '/system/v1/billing';
const GLOBEX = 'cus_QGlobex0000001';
let counter = 0;
const uniqueRef = () => `rt-${Date.now().toString(36)}-${counter++}`;

describe('billing system routes', () => {
  describe('GET /customers/{customerId} (getBillingCustomer)', () => {
    it('when the customer exists, answers 200 with a body that validates against BillingCustomer', async () => {
      const res = await createTestBillingApp().request(`${BASE}/customers/${GLOBEX}`);
      expect(res.status).toBe(200);
      expect(BillingCustomerSchema.parse(await res.json())).toMatchObject({ id: GLOBEX, name: 'Globex GmbH', currency: 'EUR' });
    });

    it('when the customer does not exist, answers 404 problem', async () => {
      await expectProblem(await createTestBillingApp().request(`${BASE}/customers/cus_NoSuchCustomer01`), 404, 'billing.customer_not_found');
    });

    it.each(['%2E%2E%2Fcus_QGlobex0000001', 'cus_QGlobex0000001%3Fexpand%5B%5D%3Dx', 'a'.repeat(65), 'cus%20x'])(
      'when the id is %s, answers 422 naming the parameter, without a vendor call',
      async (id) => {
        const { body } = await expectProblem(await createTestBillingApp().request(`${BASE}/customers/${id}`), 422, 'http.validation');
        expect(body.errors).toEqual([{ parameter: 'customerId', detail: expect.any(String) }]);
        expect((await sandbox.stats()).total).toBe(0);
      },
    );
  });

  describe('POST /customers (createBillingCustomer)', () => {
    it('answers 201 with the customer and its Location; a retry with the same externalRef answers the same customer', async () => {
      const app = createTestBillingApp();
      const input = { name: 'Route Test GmbH', email: 'billing@route.example', currency: 'EUR', externalRef: uniqueRef() };
      const res = await post(app, `${BASE}/customers`, input);
      expect(res.status).toBe(201);
      const created = BillingCustomerSchema.parse(await res.json());
      expect(created).toMatchObject({ name: input.name, currency: 'EUR', externalRef: input.externalRef });
      expect(res.headers.get('location')).toBe(`${BASE}/customers/${created.id}`);
      const again = await post(app, `${BASE}/customers`, input);
      expect(again.status).toBe(201);
      expect(((await again.json()) as { id: string }).id).toBe(created.id);
    });

    it.each([
      ['without externalRef', { name: 'X' }, '/externalRef'],
      ['with an unknown field', { name: 'X', externalRef: 'r1', vat: 'DE1' }, '/vat'],
      ['with a reference that is not a plain token', { name: 'X', externalRef: "x' OR 1" }, '/externalRef'],
    ])('when the body is %s, answers 422 without a vendor call', async (_case, body, pointer) => {
      const { body: problem } = await expectProblem(await post(createTestBillingApp(), `${BASE}/customers`, body), 422, 'http.validation');
      expect(problem.errors?.[0]?.pointer ?? '').toBe(pointer);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the reference was used with other data, answers 409 conflict', async () => {
      // Stripe's Search has not caught up yet, so the second request reaches Stripe with the same key and other data.
      const lagging = await serveStripeSandbox({ searchLagMs: 60_000 });
      closers.push(lagging.close);
      const laggingApp = createTestBillingApp({ sandboxUrl: lagging.baseUrl });
      const ref = uniqueRef();
      expect((await post(laggingApp, `${BASE}/customers`, { name: 'First', externalRef: ref })).status).toBe(201);
      await expectProblem(await post(laggingApp, `${BASE}/customers`, { name: 'Second', externalRef: ref }), 409, 'billing.invalid_state');
    });
  });

  describe('subscriptions', () => {
    it('POST /subscriptions answers 201 with the subscription; GET reads it; it is listed under its customer', async () => {
      const app = createTestBillingApp();
      const input = { customerId: GLOBEX, planId: 'strata-enterprise-monthly', quantity: 12, termMonths: 12, externalRef: uniqueRef() };
      const res = await post(app, `${BASE}/subscriptions`, input);
      expect(res.status).toBe(201);
      const created = SubscriptionSchema.parse(await res.json());
      expect(created).toMatchObject({ customerId: GLOBEX, planId: input.planId, quantity: 12, status: 'active', mrr: { amountMinor: 12 * 45_00, currency: 'EUR' } });
      expect(res.headers.get('location')).toBe(`${BASE}/subscriptions/${created.id}`);

      const read = await app.request(`${BASE}/subscriptions/${created.id}`);
      expect(SubscriptionSchema.parse(await read.json())).toEqual(created);
      const list = await app.request(`${BASE}/customers/${GLOBEX}/subscriptions?limit=10`);
      expect(z.array(SubscriptionSchema).parse(await list.json()).map((s) => s.id)).toContain(created.id);
    });

    it('POST /subscriptions with an unknown plan answers 422 billing.plan_not_found; with an unknown customer 404', async () => {
      const app = createTestBillingApp();
      await expectProblem(await post(app, `${BASE}/subscriptions`, { customerId: GLOBEX, planId: 'strata-platinum', quantity: 1, termMonths: 12, externalRef: uniqueRef() }), 422, 'billing.plan_not_found');
      await expectProblem(
        await post(app, `${BASE}/subscriptions`, { customerId: 'cus_NoSuchCustomer01', planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, externalRef: uniqueRef() }),
        404,
        'billing.customer_not_found',
      );
    });

    it('POST /subscriptions refuses a term the contract does not offer (422) without a vendor call', async () => {
      const { body } = await expectProblem(
        await post(createTestBillingApp(), `${BASE}/subscriptions`, { customerId: GLOBEX, planId: 'strata-pro-monthly', quantity: 1, termMonths: 7, externalRef: uniqueRef() }),
        422,
        'http.validation',
      );
      expect(body.errors?.[0]?.pointer).toBe('/termMonths');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('POST /subscriptions/{id}/cancel at term end keeps it active without a renewal; cancelling now ends it; both are idempotent', async () => {
      const app = createTestBillingApp();
      const id = 'sub_QWayne0000001';
      const atEnd = await post(app, `${BASE}/subscriptions/${id}/cancel`, { atTermEnd: true });
      expect(atEnd.status).toBe(200);
      const ending = SubscriptionSchema.parse(await atEnd.json());
      expect(ending).toMatchObject({ status: 'active', cancelAtTermEnd: true });
      expect(ending.renewsOn).toBeUndefined();
      const now = await post(app, `${BASE}/subscriptions/${id}/cancel`, { atTermEnd: false });
      expect(SubscriptionSchema.parse(await now.json())).toMatchObject({ status: 'cancelled' });
      const again = await post(app, `${BASE}/subscriptions/${id}/cancel`, { atTermEnd: false });
      expect(again.status).toBe(200);
    });

    it.each([
      ['no body field', {}],
      ['a string instead of a boolean', { atTermEnd: 'yes' }],
      ['an extra field', { atTermEnd: true, reason: 'too expensive' }],
    ])('POST /subscriptions/{id}/cancel with %s answers 422 without a vendor call', async (_case, body) => {
      await expectProblem(await post(createTestBillingApp(), `${BASE}/subscriptions/sub_QWayne0000001/cancel`, body), 422, 'http.validation');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('an unknown subscription answers 404 on read and on cancel', async () => {
      const app = createTestBillingApp();
      await expectProblem(await app.request(`${BASE}/subscriptions/sub_NoSuchSubscription`), 404, 'billing.subscription_not_found');
      await expectProblem(await post(app, `${BASE}/subscriptions/sub_NoSuchSubscription/cancel`, { atTermEnd: false }), 404, 'billing.subscription_not_found');
    });

    it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['status=all']])('GET /customers/{id}/subscriptions?%s answers 422 without a vendor call (B6)', async (query) => {
      await expectProblem(await createTestBillingApp().request(`${BASE}/customers/${GLOBEX}/subscriptions?${query}`), 422, 'http.validation');
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('GET /customers/{customerId}/invoices (listBillingInvoices)', () => {
    it('answers the newest invoices first, at most `limit` (default 20), validating against BillingInvoice[]', async () => {
      const app = createTestBillingApp();
      const res = await app.request(`${BASE}/customers/cus_QInitech000001/invoices?limit=3`);
      expect(res.status).toBe(200);
      const invoices = z.array(BillingInvoiceSchema).parse(await res.json());
      expect(invoices).toHaveLength(3);
      expect(invoices[0]).toMatchObject({ status: 'open', paymentStatus: 'payment_failed' });
      await sandbox.resetStats();
      await app.request(`${BASE}/customers/${GLOBEX}/invoices`);
      expect((await sandbox.requests()).find((r) => r.path === '/v1/invoices')?.query?.limit).toBe('20');
    });

    it('when the customer does not exist, answers 404 problem', async () => {
      await expectProblem(await createTestBillingApp().request(`${BASE}/customers/cus_NoSuchCustomer01/invoices`), 404, 'billing.customer_not_found');
    });
  });

  describe('vendor failures', () => {
    it('when Stripe keeps failing with 500, answers 502 upstream-error naming the domain, with no vendor text', async () => {
      await sandbox.addFault({ fault: 'error500', pathPattern: '/v1/customers/' });
      const { body, text } = await expectProblem(await createTestBillingApp().request(`${BASE}/customers/${GLOBEX}`), 502, 'vendor.error');
      expect(body).toMatchObject({ type: 'https://strata.dev/problems/upstream-error', vendor: 'billing' });
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when Stripe sends an HTML page with 200, answers 502 upstream-invalid-response with no vendor text', async () => {
      await sandbox.addFault({ fault: 'html', pathPattern: '/v1/invoices' });
      const { text } = await expectProblem(await createTestBillingApp().request(`${BASE}/customers/${GLOBEX}/invoices`), 502, 'vendor.invalid_response');
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when Stripe does not answer within the deadline, answers 504 in time, with no vendor text', async () => {
      await sandbox.addFault({ fault: 'timeout', pathPattern: '/v1/subscriptions' });
      const app = createTestBillingApp({ deadlineMs: 1_000, resilience: { attemptTimeoutMs: 250, responseReserveMs: 100 } });
      const started = performance.now();
      const res = await app.request(`${BASE}/subscriptions/sub_QGlobex0000001`);
      expect(performance.now() - started).toBeLessThanOrEqual(1_000);
      const { text } = await expectProblem(res, 504, 'vendor.timeout');
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when Stripe answers 429 with Retry-After: 30, answers 503 with Retry-After: 30 (not 429)', async () => {
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: '/v1/customers/', retryAfter: 30 });
      const res = await createTestBillingApp().request(`${BASE}/customers/${GLOBEX}`);
      await expectProblem(res, 503, 'vendor.rate_limited');
      expect(res.headers.get('retry-after')).toBe('30');
    });
  });

  describe('OpenAPI', () => {
    it('declares billing:read on every read and billing:write on every write, with the contract operation ids', () => {
      const doc = createBillingRouter({ billing: {} as never }).getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
      const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { operationId: string; security: Record<string, string[]>[] }>).map(([method, op]) => ({ path, method, op })),
      );
      expect(ops.map((o) => o.op.operationId).sort()).toEqual(
        ['cancelSubscription', 'createBillingCustomer', 'createSubscription', 'getBillingCustomer', 'getSubscription', 'listBillingInvoices', 'listSubscriptions'].sort(),
      );
      for (const { method, op } of ops) expect(op.security).toEqual([{ oauth2: [method === 'get' ? 'billing:read' : 'billing:write'] }]);
    });
  });
});
