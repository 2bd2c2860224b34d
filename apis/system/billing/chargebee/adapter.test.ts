import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import type { BillingPort } from '../contract.js';
import { createChargebeeBillingAdapter } from './adapter.js';
import { SANDBOX_CHARGEBEE_API_KEY, sandboxChargebeeConfig } from './config.js';
import { startChargebeeSandbox, type ChargebeeSandboxHandle } from './sandbox-harness.js';
import { basicAuthorization, chargebeeIdFor } from './wire.js';

const ctx = () => testCallContext();
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
let n = 0;
const ref = (label: string) => `t-${label}-${process.pid}-${++n}`;

describe('createChargebeeBillingAdapter (against the sandbox)', () => {
  let sandbox: ChargebeeSandboxHandle;
  let http: HttpClient;
  let billing: BillingPort;

  beforeAll(async () => {
    sandbox = await startChargebeeSandbox({ maxPageSize: 2 });
    http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    billing = createChargebeeBillingAdapter(sandboxChargebeeConfig(sandbox.baseUrl), { http, clock: systemClock });
  });
  beforeEach(async () => {
    await sandbox.resetStats();
  });
  afterAll(async () => {
    await http.close();
    await sandbox.close();
  });

  describe('ids that cannot be Chargebee ids (RELIABILITY.md B7)', () => {
    it.each(['../AzZGlobex01', 'AzZ/Globex', '.hidden', '..', 'a'.repeat(51), 'x?limit=100', ''])('%j is not found without a vendor call', async (id) => {
      expect(code(await billing.getCustomer(id, ctx()))).toBe('billing.customer_not_found');
      expect(code(await billing.listSubscriptions(id, { limit: 5 }, ctx()))).toBe('billing.customer_not_found');
      expect(code(await billing.listInvoices(id, { limit: 5 }, ctx()))).toBe('billing.customer_not_found');
      expect(code(await billing.getSubscription(id, ctx()))).toBe('billing.subscription_not_found');
      expect(code(await billing.cancelSubscription(id, { atTermEnd: true }, ctx()))).toBe('billing.subscription_not_found');
      expect(code(await billing.createSubscription({ customerId: id, planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, externalRef: ref('b7') }, ctx()))).toBe('billing.customer_not_found');
      expect(await sandbox.requests()).toEqual([]);
    });

    it('a plan id that could climb out of the path is plan_not_found without a call', async () => {
      expect(code(await billing.createSubscription({ customerId: 'AzZGlobex01', planId: '..', quantity: 1, termMonths: 12, externalRef: ref('b7') }, ctx()))).toBe('billing.plan_not_found');
      expect(await sandbox.requests()).toEqual([]);
    });
  });

  describe('customers', () => {
    it('maps a seeded customer: company name, e-mail, preferred currency, the canonical reference from meta_data', async () => {
      expect(value(await billing.getCustomer('AzZUmbrella01', ctx()))).toEqual({
        id: 'AzZUmbrella01',
        name: 'Umbrella Corporation SAS',
        email: 'comptabilite@umbrella.example',
        currency: 'EUR',
        externalRef: 'cus_01HZX3UMBRELLA',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/),
      });
    });

    it('creates under the id derived from the reference, with auto collection off; a long reference gets a hashed id', async () => {
      const short = ref('cus');
      expect(value(await billing.createCustomer({ name: 'Short AG', externalRef: short }, ctx())).id).toBe(`strata-${short}`);
      const long = `${'x'.repeat(60)}-${n}`.slice(0, 64);
      const created = value(await billing.createCustomer({ name: 'Long AG', externalRef: long }, ctx()));
      expect(created.id).toBe(chargebeeIdFor(long));
      expect(created.id).toMatch(/^strata-h-[0-9a-f]{32}$/);
      const form = Object.fromEntries((await sandbox.requests()).find((r) => r.method === 'POST')!.form!);
      expect(form).toMatchObject({ id: `strata-${short}`, company: 'Short AG', auto_collection: 'off' });
    });

    it('a record under the derived id that carries another reference is not taken for ours: vendor.error', async () => {
      const clash = ref('clash');
      const res = await fetch(`${sandbox.baseUrl}/api/v2/customers`, {
        method: 'POST',
        headers: { authorization: basicAuthorization(SANDBOX_CHARGEBEE_API_KEY), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ id: chargebeeIdFor(clash), company: 'Someone Else Ltd' }),
      });
      expect(res.status).toBe(200);
      expect(code(await billing.createCustomer({ name: 'Mine GmbH', externalRef: clash }, ctx()))).toBe('vendor.error');
    });
  });

  describe('subscriptions', () => {
    it('creates a 12-month term on a yearly price as one billing cycle of a renewing contract term', async () => {
      const externalRef = ref('annual');
      const sub = value(await billing.createSubscription({ customerId: 'AzZUmbrella01', planId: 'strata-enterprise-annual', quantity: 4, termMonths: 12, externalRef }, ctx()));
      expect(sub).toMatchObject({ status: 'active', planId: 'strata-enterprise-annual', quantity: 4, currency: 'EUR', cancelAtTermEnd: false });
      const year = (iso: string) => Number(iso.slice(0, 4));
      expect(year(sub.currentTerm.end) - year(sub.currentTerm.start)).toBe(1);
      expect(sub.renewsOn).toBe(sub.currentTerm.end);
      const form = Object.fromEntries((await sandbox.requests()).find((r) => r.path.endsWith('/subscription_for_items'))!.form!);
      expect(form).toMatchObject({ billing_cycles: '1', contract_term_billing_cycle_on_renewal: '1' });
    });

    it('a start date in the future makes a future subscription whose term starts then', async () => {
      const sub = value(await billing.createSubscription({ customerId: 'AzZWayne01', planId: 'strata-pro-monthly', quantity: 1, termMonths: 24, startOn: '2099-03-01', externalRef: ref('future') }, ctx()));
      expect(sub).toMatchObject({ status: 'future', currentTerm: { start: '2099-03-01', end: '2101-03-01' }, renewsOn: '2101-03-01' });
    });

    it.each([
      ['an unknown item price', 'no-such-price', 12],
      ['an archived item price', 'strata-legacy-monthly', 12],
      ['a term that is not a whole number of billing periods (1 month of a yearly price)', 'strata-enterprise-annual', 1],
    ] as const)('refuses %s as billing.plan_not_found, without creating anything', async (_, planId, termMonths) => {
      const r = await billing.createSubscription({ customerId: 'AzZGlobex01', planId, quantity: 1, termMonths, externalRef: ref('plan') }, ctx());
      expect(code(r)).toBe('billing.plan_not_found');
      expect(await sandbox.count('POST')).toBe(0);
    });

    it('an unknown customer is billing.customer_not_found', async () => {
      const r = await billing.createSubscription({ customerId: 'AzZNobody01', planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, externalRef: ref('nobody') }, ctx());
      expect(code(r)).toBe('billing.customer_not_found');
    });

    it('cancelling at term end keeps the subscription active, drops renewsOn; repeating it sends no second cancel', async () => {
      const first = value(await billing.cancelSubscription('AzZUmbrellaSub01', { atTermEnd: true }, ctx()));
      expect(first).toMatchObject({ status: 'active', cancelAtTermEnd: true });
      expect(first.renewsOn).toBeUndefined();
      const again = value(await billing.cancelSubscription('AzZUmbrellaSub01', { atTermEnd: true }, ctx()));
      expect(again).toEqual(first);
      expect(await sandbox.count('cancel_for_items')).toBe(1);
      expect(code(await billing.cancelSubscription('AzZNobodySub01', { atTermEnd: true }, ctx()))).toBe('billing.subscription_not_found');
    });

    it('a customer without subscriptions lists none; an unknown one is not found', async () => {
      const customer = value(await billing.createCustomer({ name: 'Empty BV', externalRef: ref('empty') }, ctx()));
      expect(value(await billing.listSubscriptions(customer.id, { limit: 10 }, ctx()))).toEqual([]);
      expect(value(await billing.listInvoices(customer.id, { limit: 10 }, ctx()))).toEqual([]);
      expect(code(await billing.listSubscriptions('AzZNobody01', { limit: 10 }, ctx()))).toBe('billing.customer_not_found');
    });
  });

  describe('invoices', () => {
    it('follows next_offset across pages of two to the limit, newest first', async () => {
      const invoices = value(await billing.listInvoices('AzZGlobex01', { limit: 5 }, ctx()));
      expect(invoices).toHaveLength(5);
      expect([...invoices].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn))).toEqual(invoices);
      expect(new Set(invoices.map((i) => i.id)).size).toBe(5);
      expect(await sandbox.count('GET /api/v2/invoices')).toBe(3);
    });

    it("marks Initech's overdue invoice unpaid and the older ones paid, in its currency", async () => {
      const invoices = value(await billing.listInvoices('AzZInitech01', { limit: 100 }, ctx()));
      expect(invoices.every((i) => i.total.currency === 'GBP')).toBe(true);
      const overdue = invoices.filter((i) => i.status === 'open' && i.dueOn! < new Date().toISOString().slice(0, 10));
      expect(overdue).toHaveLength(1);
      expect(overdue[0]).toMatchObject({ paymentStatus: 'unpaid', amountPaid: { amountMinor: 0 }, amountDue: { amountMinor: 40 * 30_00 } });
      expect(invoices.filter((i) => i.status === 'paid').every((i) => i.amountDue.amountMinor === 0)).toBe(true);
    });
  });
});
