import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { STRIPE_API_VERSION } from '../../../../openapi/vendors/stripe/types.js';
import { idempotencyKeyFor } from './adapter.js';
import { parseStripeForm } from './form.js';
import { sandboxStripeAdapter, serveStripeSandbox, type StripeSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import { coerceFormValue, loadStripeSpec, undeclaredKeys } from './spec-schema.js';

// The vendor's own description of these operations: Stripe's OpenAPI spec3 (MIT), API 2023-08-16,
// held in openapi/vendors/stripe. A field Stripe changes breaks this file, not a user.
const spec = loadStripeSpec();
const GLOBEX = 'cus_QGlobex0000001';
const UMBRELLA_SUB = 'sub_QUmbrella00001';
const WAYNE_SUB = 'sub_QWayne0000001';
const baseName = (key: string) => key.replace(/\[.*$/, '');
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const lastMonth = () => new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);

describe('Stripe conformance with the held OpenAPI spec', () => {
  let sandbox: StripeSandboxHandle;
  let requests: readonly RecordedRequest[];
  const ref = `conf-${Date.now().toString(36)}`;

  beforeAll(async () => {
    sandbox = await serveStripeSandbox();
    // Every port operation, with the paths a real run takes: found, not found, created, replayed, cancelled both ways.
    const { billing, close } = sandboxStripeAdapter(sandbox.baseUrl, { config: { pageSize: 2 } });
    const ctx = () => testCallContext();
    const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
      if (!r.ok) throw new Error(`setup call failed: ${r.error.code}`);
      return r.value;
    };
    must(await billing.getCustomer(GLOBEX, ctx()));
    await billing.getCustomer('cus_NoSuchCustomer01', ctx());
    must(await billing.listSubscriptions(GLOBEX, { limit: 5 }, ctx()));
    must(await billing.listInvoices(GLOBEX, { limit: 5 }, ctx())); // pageSize 2: three pages with starting_after
    must(await billing.getSubscription(UMBRELLA_SUB, ctx()));
    const customer = must(await billing.createCustomer({ name: 'Conformance AG', email: 'billing@conformance.example', currency: 'EUR', externalRef: ref }, ctx()));
    const sub = must(await billing.createSubscription({ customerId: customer.id, planId: 'strata-pro-monthly', quantity: 3, termMonths: 12, externalRef: `${ref}-a` }, ctx()));
    must(await billing.createSubscription({ customerId: customer.id, planId: 'strata-pro-monthly', quantity: 1, termMonths: 1, startOn: tomorrow(), externalRef: `${ref}-b` }, ctx()));
    must(await billing.createSubscription({ customerId: customer.id, planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, startOn: lastMonth(), externalRef: `${ref}-c` }, ctx()));
    must(await billing.cancelSubscription(sub.id, { atTermEnd: true }, ctx())); // term outlasts the period: cancel_at
    must(await billing.cancelSubscription(WAYNE_SUB, { atTermEnd: true }, ctx())); // term ends with the period: cancel_at_period_end
    must(await billing.cancelSubscription(sub.id, { atTermEnd: false }, ctx())); // DELETE
    await close();
    requests = await sandbox.requests();
  });
  afterAll(() => sandbox.close());

  describe("the adapter's requests", () => {
    it('each matches an operation of the spec by method and path template, and together they use the operations the port needs', () => {
      const used = requests.map((r) => spec.operationFor(r.method, r.path)?.op.operationId);
      expect(used).not.toContain(undefined);
      expect(new Set(used)).toEqual(
        new Set([
          'GetCustomersCustomer',
          'GetCustomersSearch',
          'PostCustomers',
          'GetSubscriptions',
          'GetSubscriptionsSearch',
          'PostSubscriptions',
          'GetSubscriptionsSubscriptionExposedId',
          'PostSubscriptionsSubscriptionExposedId',
          'DeleteSubscriptionsSubscriptionExposedId',
          'GetInvoices',
        ]),
      );
    });

    it('send only query parameters the operation declares, with values its schemas accept, and every required one', () => {
      for (const request of requests) {
        const { op, template } = spec.operationFor(request.method, request.path)!;
        const declared = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
        for (const key of request.queryKeys) expect(declared.has(baseName(key)), `${request.method} ${template} ?${key}`).toBe(true);
        for (const [name, param] of declared) {
          const value = request.query?.[name];
          if (param.required) expect(value, `${template} requires ?${name}`).toBeDefined();
          if (value === undefined) continue;
          expect(undeclaredKeys(value, param.schema, spec.root), `${template} ?${name}`).toEqual([]);
          const issues = spec.validate(param.schema, coerceFormValue(value, param.schema, spec.root));
          expect(issues, `${request.method} ${template} ?${name}`).toEqual([]);
        }
      }
    });

    it('send form bodies (application/x-www-form-urlencoded, bracket notation) whose fields the operation declares and whose values its schema accepts', () => {
      const withBody = requests.filter((r) => r.formKeys.length > 0);
      expect(withBody.map((r) => r.method).sort()).toEqual(['DELETE', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST']);
      for (const request of withBody) {
        const { op, template } = spec.operationFor(request.method, request.path)!;
        const content = op.requestBody!.content;
        expect(Object.keys(content)).toContain(request.contentType);
        const schema = content[request.contentType!]!.schema as { properties: Record<string, unknown>; required?: string[] };
        for (const key of request.formKeys) expect(Object.keys(schema.properties), `${request.method} ${template} ${key}`).toContain(baseName(key));
        for (const name of schema.required ?? []) expect(request.form?.[name], `${template} requires ${name}`).toBeDefined();
        expect(undeclaredKeys(request.form, schema as never, spec.root), `${request.method} ${template}`).toEqual([]); // nested names too
        const issues = spec.validate(schema, coerceFormValue(request.form!, schema, spec.root));
        expect(issues, `${request.method} ${template}`).toEqual([]);
      }
    });

    it('create a subscription with items[0][price], items[0][quantity], metadata[…] and expand[] on the wire', () => {
      const create = requests.find((r) => r.method === 'POST' && r.path === '/v1/subscriptions')!;
      expect(create.formKeys).toEqual(expect.arrayContaining(['customer', 'items[0][price]', 'items[0][quantity]', 'metadata[external_ref]', 'metadata[term_months]', 'expand[]']));
      expect(create.form).toMatchObject({ items: [{ price: 'strata-pro-monthly', quantity: '3' }], metadata: { external_ref: `${ref}-a`, term_months: '12' }, currency: 'eur' });
      const search = requests.find((r) => r.path === '/v1/customers/search')!;
      expect(search.query?.query).toBe(`metadata['external_ref']:'${ref}'`);
      const page2 = requests.filter((r) => r.path === '/v1/invoices');
      expect(page2.map((r) => r.query?.starting_after === undefined)).toEqual([true, false, false]);
    });

    it('authenticate with the Bearer scheme the spec declares, pin Stripe-Version to the spec version, and send Idempotency-Key exactly on creates', () => {
      expect(spec.securitySchemes).toHaveProperty('bearerAuth');
      expect(STRIPE_API_VERSION).toBe(spec.version);
      for (const request of requests) {
        expect(request.auth).toBe('bearer');
        expect(request.stripeVersion).toBe(spec.version);
        const create = request.method === 'POST' && (request.path === '/v1/customers' || request.path === '/v1/subscriptions');
        expect(request.idempotencyKey !== undefined, `${request.method} ${request.path}`).toBe(create);
      }
      const keys = requests.filter((r) => r.idempotencyKey).map((r) => r.idempotencyKey);
      expect(keys).toEqual([idempotencyKeyFor('customer', ref), idempotencyKeyFor('subscription', `${ref}-a`), idempotencyKeyFor('subscription', `${ref}-b`), idempotencyKeyFor('subscription', `${ref}-c`)]);
    });

    it('cancel at term end with cancel_at_period_end when the term ends with the period, with cancel_at otherwise, and cancel now with DELETE', () => {
      const updates = requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/subscriptions/'));
      expect(updates.find((r) => r.path.endsWith(WAYNE_SUB))?.form).toMatchObject({ cancel_at_period_end: 'true' });
      expect(updates.find((r) => !r.path.endsWith(WAYNE_SUB))?.form).toMatchObject({ cancel_at: expect.stringMatching(/^\d{10}$/), proration_behavior: 'none' });
      expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    });
  });

  describe("the sandbox's responses", () => {
    const expectValid = (schema: Parameters<typeof spec.validate>[0], value: unknown) => expect(spec.validate(schema, value)).toEqual([]);

    it('a customer validates against the customer schema and GET /v1/customers/{customer}', async () => {
      const res = await sandbox.stripe('GET', `/v1/customers/${GLOBEX}`);
      expect(res.status).toBe(200);
      expectValid(spec.component('customer'), res.body);
      expectValid(spec.responseSchema('GET', '/v1/customers/{customer}'), res.body);
    });

    it('a subscription, plain and with every expansion the sandbox serves, validates against the subscription schema', async () => {
      const plain = await sandbox.stripe('GET', `/v1/subscriptions/${UMBRELLA_SUB}`);
      expectValid(spec.component('subscription'), plain.body);
      const expanded = await sandbox.stripe(
        'GET',
        `/v1/subscriptions/${UMBRELLA_SUB}?expand[]=items.data.price.currency_options&expand[]=items.data.price.product&expand[]=customer&expand[]=latest_invoice`,
      );
      expect(expanded.status).toBe(200);
      expect(expanded.body.customer).toMatchObject({ object: 'customer' });
      expectValid(spec.responseSchema('GET', '/v1/subscriptions/{subscription_exposed_id}'), expanded.body);
    });

    it('lists (customers, subscriptions, invoices, with data.* expansions) validate against their operations', async () => {
      const customers = await sandbox.stripe('GET', '/v1/customers?limit=3');
      expectValid(spec.responseSchema('GET', '/v1/customers'), customers.body);
      const subs = await sandbox.stripe('GET', `/v1/subscriptions?customer=${GLOBEX}&status=all&expand[]=data.customer`);
      expectValid(spec.responseSchema('GET', '/v1/subscriptions'), subs.body);
      const invoices = await sandbox.stripe('GET', `/v1/invoices?customer=cus_QInitech000001&limit=4&expand[]=data.subscription`);
      expect(invoices.body.data).toHaveLength(4);
      expectValid(spec.responseSchema('GET', '/v1/invoices'), invoices.body);
      const one = await sandbox.stripe('GET', `/v1/invoices/${String(invoices.body.data![0]!.id)}`);
      expectValid(spec.component('invoice'), one.body);
    });

    it('search results validate against the search operations', async () => {
      const customers = await sandbox.stripe('GET', `/v1/customers/search?query=${encodeURIComponent("metadata['external_ref']:'cus_01HZX3GLOBEX'")}`);
      expect(customers.body.data).toHaveLength(1);
      expectValid(spec.responseSchema('GET', '/v1/customers/search'), customers.body);
      const subs = await sandbox.stripe('GET', `/v1/subscriptions/search?query=${encodeURIComponent("status:'active'")}&limit=2`);
      expect(subs.body).toMatchObject({ object: 'search_result', has_more: true, next_page: expect.any(String) });
      expectValid(spec.responseSchema('GET', '/v1/subscriptions/search'), subs.body);
    });

    it('writes answer the objects their operations declare (create customer, create, update and cancel subscription)', async () => {
      const customer = await sandbox.stripe('POST', '/v1/customers', { form: 'name=Spec%20Check&metadata[external_ref]=spec-check' });
      expectValid(spec.responseSchema('POST', '/v1/customers'), customer.body);
      const sub = await sandbox.stripe('POST', '/v1/subscriptions', { form: `customer=${String(customer.body.id)}&items[0][price]=strata-enterprise-annual&items[0][quantity]=2&currency=usd` });
      expect(sub.status).toBe(200);
      expectValid(spec.responseSchema('POST', '/v1/subscriptions'), sub.body);
      const updated = await sandbox.stripe('POST', `/v1/subscriptions/${String(sub.body.id)}`, { form: 'cancel_at_period_end=true' });
      expectValid(spec.responseSchema('POST', '/v1/subscriptions/{subscription_exposed_id}'), updated.body);
      const cancelled = await sandbox.stripe('DELETE', `/v1/subscriptions/${String(sub.body.id)}`);
      expect(cancelled.body.status).toBe('canceled');
      expectValid(spec.responseSchema('DELETE', '/v1/subscriptions/{subscription_exposed_id}'), cancelled.body);
    });

    it.each([
      ['404 resource_missing', 'GET', '/v1/customers/cus_NoSuchCustomer01', {}, 404],
      ['400 parameter_unknown', 'GET', '/v1/invoices?colour=blue', {}, 400],
      ['400 an unexpandable property', 'GET', `/v1/subscriptions?expand[]=data.items.data.price.currency_options`, {}, 400],
      ['401 without a key', 'GET', '/v1/customers', { authorization: '' }, 401],
      ['429 rate_limit', 'GET', '/v1/customers', { 'x-sandbox-fault': 'rate-limit' }, 429],
      ['500 api_error', 'GET', '/v1/customers', { 'x-sandbox-fault': 'error500' }, 500],
    ] as const)('errors use the error envelope: %s', async (_name, method, path, headers, status) => {
      const res = await sandbox.stripe(method, path, { headers: { ...headers } });
      expect(res.status).toBe(status);
      expectValid(spec.component('error'), res.body);
      expect(res.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
    });

    it('an idempotency conflict is the error envelope with type idempotency_error', async () => {
      const key = { 'idempotency-key': `conf-conflict-${ref}` };
      await sandbox.stripe('POST', '/v1/customers', { form: 'name=One', headers: key });
      const res = await sandbox.stripe('POST', '/v1/customers', { form: 'name=Two', headers: key });
      expect(res.status).toBe(400);
      expectValid(spec.component('error'), res.body);
      expect(res.body.error).toMatchObject({ type: 'idempotency_error' });
    });

    it('the check can fail: a subscription without its status, or with a string amount, is refused', async () => {
      const res = await sandbox.stripe('GET', `/v1/subscriptions/${UMBRELLA_SUB}`);
      const { status: _status, ...noStatus } = res.body;
      expect(spec.validate(spec.component('subscription'), noStatus)).toContainEqual({ at: '/', message: 'missing required property "status"' });
      const invoice = (await sandbox.stripe('GET', `/v1/invoices?customer=${GLOBEX}&limit=1`)).body.data![0]!;
      expect(spec.validate(spec.component('invoice'), { ...invoice, total: '120.00' }).length).toBeGreaterThan(0);
    });

    it('the request check can fail: a misspelt nested parameter or a non-integer quantity is caught', () => {
      const { op } = spec.operationFor('POST', '/v1/subscriptions')!;
      const schema = op.requestBody!.content['application/x-www-form-urlencoded']!.schema;
      const form = parseStripeForm('customer=cus_QGlobex0000001&items[0][prise]=p&items[1][price]=p&items[1][quantity]=three');
      expect(undeclaredKeys(form, schema, spec.root)).toEqual(['items[0][prise]']);
      expect(spec.validate(schema, coerceFormValue(form, schema, spec.root))).toContainEqual({ at: '/items/1/quantity', message: 'expected integer, got string' });
    });
  });
});
