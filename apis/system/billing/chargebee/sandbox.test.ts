import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import type { ChargebeeCustomer, ChargebeeInvoice, ChargebeeSubscription } from '../../../../openapi/vendors/chargebee/types.js';
import { SANDBOX_CHARGEBEE_API_KEY } from './config.js';
import { startChargebeeSandbox, type ChargebeeSandboxHandle } from './sandbox-harness.js';
import { basicAuthorization } from './wire.js';

describe('createChargebeeSandbox', () => {
  let sandbox: ChargebeeSandboxHandle;
  const auth = { authorization: basicAuthorization(SANDBOX_CHARGEBEE_API_KEY) };
  const get = async <T = unknown>(path: string, headers: Record<string, string> = auth) => {
    const res = await fetch(`${sandbox.baseUrl}/api/v2${path}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = async <T = unknown>(path: string, form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') => {
    const res = await fetch(`${sandbox.baseUrl}/api/v2${path}`, { method: 'POST', headers: { ...auth, 'content-type': contentType }, body: new URLSearchParams(form).toString() });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    sandbox = await startChargebeeSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('seeded from SEED_COMPANIES', () => {
    it.each(SEED_COMPANIES.map((c) => [c.legalName, c] as const))('%s: customer, subscription (plan, quantity, MRR, term) and invoices agree with the seed', async (_, company) => {
      const { body: c } = await get<{ customer: ChargebeeCustomer }>(`/customers/${company.vendorIds.chargebeeCustomerId}`);
      expect(c.customer).toMatchObject({ company: company.legalName, preferred_currency_code: company.currency, vat_number: company.taxId, meta_data: { strata_external_ref: company.canonicalId } });
      const { body: s } = await get<{ subscription: ChargebeeSubscription }>(`/subscriptions/${company.subscription.chargebeeSubscriptionId}`);
      expect(s.subscription).toMatchObject({
        customer_id: company.vendorIds.chargebeeCustomerId,
        currency_code: company.currency,
        mrr: company.subscription.quantity * company.subscription.unitPriceMinor,
        subscription_items: [{ item_price_id: company.subscription.planId, quantity: company.subscription.quantity }],
        contract_term: { status: 'active', action_at_term_end: 'renew' },
      });
      const now = Date.now() / 1000;
      const term = s.subscription.contract_term!;
      expect(term.contract_start).toBeLessThanOrEqual(now);
      expect(term.contract_end).toBeGreaterThan(now);
      expect(Math.floor((now - term.contract_start) / 86_400)).toBe(company.subscription.termStartedDaysAgo);
      const { body: inv } = await get<{ list: { invoice: ChargebeeInvoice }[] }>(`/invoices?customer_id[is]=${company.vendorIds.chargebeeCustomerId}&limit=100`);
      expect(inv.list.length).toBeGreaterThan(0);
      const overdue = inv.list.filter((e) => e.invoice.status === 'payment_due');
      expect(overdue.length).toBe(company.subscription.status === 'past_due' ? 1 : 0);
      expect(s.subscription.due_invoices_count).toBe(overdue.length);
    });
  });

  describe('the wire format', () => {
    it('without the API key as HTTP Basic user, answers 401 api_authentication_failed', async () => {
      for (const headers of [{}, { authorization: basicAuthorization('test_other_key') }, { authorization: 'Bearer x' }] as Record<string, string>[]) {
        const res = await get('/customers/AzZGlobex01', headers);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ api_error_code: 'api_authentication_failed' });
      }
    });

    it('pages with next_offset in a stable order until the list is exhausted', async () => {
      const ids: string[] = [];
      let offset: string | undefined;
      for (let page = 0; page < 20; page++) {
        const res = await get<{ list: { invoice: ChargebeeInvoice }[]; next_offset?: string }>(`/invoices?limit=4&sort_by[desc]=date${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
        ids.push(...res.body.list.map((e) => e.invoice.id));
        offset = res.body.next_offset;
        if (!offset) break;
      }
      const all = await get<{ list: { invoice: ChargebeeInvoice }[] }>('/invoices?limit=100&sort_by[desc]=date');
      expect(ids).toEqual(all.body.list.map((e) => e.invoice.id));
    });

    it.each([
      ['an unknown filter', '/subscriptions?customer[is]=AzZGlobex01', 'customer[is]'],
      ['a limit over 100', '/subscriptions?limit=101', 'limit'],
      ['a forged offset', '/subscriptions?offset=abc', 'offset'],
      ['an unsortable field', '/invoices?sort_by[desc]=total', 'sort_by[desc]'],
    ])('refuses %s with 400 param_wrong_value naming the parameter', async (_, path, param) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ api_error_code: 'param_wrong_value', param });
    });

    it('refuses JSON bodies and unknown form fields, and a taken id with duplicate_entry', async () => {
      expect((await post('/customers', { company: 'X' }, 'application/json')).status).toBe(400);
      expect((await post('/customers', { company: 'X', nickname: 'y' })).body).toMatchObject({ api_error_code: 'param_wrong_value', param: 'nickname' });
      expect((await post('/customers', { id: 'AzZGlobex01' })).body).toMatchObject({ api_error_code: 'duplicate_entry', param: 'id' });
    });

    it('generates a Chargebee-style id when none is given, and keeps what it created until reset', async () => {
      const created = await post<{ customer: ChargebeeCustomer }>('/customers', { company: 'Anon Ltd', meta_data: '{"strata_external_ref":"anon-1"}' });
      expect(created.body.customer.id).toMatch(/^AzZ[A-Za-z0-9]{12}$/);
      expect((await sandbox.records()).customers).toContainEqual({ id: created.body.customer.id, ref: 'anon-1' });
      await sandbox.reset();
      expect((await get(`/customers/${created.body.customer.id}`)).status).toBe(404);
      expect((await sandbox.records()).customers).toHaveLength(SEED_COMPANIES.length);
    });

    it('answers an unknown path with resource_not_found, and an unknown x-sandbox-fault with 400', async () => {
      expect((await get('/plans/old')).body).toMatchObject({ api_error_code: 'resource_not_found' });
      const res = await fetch(`${sandbox.baseUrl}/api/v2/customers/AzZGlobex01`, { headers: { ...auth, 'x-sandbox-fault': 'meteor' } });
      expect(res.status).toBe(400);
    });
  });
});
