import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES, seedLedger, seedPaidHistory } from '../../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { BP_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import { AR_SERVICE_PATH, CREDIT_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import { SO_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import type { ErpPort } from '../contract.js';
import { SANDBOX_SAP_CREDENTIALS, type SapS4hanaConfig } from './config.js';
import { createBasicAuth } from './auth.js';
import { serveSapSandbox, type SapSandboxHandle } from './sandbox-harness.js';
import { sandboxAdapter } from './test-support.js';

const [GLOBEX, INITECH, UMBRELLA, STARK] = SEED_COMPANIES as unknown as [(typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number]];
const BASIC = `Basic ${Buffer.from(`${SANDBOX_SAP_CREDENTIALS.username}:${SANDBOX_SAP_CREDENTIALS.password}`).toString('base64')}`;
const PARTNERS = `${BP_SERVICE_PATH}/A_BusinessPartner`;

let sandbox: SapSandboxHandle;
let adapters: ReturnType<typeof sandboxAdapter>[] = [];
beforeAll(async () => {
  sandbox = await serveSapSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
});

const sap = (config: Partial<Omit<SapS4hanaConfig, 'baseUrl'>> = {}, on = sandbox) => {
  const adapter = sandboxAdapter(on.baseUrl, systemClock, { config });
  adapters.push(adapter);
  return adapter;
};
const erp = (): ErpPort => sap().erp;
const ctx = () => testCallContext();
const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const calls = async (method: string, fragment: string) => (await sandbox.requests()).filter((r) => r.method === method && r.path.includes(fragment)).length;

/** Creates a business partner directly in the sandbox, as another SAP user would (CSRF dance by hand). */
const createPartnerInSap = async (body: unknown) => {
  const fetched = await fetch(`${sandbox.baseUrl}${BP_SERVICE_PATH}/`, { headers: { authorization: BASIC, 'x-csrf-token': 'Fetch', accept: 'application/json' } });
  const cookie = fetched.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${sandbox.baseUrl}${PARTNERS}`, {
    method: 'POST',
    headers: { authorization: BASIC, 'x-csrf-token': fetched.headers.get('x-csrf-token')!, cookie, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { d: { BusinessPartner: string } }).d.BusinessPartner;
};
const readPartner = async (id: string) => ((await (await fetch(`${sandbox.baseUrl}${PARTNERS}('${id}')`, { headers: { authorization: BASIC, accept: 'application/json' } })).json()) as { d: Record<string, unknown> }).d;

describe('SAP S/4HANA ERP adapter', () => {
  describe('customers (Business Partner, OData V2)', () => {
    it('maps a business partner with its address, e-mail, phone, tax number and sales area to the canonical customer', async () => {
      expect(value(await erp().getCustomer(GLOBEX.vendorIds.sapBusinessPartner, ctx()))).toEqual({
        id: '1000812',
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

    it.each(['1000812x', '10008120000', "1' or '1", '', '../1000812'])('answers erp.customer_not_found for %j without calling SAP', async (id) => {
      expect(await erp().getCustomer(id, ctx())).toEqual({ ok: false, error: { code: 'erp.customer_not_found', retryable: false } });
      expect(await erp().listInvoices(id, { status: 'all', limit: 5 }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('answers erp.customer_not_found for a business partner without the customer role', async () => {
      const id = await createPartnerInSap({ BusinessPartnerCategory: '2', OrganizationBPName1: 'Prospect Without Customer Role', to_BusinessPartnerAddress: { results: [{ Country: 'DE' }] } });
      expect(await erp().getCustomer(id, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
    });

    it('finds by legal name in any case within a country, and not in another country', async () => {
      expect(value(await erp().findCustomers({ legalName: 'umbrella corporation sas', country: 'FR' }, ctx())).map((c) => c.id)).toEqual([UMBRELLA.vendorIds.sapBusinessPartner]);
      expect(value(await erp().findCustomers({ legalName: 'Umbrella Corporation SAS', country: 'DE' }, ctx()))).toEqual([]);
      expect(value(await erp().findCustomers({ taxId: 'fr40303265045' }, ctx())).map((c) => c.legalName)).toEqual(['Umbrella Corporation SAS']);
    });

    it('matches by external reference first: the canonical id Strata keeps in BusinessPartnerIDByExtSystem', async () => {
      const r = value(await erp().createOrMatchCustomer({ legalName: 'Initech (renamed)', country: 'GB', currency: 'GBP', externalRef: INITECH.canonicalId }, ctx()));
      expect(r).toMatchObject({ outcome: 'matched', customer: { id: INITECH.vendorIds.sapBusinessPartner } });
      expect(await calls('POST', '')).toBe(0);
      expect((await sandbox.requests()).map((r) => r.query.$filter)).toEqual([`BusinessPartnerIDByExtSystem eq '${INITECH.canonicalId.toUpperCase()}'`]);
    });

    it('matched by tax number, a partner without an external number gets the reference written back with If-Match, and is then found by it', async () => {
      const input = { legalName: 'Stark Industries', country: 'US', currency: 'USD', taxId: STARK.taxId, externalRef: STARK.canonicalId } as const;
      expect(value(await erp().createOrMatchCustomer(input, ctx()))).toMatchObject({ outcome: 'matched', customer: { id: STARK.vendorIds.sapBusinessPartner } });
      const patch = (await sandbox.requests()).find((r) => r.method === 'PATCH')!;
      expect(patch).toMatchObject({ path: `${PARTNERS}('1000815')`, headers: { 'if-match': expect.stringMatching(/^W\/"datetimeoffset'/) } });
      expect(JSON.parse(patch.body!)).toEqual({ BusinessPartnerIDByExtSystem: STARK.canonicalId.toUpperCase() });
      expect((await readPartner('1000815')).BusinessPartnerIDByExtSystem).toBe(STARK.canonicalId.toUpperCase());

      await sandbox.resetStats();
      expect(value(await erp().createOrMatchCustomer(input, ctx()))).toMatchObject({ outcome: 'matched' });
      expect((await sandbox.requests()).map((r) => r.method)).toEqual(['GET']); // found by reference, nothing written
    });

    it('matched by name and country, a partner that already carries another external number keeps it', async () => {
      const r = value(await erp().createOrMatchCustomer({ legalName: 'UMBRELLA Corporation SAS', country: 'FR', currency: 'EUR', externalRef: 'cus_other_system' }, ctx()));
      expect(r).toMatchObject({ outcome: 'matched', customer: { id: UMBRELLA.vendorIds.sapBusinessPartner } });
      expect(await calls('PATCH', '')).toBe(0);
      expect((await readPartner('1000814')).BusinessPartnerIDByExtSystem).toBe(UMBRELLA.canonicalId.toUpperCase());
    });

    it('creates once by deep insert, with a reference too long for the field kept as a hash; a retry matches it', async () => {
      const externalRef = 'cus_01HZX3-a-very-long-canonical-reference-42';
      const input = { legalName: 'Massive Dynamic Holdings International Research Laboratories Ltd', country: 'GB', currency: 'GBP', taxId: 'GB555000111', externalRef } as const;
      const first = value(await erp().createOrMatchCustomer(input, ctx()));
      expect(first).toMatchObject({ outcome: 'created', customer: { legalName: input.legalName, currency: 'GBP', taxId: 'GB555000111', status: 'active' } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      const body = JSON.parse(post.body!) as Record<string, unknown>;
      expect(body.BusinessPartnerIDByExtSystem).toMatch(/^~[A-Z2-7]{19}$/);
      expect([body.OrganizationBPName1, body.OrganizationBPName2]).toEqual(['Massive Dynamic Holdings International', 'Research Laboratories Ltd']);
      expect(body).toMatchObject({ to_BusinessPartnerRole: { results: [{ BusinessPartnerRole: 'FLCU00' }, { BusinessPartnerRole: 'FLCU01' }] }, to_BusinessPartnerTax: { results: [{ BPTaxType: 'GB0', BPTaxNumber: 'GB555000111' }] } });

      const again = value(await erp().createOrMatchCustomer({ ...input, legalName: 'Massive Dynamic' }, ctx()));
      expect(again).toMatchObject({ outcome: 'matched', customer: { id: first.customer.id } });
      expect(await calls('POST', 'A_BusinessPartner')).toBe(1);
    });

    it('answers erp.duplicate_customer when two customers share the tax number, and creates nothing', async () => {
      const partner = (name: string) => ({
        BusinessPartnerCategory: '2',
        OrganizationBPName1: name,
        to_BusinessPartnerRole: { results: [{ BusinessPartnerRole: 'FLCU01' }] },
        to_BusinessPartnerAddress: { results: [{ Country: 'DE' }] },
        to_BusinessPartnerTax: { results: [{ BPTaxType: 'DE0', BPTaxNumber: 'DE999888777' }] },
        to_Customer: { to_CustomerSalesArea: { results: [{ SalesOrganization: '1010', DistributionChannel: '10', Division: '00', Currency: 'EUR' }] } },
      });
      await createPartnerInSap(partner('Twin One GmbH'));
      await createPartnerInSap(partner('Twin Two GmbH'));
      await sandbox.resetStats();
      expect(await erp().createOrMatchCustomer({ legalName: 'Twin GmbH', country: 'DE', currency: 'EUR', taxId: 'DE999888777', externalRef: 'cus_twin' }, ctx())).toEqual({
        ok: false,
        error: { code: 'erp.duplicate_customer', retryable: false },
      });
      expect(await calls('POST', '')).toBe(0);
    });
  });

  describe('credit (credit management account, open items, open orders)', () => {
    it('reports the limit, receivables from the ledger, the unbilled open order, and no hold', async () => {
      const profile = value(await erp().getCreditProfile(GLOBEX.vendorIds.sapBusinessPartner, ctx()));
      const ledger = seedLedger(GLOBEX, Date.now());
      expect(profile).toMatchObject({
        customerId: '1000812',
        creditLimit: { amountMinor: 50_000_00, currency: 'EUR' },
        openReceivables: { amountMinor: ledger.balanceMinor, currency: 'EUR' },
        overdueReceivables: { amountMinor: 0, currency: 'EUR' },
        unbilledOrders: { amountMinor: GLOBEX.credit.unbilledMinor, currency: 'EUR' },
        daysOverdue: 0,
        onCreditHold: false,
      });
      const credit = (await sandbox.requests()).find((r) => r.path.includes('CreditManagementAccount'))!;
      expect(credit.path).toContain("CreditManagementAccount(BusinessPartner='1000812',CreditSegment='1000')"); // the sales area's credit control area
    });

    it('puts a customer more than the grace period overdue on hold; a longer grace period lifts it', async () => {
      const ledger = seedLedger(INITECH, Date.now());
      expect(value(await erp().getCreditProfile('1000813', ctx()))).toMatchObject({ overdueReceivables: { amountMinor: ledger.overdueMinor }, daysOverdue: ledger.daysOverdue, onCreditHold: true });
      expect(value(await sap({ creditHoldGraceDays: 60 }).erp.getCreditProfile('1000813', ctx())).onCreditHold).toBe(false);
    });

    it('when the credit service is not activated for the communication user, answers vendor.error — never "no limit"', async () => {
      const tenant = await serveSapSandbox({ disabledServices: [CREDIT_SERVICE_PATH] });
      try {
        const adapter = sap({}, tenant);
        expect(await adapter.erp.getCreditProfile('1000812', ctx())).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
        expect(adapter.logs()).toContain('/IWFND/MED/170');
      } finally {
        await tenant.close();
      }
    });

    it('reports a blocked credit account as a hold, and a customer without a credit account as no limit and no hold', async () => {
      expect(value(await erp().getCreditProfile(UMBRELLA.vendorIds.sapBusinessPartner, ctx())).onCreditHold).toBe(true);
      const created = value(await erp().createOrMatchCustomer({ legalName: 'Fresh Start BV', country: 'NL', currency: 'EUR', externalRef: 'cus_fresh' }, ctx()));
      expect(value(await erp().getCreditProfile(created.customer.id, ctx()))).toMatchObject({ creditLimit: { amountMinor: 0, currency: 'EUR' }, openReceivables: { amountMinor: 0 }, onCreditHold: false });
    });
  });

  describe('sales orders (OData V4, deep insert)', () => {
    it('creates an order and answers SAP’s number, lines, total and references', async () => {
      const order = value(
        await erp().createSalesOrder(
          { customerId: '1000815', currency: 'USD', externalRef: 'ord_01HZX9STARK', purchaseOrderNumber: 'PO-77', orderedOn: '2026-11-02', lines: [{ itemId: 'STRATA-ENT', quantity: 100, unitPriceMinor: 40_00 }, { itemId: 'STRATA-SVC', quantity: 1, description: 'Onboarding' }] },
          ctx(),
        ),
      );
      expect(order).toMatchObject({
        id: '5000100',
        orderNumber: '5000100',
        customerId: '1000815',
        externalRef: 'ord_01HZX9STARK',
        purchaseOrderNumber: 'PO-77',
        status: 'open',
        orderedOn: '2026-11-02',
        total: { amountMinor: 5_000_00, currency: 'USD' },
        lines: [
          { lineNumber: 1, itemId: 'STRATA-ENT', quantity: 100, unitPrice: { amountMinor: 40_00, currency: 'USD' }, amount: { amountMinor: 4_000_00, currency: 'USD' } },
          { lineNumber: 2, itemId: 'STRATA-SVC', description: 'Onboarding', quantity: 1, unitPrice: { amountMinor: 1_000_00 }, amount: { amountMinor: 1_000_00 } },
        ],
      });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      expect(JSON.parse(post.body!)).toMatchObject({
        SalesOrderType: 'OR',
        SoldToParty: '1000815',
        PurchaseOrderByCustomer: 'ord_01HZX9STARK',
        PurchaseOrderByShipToParty: 'PO-77',
        _Item: [{ SalesOrderItem: '10', Product: 'STRATA-ENT', RequestedQuantity: '100.000', _ItemPricingElement: [{ ConditionType: 'PPR0', ConditionRateAmount: '40.00', ConditionCurrency: 'USD' }] }, { SalesOrderItem: '20', Product: 'STRATA-SVC' }],
      });
      expect(value(await erp().getSalesOrder('5000100', ctx()))).toEqual({ ...order });
    });

    it('is idempotent on the reference (also one too long for the field): a retry answers the same order, one POST', async () => {
      const input = { customerId: '1000816', currency: 'EUR', externalRef: `ord-${'x'.repeat(50)}`, lines: [{ itemId: 'STRATA-PRO', quantity: 5 }] };
      const first = value(await erp().createSalesOrder(input, ctx()));
      const second = value(await erp().createSalesOrder(input, ctx()));
      expect(second).toEqual(first);
      expect(first.externalRef).toBe(input.externalRef);
      expect(await calls('POST', 'SalesOrder')).toBe(1);
      expect(JSON.parse((await sandbox.requests()).find((r) => r.method === 'POST')!.body!).PurchaseOrderByCustomer).toMatch(/^~[A-Za-z0-9_-]{34}$/);
    });

    it('answers on_hold when SAP’s credit check fails the order, and the exposure shows in the credit profile', async () => {
      const order = value(await erp().createSalesOrder({ customerId: '1000813', currency: 'GBP', externalRef: 'ord-over-limit', lines: [{ itemId: 'STRATA-SVC', quantity: 2 }] }, ctx()));
      expect(order.status).toBe('on_hold');
      expect(value(await erp().getCreditProfile('1000813', ctx())).unbilledOrders.amountMinor).toBe(2_000_00);
    });

    it('maps SAP’s refusals: unknown product → erp.item_not_found, unknown sold-to party → erp.customer_not_found', async () => {
      expect(await erp().createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: 'ord-bad-item', lines: [{ itemId: 'NO-SUCH', quantity: 1 }] }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.item_not_found' } });
      expect(await erp().createSalesOrder({ customerId: '9999999', currency: 'USD', externalRef: 'ord-bad-customer', lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
      await sandbox.resetStats();
      expect(await erp().createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: 'ord-long-item', lines: [{ itemId: 'A-PRODUCT-NUMBER-TOO-LONG', quantity: 1 }] }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.item_not_found' } });
      expect(await erp().getSalesOrder('50001OO!', ctx())).toMatchObject({ ok: false, error: { code: 'erp.order_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('CSRF token and session', () => {
    it('fetches one token per service and reuses it with the session cookies for later writes', async () => {
      const port = erp();
      for (const ref of ['ord-csrf-1', 'ord-csrf-2', 'ord-csrf-3']) value(await port.createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: ref, lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, ctx()));
      const fetches = (await sandbox.requests()).filter((r) => r.headers['x-csrf-token'] === 'Fetch');
      expect(fetches.map((r) => [r.method, r.path])).toEqual([['GET', `${SO_SERVICE_PATH}/`]]);
      expect(await calls('POST', 'SalesOrder')).toBe(3);
    });

    it('when SAP answers 403 x-csrf-token: Required (session expired), fetches a new token once and sends the write again', async () => {
      const port = erp();
      value(await port.createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: 'ord-before', lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, ctx()));
      await sandbox.expireSessions();
      await sandbox.resetStats();
      value(await port.createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: 'ord-after', lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, ctx()));
      const requests = await sandbox.requests();
      expect(requests.map((r) => `${r.method} ${r.headers['x-csrf-token'] ?? ''}`)).toEqual(['GET ', 'POST [token]', 'GET Fetch', 'POST [token]']);
    });
  });

  describe('authentication', () => {
    it('when SAP refuses the communication user, answers vendor.error and logs neither the password nor SAP’s page', async () => {
      const adapter = sap({ auth: createBasicAuth(SANDBOX_SAP_CREDENTIALS.username, 'wrong-password-canary') });
      expect(await adapter.erp.getCustomer('1000812', ctx())).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
      expect(adapter.logs()).toContain('sap refused the communication user');
      expect(adapter.logs()).not.toMatch(/wrong-password-canary|Logon failed|d3JvbmctcGFzc3dvcmQ/);
    });
  });

  describe('invoices and payments (receivable line items)', () => {
    it('lists open invoices oldest due first with aging, paid ones as paid, and pages as asked', async () => {
      const open = value(await erp().listInvoices('1000813', { status: 'open', limit: 10 }, ctx()));
      expect(open.map((i) => [i.number, i.status, i.agingBucket])).toEqual([
        ['INV-10301', 'overdue', '31-60'],
        ['INV-10455', 'open', 'current'],
      ]);
      expect(open[0]).toMatchObject({ total: { amountMinor: 6_100_00, currency: 'GBP' }, amountDue: { amountMinor: 6_100_00 }, daysOverdue: 42 });
      const paid = value(await erp().listInvoices('1000813', { status: 'paid', limit: 10 }, ctx()));
      const history = seedPaidHistory(SEED_COMPANIES[1]!, Date.now());
      expect(paid).toMatchObject([{ number: history.invoice.number, issuedOn: history.invoice.issuedOn, dueOn: history.invoice.dueOn, total: { amountMinor: history.invoice.totalMinor, currency: 'GBP' }, status: 'paid', amountDue: { amountMinor: 0 }, daysOverdue: 0, agingBucket: 'current' }]);
      expect(value(await erp().listInvoices('1000813', { status: 'all', limit: 2 }, ctx())).map((i) => i.number)).toEqual(['INV-10301', 'INV-10201']); // due 42 and 15 days ago
      expect((await sandbox.requests()).at(-1)!.query).toMatchObject({ $top: '2', $orderby: 'NetDueDate asc,AccountingDocument asc' });
    });

    it('lists payments newest first with the invoices they cleared', async () => {
      const payments = value(await erp().listPayments('1000812', { limit: 10 }, ctx()));
      const [paidInvoice] = value(await erp().listInvoices('1000812', { status: 'paid', limit: 10 }, ctx()));
      const history = seedPaidHistory(SEED_COMPANIES[0]!, Date.now());
      expect(payments).toEqual([
        { id: expect.stringMatching(/^1010-\d{4}-1400000000$/), number: history.payment.number, receivedOn: history.payment.receivedOn, amount: { amountMinor: history.payment.amountMinor, currency: 'EUR' }, method: 'T', appliedToInvoiceIds: [paidInvoice!.id] },
      ]);
    });

    it('follows SAP’s server-side paging (__next) up to the number asked for', async () => {
      const paged = await serveSapSandbox({ pageSize: 1 });
      try {
        const port = sap({}, paged).erp;
        expect(value(await port.listInvoices('1000813', { status: 'all', limit: 3 }, ctx())).map((i) => i.number)).toEqual(['INV-10301', 'INV-10201', 'INV-10455']);
        const pages = (await paged.requests()).filter((r) => r.path.startsWith(AR_SERVICE_PATH));
        expect(pages.map((r) => r.query.$skiptoken)).toEqual([undefined, '1', '2']);
        expect(value(await port.getCreditProfile('1000816', ctx())).openReceivables.amountMinor).toBe(seedLedger(SEED_COMPANIES[4]!, Date.now()).balanceMinor);
      } finally {
        await paged.close();
      }
    });

    it('answers an empty list for a customer who owes nothing, and erp.customer_not_found for one SAP does not know', async () => {
      expect(value(await erp().listInvoices('1000815', { status: 'open', limit: 10 }, ctx()))).toEqual([]);
      expect(await erp().listPayments('9999999', { limit: 10 }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
      expect((await sandbox.requests()).filter((r) => r.path === `${PARTNERS}('9999999')`)).toHaveLength(1); // the existence probe
    });
  });
});
