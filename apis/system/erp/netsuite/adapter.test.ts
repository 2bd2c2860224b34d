import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES, seedLedger } from '../../../../shared/sandbox/seed-companies.js';
import { NS_TOKEN_PATH } from '../../../../openapi/vendors/netsuite/types.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, PaymentSchema } from '../contract.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { createNetsuiteErpAdapter } from './adapter.js';
import { sandboxNetsuiteConfig } from './config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import { callCtx, sandboxAdapter } from './test-support.js';

// One clock for the adapter and the sandbox: dates are deterministic and token expiry can be moved.
const clock = createManualClock(Date.parse('2026-11-01T08:00:00Z'));
let sandbox: NetsuiteSandboxHandle;
let adapter: ReturnType<typeof sandboxAdapter>;

beforeAll(async () => {
  sandbox = await serveNetsuiteSandbox({ clock });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  clock.set(Date.parse('2026-11-01T08:00:00Z'));
  await sandbox.reset();
  adapter = sandboxAdapter(sandbox.baseUrl, clock);
});
afterEach(() => adapter.close());

const ctx = () => callCtx(clock);
const tokenRequests = async () => (await sandbox.stats()).byPath[NS_TOKEN_PATH] ?? 0;

describe('NetSuite ERP adapter (against the sandbox over HTTP)', () => {
  describe('getCustomer', () => {
    it('when the customer exists, maps every field of the record to the canonical customer', async () => {
      const result = await adapter.erp.getCustomer('8812', ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(ErpCustomerSchema.parse(result.value)).toEqual({
        id: '8812',
        legalName: 'Globex GmbH',
        email: 'accounts@globex.example',
        phone: '+49 30 901820',
        taxId: 'DE811907980',
        currency: 'EUR',
        status: 'active',
        billingAddress: { line1: 'Friedrichstraße 68', city: 'Berlin', postalCode: '10117', country: 'DE' },
        updatedAt: '2026-10-20T09:14:00.000Z',
      });
    });

    it.each(SEED_COMPANIES.map((s) => [s.netsuiteCustomerId, s] as const))('when customer %s is read, it agrees with the seed company', async (id, seed) => {
      const result = await adapter.erp.getCustomer(id, ctx());
      expect(result.ok && result.value).toMatchObject({ legalName: seed.legalName, currency: seed.currency, taxId: seed.taxId, billingAddress: { country: seed.country } });
    });

    it('when the customer does not exist, answers erp.customer_not_found', async () => {
      expect(await adapter.erp.getCustomer('424242', ctx())).toEqual({ ok: false, error: { code: 'erp.customer_not_found', retryable: false } });
    });
  });

  describe('getCreditProfile', () => {
    it('when the figures are read, converts decimals to minor units and stamps asOf from the clock', async () => {
      const result = await adapter.erp.getCreditProfile('8812', ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(CreditProfileSchema.parse(result.value)).toEqual({
        customerId: '8812',
        creditLimit: { amountMinor: 50_000_00, currency: 'EUR' },
        openReceivables: { amountMinor: 12_500_00, currency: 'EUR' },
        overdueReceivables: { amountMinor: 0, currency: 'EUR' },
        unbilledOrders: { amountMinor: 4_000_00, currency: 'EUR' },
        daysOverdue: 0,
        onCreditHold: false,
        asOf: '2026-11-01T08:00:00.000Z',
      });
    });

    it.each([
      ['8812', false, 'AUTO, within limit, not overdue'],
      ['8813', true, 'AUTO, 42 days overdue (> 30 grace days)'],
      ['8814', true, 'override ON'],
      ['8815', false, 'AUTO, nothing owed'],
      ['8816', false, 'override OFF'],
    ])('when customer %s is read, onCreditHold is %s (%s)', async (id, hold) => {
      const seed = SEED_COMPANIES.find((s) => s.netsuiteCustomerId === id)!;
      const ledger = seedLedger(seed, clock.now());
      const result = await adapter.erp.getCreditProfile(id, ctx());
      expect(result.ok && result.value).toMatchObject({
        onCreditHold: hold,
        creditLimit: { amountMinor: seed.credit.limitMinor, currency: seed.currency },
        openReceivables: { amountMinor: ledger.balanceMinor },
        overdueReceivables: { amountMinor: ledger.overdueMinor },
        unbilledOrders: { amountMinor: seed.credit.unbilledMinor },
        daysOverdue: ledger.daysOverdue,
      });
    });
  });

  describe('listInvoices', () => {
    it('when the customer has open invoices, returns them oldest due first with status and aging from the due date', async () => {
      // Seeded invoice dates are relative to the sandbox clock (2026-11-01 here).
      const result = await adapter.erp.listInvoices('8812', { status: 'open', limit: 20 }, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.map((i) => InvoiceSchema.parse(i))).toEqual([
        {
          id: '40000',
          number: 'INV-10422',
          issuedOn: '2026-10-11',
          dueOn: '2026-11-10',
          total: { amountMinor: 7_500_00, currency: 'EUR' },
          amountDue: { amountMinor: 7_500_00, currency: 'EUR' },
          status: 'open',
          daysOverdue: 0,
          agingBucket: 'current',
        },
        {
          id: '40001',
          number: 'INV-10488',
          issuedOn: '2026-10-29',
          dueOn: '2026-11-28',
          total: { amountMinor: 5_000_00, currency: 'EUR' },
          amountDue: { amountMinor: 5_000_00, currency: 'EUR' },
          status: 'open',
          daysOverdue: 0,
          agingBucket: 'current',
        },
      ]);
    });

    it('when a customer has an invoice 42 days overdue, it is overdue in the 31-60 bucket, and open lists only unpaid ones', async () => {
      const result = await adapter.erp.listInvoices('8813', { status: 'open', limit: 20 }, ctx());
      expect(result.ok && result.value.map((i) => [i.number, i.status, i.daysOverdue, i.agingBucket])).toEqual([
        ['INV-10301', 'overdue', 42, '31-60'],
        ['INV-10455', 'open', 0, 'current'],
      ]);
    });

    it('when paid invoices are asked for, returns the seeded paid invoice: nothing due, current', async () => {
      const result = await adapter.erp.listInvoices('8812', { status: 'paid', limit: 20 }, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.map((i) => InvoiceSchema.parse(i))).toEqual([
        {
          id: '40050',
          number: 'INV-10200',
          issuedOn: '2026-09-17',
          dueOn: '2026-10-17',
          total: { amountMinor: 5_400_00, currency: 'EUR' },
          amountDue: { amountMinor: 0, currency: 'EUR' },
          status: 'paid',
          daysOverdue: 0,
          agingBucket: 'current',
        },
      ]);
    });

    it('when all invoices are asked for, returns paid and unpaid ones together, oldest due first', async () => {
      const result = await adapter.erp.listInvoices('8812', { status: 'all', limit: 20 }, ctx());
      expect(result.ok && result.value.map((i) => [i.number, i.status])).toEqual([
        ['INV-10200', 'paid'],
        ['INV-10422', 'open'],
        ['INV-10488', 'open'],
      ]);
      const query = (await sandbox.requests()).filter((r) => r.path.endsWith('/suiteql')).map((r) => JSON.parse(r.body!).q as string);
      expect(query[0]).not.toMatch(/foreignamountunpaid\s*[>=]/);
    });

    it('when a limit is given, asks SuiteQL for that page size only', async () => {
      const result = await adapter.erp.listInvoices('8812', { status: 'open', limit: 1 }, ctx());
      expect(result.ok && result.value.map((i) => i.number)).toEqual(['INV-10422']);
      const query = (await sandbox.requests()).find((r) => r.path.endsWith('/suiteql'));
      expect(query?.query).toEqual({ limit: '1', offset: '0' });
    });

    it('when a caller passes a limit over the maximum, the vendor is still asked for at most 100', async () => {
      await adapter.erp.listInvoices('8812', { status: 'open', limit: 100_000 }, ctx());
      expect((await sandbox.requests()).find((r) => r.path.endsWith('/suiteql'))?.query.limit).toBe('100');
    });

    it('when the customer exists but owes nothing, returns an empty list', async () => {
      expect(await adapter.erp.listInvoices('8815', { status: 'open', limit: 20 }, ctx())).toEqual({ ok: true, value: [] });
    });

    it('when the customer does not exist, answers erp.customer_not_found', async () => {
      const result = await adapter.erp.listInvoices('424242', { status: 'open', limit: 20 }, ctx());
      expect(result.ok || result.error.code).toBe('erp.customer_not_found');
    });
  });

  describe('listPayments', () => {
    it('when the customer has paid, returns the payment with the invoice it was applied to, newest first', async () => {
      const result = await adapter.erp.listPayments('8812', { limit: 10 }, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.map((p) => PaymentSchema.parse(p))).toEqual([
        { id: '45000', number: 'PYMT-20400', receivedOn: '2026-10-14', amount: { amountMinor: 5_400_00, currency: 'EUR' }, method: 'EFT', appliedToInvoiceIds: ['40050'] },
      ]);
      const paid = await adapter.erp.listInvoices('8812', { status: 'paid', limit: 5 }, ctx());
      expect(paid.ok && paid.value.map((i) => i.id)).toEqual(result.value[0]!.appliedToInvoiceIds);
    });

    it.each(SEED_COMPANIES.map((s) => [s.netsuiteCustomerId, s] as const))('when customer %s is read, its payment is one month of its subscription in its currency', async (id, seed) => {
      const result = await adapter.erp.listPayments(id, { limit: 10 }, ctx());
      expect(result.ok && result.value.map((p) => p.amount)).toEqual([{ amountMinor: seed.subscription.quantity * seed.subscription.unitPriceMinor, currency: seed.currency }]);
    });

    it('when the customer does not exist, answers erp.customer_not_found', async () => {
      expect(await adapter.erp.listPayments('424242', { limit: 10 }, ctx())).toEqual({ ok: false, error: { code: 'erp.customer_not_found', retryable: false } });
    });
  });

  describe('ids that are not NetSuite internal ids (RELIABILITY.md B7)', () => {
    const hostile = ['../8812', '8812/../8813', '..%2F8812', '%2e%2e', '8812?fields=id', '8812 OR 1=1', '8812#x', 'abc', '1234567890123', '', ' 8812'];

    it.each(hostile)('when the id is %j, answers erp.customer_not_found without any vendor call', async (id) => {
      const results = await Promise.all([
        adapter.erp.getCustomer(id, ctx()),
        adapter.erp.getCreditProfile(id, ctx()),
        adapter.erp.listInvoices(id, { status: 'open', limit: 5 }, ctx()),
        adapter.erp.listPayments(id, { limit: 5 }, ctx()),
      ]);
      for (const result of results) expect(result).toEqual({ ok: false, error: { code: 'erp.customer_not_found', retryable: false } });
      expect((await sandbox.stats()).total).toBe(0);
    });

    it.each(hostile)('when the order id is %j, answers erp.order_not_found without any vendor call', async (id) => {
      expect(await adapter.erp.getSalesOrder(id, ctx())).toEqual({ ok: false, error: { code: 'erp.order_not_found', retryable: false } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('outbound budget (NetSuite concurrency governance)', () => {
    it('when a budget is given, every vendor request takes a slot and gives it back', async () => {
      const budget = { acquired: 0, released: 0, vendors: new Set<string>() };
      const counting: OutboundBudget = {
        async acquire(vendor) {
          budget.acquired++;
          budget.vendors.add(vendor);
          return { ok: true, value: { release: () => void budget.released++ } };
        },
      };
      const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
      try {
        const erp = createNetsuiteErpAdapter(sandboxNetsuiteConfig(sandbox.baseUrl), { http, clock, budget: counting });
        expect((await erp.listPayments('8812', { limit: 5 }, ctx())).ok).toBe(true);
      } finally {
        await http.close();
      }
      expect(budget).toEqual({ acquired: (await sandbox.stats()).total, released: (await sandbox.stats()).total, vendors: new Set(['netsuite']) });
    });

    it('when the budget is spent, answers vendor.rate_limited without calling NetSuite', async () => {
      const spent: OutboundBudget = { acquire: async () => ({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: 1 } }) };
      const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
      try {
        const erp = createNetsuiteErpAdapter(sandboxNetsuiteConfig(sandbox.baseUrl), { http, clock, budget: spent });
        expect(await erp.getCustomer('8812', ctx())).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: 1, vendor: 'erp' } });
      } finally {
        await http.close();
      }
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('OAuth token', () => {
    it('when many calls run, concurrently and in sequence, one token request serves them all', async () => {
      await Promise.all([adapter.erp.getCustomer('8812', ctx()), adapter.erp.getCreditProfile('8813', ctx()), adapter.erp.listInvoices('8814', { status: 'open', limit: 5 }, ctx())]);
      for (const id of ['8812', '8813', '8814', '8815']) expect((await adapter.erp.getCreditProfile(id, ctx())).ok).toBe(true);
      expect(await tokenRequests()).toBe(1);
      expect((await sandbox.stats()).total).toBe(8);
    });

    it('when the token nears its expiry, a new one is requested before it is used', async () => {
      await adapter.erp.getCustomer('8812', ctx());
      clock.advance(3_600_000 - 30_000); // inside the refresh margin
      expect((await adapter.erp.getCustomer('8812', ctx())).ok).toBe(true);
      expect(await tokenRequests()).toBe(2);
    });

    it('when NetSuite answers 401 to a cached token, refreshes once and retries the call', async () => {
      expect((await adapter.erp.getCustomer('8812', ctx())).ok).toBe(true);
      await sandbox.revokeTokens();
      expect((await adapter.erp.getCustomer('8812', ctx())).ok).toBe(true);
      const stats = await sandbox.stats();
      expect(stats.byPath[NS_TOKEN_PATH]).toBe(2);
      expect(stats.byPath['/services/rest/record/v1/customer/8812']).toBe(3); // ok, 401, ok
    });

    it('when the token endpoint rejects the assertion, answers vendor.error and logs only the OAuth error code', async () => {
      const stranger = sandboxAdapter(sandbox.baseUrl, clock, { config: { certificateId: 'revoked-certificate' } });
      try {
        expect(await stranger.erp.getCustomer('8812', ctx())).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
        expect(stranger.logs()).toContain('"oauthError":"invalid_client"');
        expect((await sandbox.stats()).byPath['/services/rest/record/v1/customer/8812']).toBeUndefined();
      } finally {
        await stranger.close();
      }
    });
  });
});
