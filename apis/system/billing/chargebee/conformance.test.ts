import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { chargebeeOperations } from '../../../../openapi/vendors/chargebee/spec.js';
import { createChargebeeBillingAdapter } from './adapter.js';
import { SANDBOX_CHARGEBEE_API_KEY, sandboxChargebeeConfig } from './config.js';
import { componentRef, operationOf, requestProblems, validateChargebee } from './conformance-support.js';
import { startChargebeeSandbox, type ChargebeeSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import { basicAuthorization } from './wire.js';

// The adapter's requests and the sandbox's responses, checked against Chargebee's own spec: the
// official v1 subset merged with the hand-written v2 delta (openapi/vendors/chargebee/README.md).
describe('Chargebee conformance with the vendor spec', () => {
  let sandbox: ChargebeeSandboxHandle;
  let requests: readonly RecordedRequest[];

  beforeAll(async () => {
    // Pages of two, so the adapter must follow next_offset.
    sandbox = await startChargebeeSandbox({ maxPageSize: 2 });
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    const billing = createChargebeeBillingAdapter(sandboxChargebeeConfig(sandbox.baseUrl), { http, clock: systemClock });
    const ctx = () => testCallContext();
    const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
      if (!r.ok) throw new Error(r.error.code);
      return r.value;
    };
    ok(await billing.getCustomer('AzZGlobex01', ctx()));
    ok(await billing.listSubscriptions('AzZWayne01', { limit: 5 }, ctx()));
    ok(await billing.listInvoices('AzZWayne01', { limit: 5 }, ctx()));
    const customer = ok(await billing.createCustomer({ name: 'Conformance AG', email: 'billing@conformance.example', currency: 'EUR', externalRef: 'conf-1' }, ctx()));
    ok(await billing.createCustomer({ name: 'Conformance AG', currency: 'EUR', externalRef: 'conf-1' }, ctx())); // duplicate_entry, then read back
    const input = { customerId: customer.id, planId: 'strata-enterprise-monthly', quantity: 3, termMonths: 12 as const, externalRef: 'conf-1-sub' };
    const sub = ok(await billing.createSubscription(input, ctx()));
    ok(await billing.createSubscription(input, ctx()));
    ok(await billing.createSubscription({ ...input, startOn: '2099-01-01', externalRef: 'conf-1-future' }, ctx()));
    ok(await billing.getSubscription(sub.id, ctx()));
    ok(await billing.cancelSubscription(sub.id, { atTermEnd: true }, ctx()));
    ok(await billing.cancelSubscription(sub.id, { atTermEnd: false }, ctx()));
    await http.close();
    requests = await sandbox.requests();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe("the adapter's requests", () => {
    it('each is an operation of the spec by method and path template, under /api/v2, with HTTP Basic', () => {
      const used = requests.map((r) => operationOf(r)?.operationId);
      expect(used).not.toContain(undefined);
      expect(new Set(used)).toEqual(
        new Set([
          'retrieve_a_customer',
          'list_subscriptions',
          'list_invoices',
          'create_a_customer',
          'retrieve_an_item_price',
          'create_subscription_for_items',
          'retrieve_a_subscription',
          'cancel_subscription_for_items',
        ]),
      );
      expect(requests.every((r) => r.basicAuth)).toBe(true);
    });

    it('send only parameters and form fields the operation declares, with values its schemas accept', () => {
      for (const request of requests) expect(requestProblems(request, operationOf(request)!), `${request.method} ${request.path}`).toEqual([]);
    });

    it('follow next_offset: a list the site pages in twos is read page after page up to the limit', () => {
      const invoicePages = requests.filter((r) => r.path === '/api/v2/invoices');
      expect(invoicePages.map((r) => r.query.limit)).toEqual(['5', '3', '1']);
      expect(invoicePages[0]!.query.offset).toBeUndefined();
      expect(invoicePages.slice(1).every((r) => typeof r.query.offset === 'string')).toBe(true);
      expect(invoicePages.every((r) => r.query['customer_id[is]'] === 'AzZWayne01' && r.query['sort_by[desc]'] === 'date')).toBe(true);
    });

    it('create subscriptions with items in bracket notation, a contract term and the deterministic id', () => {
      const create = requests.find((r) => r.path.endsWith('/subscription_for_items'))!;
      expect(Object.fromEntries(create.form!)).toMatchObject({
        id: 'strata-conf-1-sub',
        'subscription_items[item_price_id][0]': 'strata-enterprise-monthly',
        'subscription_items[quantity][0]': '3',
        billing_cycles: '12',
        'contract_term[action_at_term_end]': 'renew',
        contract_term_billing_cycle_on_renewal: '12',
        meta_data: JSON.stringify({ strata_external_ref: 'conf-1-sub' }),
      });
      const cancels = requests.filter((r) => r.path.endsWith('/cancel_for_items')).map((r) => Object.fromEntries(r.form!));
      expect(cancels).toEqual([{ contract_term_cancel_option: 'end_of_contract_term' }, { contract_term_cancel_option: 'terminate_immediately' }]);
    });
  });

  describe("the sandbox's responses", () => {
    const get = async (path: string, key = SANDBOX_CHARGEBEE_API_KEY) => {
      const res = await fetch(`${sandbox.baseUrl}/api/v2${path}`, { headers: { authorization: basicAuthorization(key) } });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const post = async (path: string, form: Record<string, string>) => {
      const res = await fetch(`${sandbox.baseUrl}/api/v2${path}`, {
        method: 'POST',
        headers: { authorization: basicAuthorization(SANDBOX_CHARGEBEE_API_KEY), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const responseSchema = (operationId: string, status: string) => chargebeeOperations().find((op) => op.operationId === operationId)!.responses[status]!;

    it.each([
      ['retrieve_a_customer', '/customers/AzZInitech01'],
      ['retrieve_a_subscription', '/subscriptions/AzZUmbrellaSub01'],
      ['retrieve_an_item_price', '/item_prices/strata-enterprise-annual'],
      ['list_subscriptions', '/subscriptions?customer_id[is]=AzZStark01&sort_by[desc]=created_at&limit=10'],
      ['list_invoices', '/invoices?customer_id[is]=AzZInitech01&sort_by[desc]=date&limit=100'],
      ['list_customers', '/customers?limit=100'],
    ])('%s answers the 200 shape of the spec (%s)', async (operationId, path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(validateChargebee(responseSchema(operationId, '200'), res.body)).toEqual([]);
    });

    it('every seeded customer, subscription and invoice is a v2 resource of the spec', async () => {
      const lists = [
        ['customer', 'Customer', await get('/customers?limit=100')],
        ['subscription', 'Subscription', await get('/subscriptions?limit=100')],
        ['invoice', 'Invoice', await get('/invoices?limit=100')],
      ] as const;
      for (const [wrapper, schema, res] of lists) {
        const entries = (res.body as { list: Record<string, unknown>[] }).list;
        expect(entries.length).toBeGreaterThan(0);
        for (const entry of entries) expect(validateChargebee(componentRef(schema), entry[wrapper]), `${schema} ${JSON.stringify(entry[wrapper]).slice(0, 60)}`).toEqual([]);
      }
    });

    it('the writes answer the 200 shapes of create_a_customer, create_subscription_for_items and cancel_subscription_for_items', async () => {
      const customer = await post('/customers', { id: 'conf-raw-1', company: 'Raw GmbH', auto_collection: 'off', preferred_currency_code: 'EUR' });
      expect(validateChargebee(responseSchema('create_a_customer', '200'), customer.body)).toEqual([]);
      const sub = await post('/customers/conf-raw-1/subscription_for_items', {
        id: 'conf-raw-1-sub',
        'subscription_items[item_price_id][0]': 'strata-pro-monthly',
        'subscription_items[quantity][0]': '2',
        billing_cycles: '12',
        'contract_term[action_at_term_end]': 'renew',
      });
      expect(validateChargebee(responseSchema('create_subscription_for_items', '200'), sub.body)).toEqual([]);
      expect(sub.body).toHaveProperty('invoice');
      const cancel = await post('/subscriptions/conf-raw-1-sub/cancel_for_items', { contract_term_cancel_option: 'terminate_immediately' });
      expect(validateChargebee(responseSchema('cancel_subscription_for_items', '200'), cancel.body)).toEqual([]);
    });

    it.each([
      ['a missing customer', () => get('/customers/NoSuchCustomer'), 'retrieve_a_customer', 404, 'resource_not_found'],
      ['a wrong API key', () => get('/customers/AzZGlobex01', 'test_wrong_key_0000'), 'retrieve_a_customer', 401, 'api_authentication_failed'],
      ['a taken id', () => post('/customers', { id: 'AzZGlobex01', company: 'Again' }), 'create_a_customer', 400, 'duplicate_entry'],
      ['an unknown item price', () => post('/customers/AzZGlobex01/subscription_for_items', { 'subscription_items[item_price_id][0]': 'nope' }), 'create_subscription_for_items', 404, 'resource_not_found'],
      ['a cancelled subscription', () => post('/subscriptions/conf-raw-1-sub/cancel_for_items', { end_of_term: 'false' }), 'cancel_subscription_for_items', 409, 'invalid_state_for_request'],
      ['a bad limit', () => get('/invoices?limit=500'), 'list_invoices', 400, 'param_wrong_value'],
    ])('errors are the spec error envelope of their status: %s', async (_, send, operationId, status, code) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(validateChargebee(responseSchema(operationId, String(status)), res.body)).toEqual([]);
      expect(res.body).toMatchObject({ api_error_code: code, http_status_code: status });
    });

    it('a fault 429 and 503 follow the envelope too', async () => {
      for (const [fault, status] of [['rate-limit', 429], ['error503', 503], ['error500', 500]] as const) {
        const res = await fetch(`${sandbox.baseUrl}/api/v2/customers/AzZGlobex01`, { headers: { authorization: basicAuthorization(SANDBOX_CHARGEBEE_API_KEY), 'x-sandbox-fault': fault } });
        expect(res.status).toBe(status);
        expect(validateChargebee(responseSchema('retrieve_a_customer', String(status)), await res.json())).toEqual([]);
      }
    });

    it('the checks can fail: a v1-shaped subscription (plan_id, no customer_id or currency) is not a v2 Subscription', () => {
      const v1 = { id: 'x', plan_id: 'p', plan_quantity: 1, status: 'active', has_scheduled_changes: false };
      const issues = validateChargebee(componentRef('Subscription'), v1).map((i) => i.message);
      expect(issues).toEqual(expect.arrayContaining(['missing required property "customer_id"', 'missing required property "currency_code"']));
      expect(requestProblems({ method: 'GET', path: '/api/v2/invoices', query: { 'customer[is]': 'x' }, basicAuth: true }, operationOf({ method: 'GET', path: '/api/v2/invoices', query: {}, basicAuth: true })!)).toEqual([
        'query customer[is] is not a parameter of list_invoices',
      ]);
    });
  });
});
