import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { NS_CUSTOMER_PATH, NS_SALES_ORDER_PATH, NS_SUITEQL_PATH } from '../../../../openapi/vendors/netsuite/types.js';
import { ErpCustomerSchema, SalesOrderSchema, type NewErpCustomer, type NewSalesOrder } from '../contract.js';
import { idempotencyKeyFor } from './client.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import { callCtx, createInSandbox, sandboxAdapter } from './test-support.js';

/** Customer matching and creation, sales orders: the NetSuite adapter against the sandbox over HTTP. */
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
const writes = async (path: string) => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === path);
const queries = async () => (await sandbox.requests()).filter((r) => r.path === NS_SUITEQL_PATH).map((r) => JSON.parse(r.body!).q as string);

const HOOLI: NewErpCustomer = {
  legalName: 'Hooli Inc.',
  country: 'US',
  currency: 'USD',
  taxId: '94-3121234',
  email: 'ap@hooli.example',
  billingAddress: { line1: '1 Hacker Way', city: 'Palo Alto', region: 'CA', postalCode: '94301', country: 'US' },
  externalRef: 'cus_01HZX3HOOLI',
};
const ORDER: NewSalesOrder = {
  customerId: '8812',
  currency: 'EUR',
  externalRef: 'ord_2026_0001',
  purchaseOrderNumber: 'PO-4711',
  lines: [
    { itemId: 'STRATA-ENT', quantity: 10 },
    { itemId: '103', quantity: 2, unitPriceMinor: 1_200_00, description: 'Onboarding days' },
  ],
};

describe('NetSuite ERP adapter: customers and sales orders', () => {
  describe('findCustomers', () => {
    it.each([
      ['the tax id', { taxId: 'DE811907980' }],
      ['the tax id with spaces and lower case', { taxId: 'de 811 907 980' }],
      ['the legal name in another case', { legalName: 'GLOBEX gmbh' }],
      ['the legal name and country', { legalName: 'Globex GmbH', country: 'DE' }],
    ])('when searched by %s, finds Globex with its full record', async (_name, query) => {
      const result = await adapter.erp.findCustomers(query, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.map((c) => ErpCustomerSchema.parse(c))).toMatchObject([{ id: '8812', legalName: 'Globex GmbH', taxId: 'DE811907980', billingAddress: { country: 'DE' } }]);
    });

    it('when the name matches but the country does not, finds nothing', async () => {
      expect(await adapter.erp.findCustomers({ legalName: 'Globex GmbH', country: 'FR' }, ctx())).toEqual({ ok: true, value: [] });
    });

    it("when the name carries quotes (O'Brien, or an injection attempt), they are escaped into the literal and match nothing", async () => {
      expect(await adapter.erp.findCustomers({ legalName: "O'Brien & Sons' Ltd" }, ctx())).toEqual({ ok: true, value: [] });
      expect(await adapter.erp.findCustomers({ legalName: "x' OR '1'='1" }, ctx())).toEqual({ ok: true, value: [] });
      const sent = await queries();
      expect(sent[0]).toContain("UPPER(c.companyname) = UPPER('O''Brien & Sons'' Ltd')");
      expect(sent[1]).toContain("UPPER('x'' OR ''1''=''1')");
    });

    it('when two customers share a name and country, finds both, lowest id first', async () => {
      for (const ref of ['acme-1', 'acme-2']) {
        await createInSandbox(sandbox.baseUrl, NS_CUSTOMER_PATH, { externalId: ref, companyName: 'Acme GmbH', isPerson: false, currency: { id: '4' }, addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { country: { id: 'DE' } } }] } });
      }
      const result = await adapter.erp.findCustomers({ legalName: 'acme gmbh', country: 'DE' }, ctx());
      expect(result.ok && result.value.map((c) => [c.id, c.legalName])).toEqual([
        ['9001', 'Acme GmbH'],
        ['9002', 'Acme GmbH'],
      ]);
    });
  });

  describe('createOrMatchCustomer', () => {
    it('when a customer carries the externalRef, matches it without searching or writing', async () => {
      const result = await adapter.erp.createOrMatchCustomer({ ...HOOLI, externalRef: 'cus_01HZX3GLOBEX' }, ctx());
      expect(result.ok && [result.value.outcome, result.value.customer.id]).toEqual(['matched', '8812']);
      expect(await queries()).toEqual([]);
      expect(await writes(NS_CUSTOMER_PATH)).toEqual([]);
    });

    it('when the tax id matches a customer, matches it (and writes nothing)', async () => {
      const result = await adapter.erp.createOrMatchCustomer({ ...HOOLI, taxId: 'GB 980780684' }, ctx());
      expect(result.ok && [result.value.outcome, result.value.customer.legalName]).toEqual(['matched', 'Initech Ltd']);
      expect(await writes(NS_CUSTOMER_PATH)).toEqual([]);
    });

    it('when no tax id matches but the legal name and country do, matches on those', async () => {
      const result = await adapter.erp.createOrMatchCustomer({ ...HOOLI, legalName: 'umbrella corporation sas', country: 'FR', billingAddress: undefined }, ctx());
      expect(result.ok && [result.value.outcome, result.value.customer.id]).toEqual(['matched', '8814']);
    });

    it('when nothing matches, creates the customer with its externalRef, a keyed POST, and reads it back', async () => {
      const result = await adapter.erp.createOrMatchCustomer(HOOLI, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.outcome).toBe('created');
      expect(ErpCustomerSchema.parse(result.value.customer)).toEqual({
        id: '9001',
        legalName: 'Hooli Inc.',
        email: 'ap@hooli.example',
        taxId: '94-3121234',
        currency: 'USD',
        status: 'active',
        billingAddress: { line1: '1 Hacker Way', city: 'Palo Alto', region: 'CA', postalCode: '94301', country: 'US' },
        updatedAt: '2026-11-01T08:00:00.000Z',
      });
      const [post] = await writes(NS_CUSTOMER_PATH);
      expect(post?.headers['x-netsuite-idempotency-key']).toBe(idempotencyKeyFor('customer', HOOLI.externalRef));
      expect(JSON.parse(post!.body!)).toMatchObject({ externalId: 'cus_01HZX3HOOLI', companyName: 'Hooli Inc.', currency: { id: '1' } });
    });

    it('when the same customer is created again (a retry), matches the first one: one customer in NetSuite', async () => {
      const first = await adapter.erp.createOrMatchCustomer(HOOLI, ctx());
      const second = await adapter.erp.createOrMatchCustomer(HOOLI, ctx());
      expect(first.ok && second.ok && [first.value.outcome, second.value.outcome, second.value.customer.id]).toEqual(['created', 'matched', first.ok && first.value.customer.id]);
      expect((await sandbox.created()).customers).toHaveLength(1);
    });

    it('when the legal name and country match two customers, answers erp.duplicate_customer and creates nothing', async () => {
      for (const ref of ['acme-1', 'acme-2']) {
        await createInSandbox(sandbox.baseUrl, NS_CUSTOMER_PATH, { externalId: ref, companyName: 'Acme GmbH', isPerson: false, currency: { id: '4' }, addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { country: { id: 'DE' } } }] } });
      }
      const result = await adapter.erp.createOrMatchCustomer({ legalName: 'Acme GmbH', country: 'DE', currency: 'EUR', externalRef: 'cus_acme' }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'erp.duplicate_customer', retryable: false } });
      expect((await sandbox.created()).customers).toHaveLength(2);
    });

    it('when the currency does not exist in the account, answers a validation error without writing', async () => {
      const result = await adapter.erp.createOrMatchCustomer({ ...HOOLI, currency: 'CHF' }, ctx());
      expect(result.ok || result.error.code).toBe('http.validation');
      expect(await writes(NS_CUSTOMER_PATH)).toEqual([]);
    });
  });

  describe('createSalesOrder and getSalesOrder', () => {
    it('when the order is valid, creates it (list price and custom rate) and answers NetSuite’s order number', async () => {
      const result = await adapter.erp.createSalesOrder(ORDER, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(SalesOrderSchema.parse(result.value)).toEqual({
        id: '60001',
        orderNumber: 'SO-105001',
        customerId: '8812',
        externalRef: 'ord_2026_0001',
        purchaseOrderNumber: 'PO-4711',
        status: 'open',
        orderedOn: '2026-11-01',
        lines: [
          { lineNumber: 1, itemId: 'STRATA-ENT', description: 'Strata Enterprise seat, per month', quantity: 10, unitPrice: { amountMinor: 45_00, currency: 'EUR' }, amount: { amountMinor: 450_00, currency: 'EUR' } },
          { lineNumber: 2, itemId: 'STRATA-SERVICES', description: 'Onboarding days', quantity: 2, unitPrice: { amountMinor: 1_200_00, currency: 'EUR' }, amount: { amountMinor: 2_400_00, currency: 'EUR' } },
        ],
        total: { amountMinor: 2_850_00, currency: 'EUR' },
        createdAt: '2026-11-01T08:00:00.000Z',
      });
      expect(await adapter.erp.getSalesOrder('60001', ctx())).toEqual(result);
    });

    it('when an order is created, the customer’s unbilled orders grow by its total', async () => {
      await adapter.erp.createSalesOrder(ORDER, ctx());
      const credit = await adapter.erp.getCreditProfile('8812', ctx());
      expect(credit.ok && credit.value.unbilledOrders).toEqual({ amountMinor: 4_000_00 + 2_850_00, currency: 'EUR' });
    });

    it('when the same externalRef is sent again, answers the one order; both POSTs carried the same key', async () => {
      const first = await adapter.erp.createSalesOrder(ORDER, ctx());
      const again = await adapter.erp.createSalesOrder(ORDER, ctx());
      expect(again).toEqual(first);
      expect((await sandbox.created()).salesOrders.map((o) => o.externalId)).toEqual(['ord_2026_0001']);
      const keys = (await writes(NS_SALES_ORDER_PATH)).map((r) => r.headers['x-netsuite-idempotency-key']);
      expect(keys).toEqual([idempotencyKeyFor('salesOrder', ORDER.externalRef), idempotencyKeyFor('salesOrder', ORDER.externalRef)]);
    });

    it('when an order with the externalRef exists under another key (expired, or another writer), NetSuite refuses the duplicate and the adapter answers that order', async () => {
      const id = await createInSandbox(sandbox.baseUrl, NS_SALES_ORDER_PATH, { externalId: ORDER.externalRef, entity: { id: '8812' }, currency: { id: '4' }, item: { items: [{ item: { id: '102' }, quantity: 1 }] } });
      const result = await adapter.erp.createSalesOrder(ORDER, ctx());
      expect(result.ok && [result.value.id, result.value.lines.map((l) => l.itemId)]).toEqual([id, ['STRATA-PRO']]);
      expect((await sandbox.created()).salesOrders).toHaveLength(1);
    });

    it.each([
      ['an unknown item', 'NOPE-1'],
      ['a retired item', 'STRATA-LEGACY'],
      ['an unknown internal id', '999'],
    ])('when a line names %s, answers erp.item_not_found without writing', async (_name, itemId) => {
      const result = await adapter.erp.createSalesOrder({ ...ORDER, lines: [...ORDER.lines, { itemId, quantity: 1 }] }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'erp.item_not_found', retryable: false } });
      expect(await writes(NS_SALES_ORDER_PATH)).toEqual([]);
    });

    it('when the customer does not exist, NetSuite refuses the entity and the answer is erp.customer_not_found', async () => {
      expect(await adapter.erp.createSalesOrder({ ...ORDER, customerId: '424242' }, ctx())).toEqual({ ok: false, error: { code: 'erp.customer_not_found', retryable: false } });
      expect((await sandbox.created()).salesOrders).toEqual([]);
    });

    it('when the currency is not the customer’s, answers a validation error and nothing is created', async () => {
      const result = await adapter.erp.createSalesOrder({ ...ORDER, currency: 'USD' }, ctx());
      expect(result.ok || result.error.code).toBe('http.validation');
      expect((await sandbox.created()).salesOrders).toEqual([]);
    });

    it('when a seeded order is read, it is the order pending billing behind the unbilled amount', async () => {
      const result = await adapter.erp.getSalesOrder('50001', ctx());
      expect(result.ok && result.value).toMatchObject({ orderNumber: 'SO-104200', customerId: '8812', status: 'fulfilled', total: { amountMinor: 4_000_00, currency: 'EUR' }, lines: [{ itemId: 'STRATA-SERVICES', quantity: 1 }] });
    });

    it('when the order does not exist, answers erp.order_not_found', async () => {
      expect(await adapter.erp.getSalesOrder('999999', ctx())).toEqual({ ok: false, error: { code: 'erp.order_not_found', retryable: false } });
    });
  });
});

describe('NetSuite ERP adapter against a NetSuite that answers a repeated idempotency key with IDEMPOTENCY_ERROR', () => {
  let strict: NetsuiteSandboxHandle;
  beforeAll(async () => {
    strict = await serveNetsuiteSandbox({ clock, repeatedIdempotencyKey: 'conflict' });
  });
  afterAll(() => strict.close());

  it('when the order is sent again with its key, reads the one order by its externalRef', async () => {
    const erp = sandboxAdapter(strict.baseUrl, clock);
    try {
      const first = await erp.erp.createSalesOrder(ORDER, ctx());
      const again = await erp.erp.createSalesOrder(ORDER, ctx());
      expect(first.ok).toBe(true);
      expect(again).toEqual(first);
      expect((await strict.created()).salesOrders).toHaveLength(1);
      expect((await strict.requests()).some((r) => r.method === 'GET' && r.path === `${NS_SALES_ORDER_PATH}/eid:${ORDER.externalRef}`)).toBe(true);
    } finally {
      await erp.close();
    }
  });
});
