/**
 * The ERP contract's behavioural suite: every ERP adapter runs it against its own sandbox, so "swap
 * the vendor" is proven, not claimed. It speaks only the contract and the seeded companies.
 *
 * @example describeErpContract('netsuite', async () => ({ port, idOf: (c) => c.netsuiteCustomerId, unknownId: '999999', orderItemId: 'STRATA-ENT', close }))
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COMPANIES, seedLedger, seedPaidHistory, type SeedCompany } from '../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, PaymentSchema, SalesOrderSchema, agingBucketOf, type ErpPort } from './contract.js';

export interface ErpKitFixture {
  readonly port: ErpPort;
  /** The company's customer id in this ERP. */
  idOf(company: SeedCompany): string;
  /** A well-formed customer id that this ERP does not have. */
  readonly unknownId: string;
  /** An item this ERP's catalogue sells (for sales orders). */
  readonly orderItemId: string;
  close(): Promise<void>;
}

const company = (name: string) => SEED_COMPANIES.find((c) => c.legalName.startsWith(name))!;
const GLOBEX = company('Globex');
const INITECH = company('Initech');
const UMBRELLA = company('Umbrella');
const STARK = company('Stark');

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

export const describeErpContract = (vendorName: string, setup: () => Promise<ErpKitFixture>) =>
  describe(`ERP contract kit — ${vendorName}`, () => {
    let f: ErpKitFixture;
    const ctx = () => testCallContext();
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(() => f?.close());

    describe('customers', () => {
      it('reads a seeded customer in the canonical shape', async () => {
        const customer = value(await f.port.getCustomer(f.idOf(GLOBEX), ctx()));
        expect(ErpCustomerSchema.parse(customer)).toEqual(customer);
        expect(customer).toMatchObject({ id: f.idOf(GLOBEX), legalName: GLOBEX.legalName, currency: GLOBEX.currency, status: 'active' });
      });

      it('answers erp.customer_not_found for an unknown id and for an id that is not one', async () => {
        expect(code(await f.port.getCustomer(f.unknownId, ctx()))).toBe('erp.customer_not_found');
        expect(code(await f.port.getCustomer('../' + f.idOf(GLOBEX), ctx()))).toBe('erp.customer_not_found');
      });

      it('finds a customer by tax id, and by legal name (any case) and country', async () => {
        const byTax = value(await f.port.findCustomers({ taxId: GLOBEX.taxId }, ctx()));
        expect(byTax.map((c) => c.id)).toEqual([f.idOf(GLOBEX)]);
        const byName = value(await f.port.findCustomers({ legalName: GLOBEX.legalName.toUpperCase(), country: GLOBEX.country }, ctx()));
        expect(byName.map((c) => c.id)).toContain(f.idOf(GLOBEX));
        expect(value(await f.port.findCustomers({ taxId: 'XX000000000' }, ctx()))).toEqual([]);
      });

      it('when the customer exists (same tax id), matches it instead of creating a second one', async () => {
        const r = value(
          await f.port.createOrMatchCustomer({ legalName: 'Globex GmbH (new spelling)', country: 'DE', currency: 'EUR', taxId: GLOBEX.taxId, externalRef: `kit-${randomUUID().slice(0, 8)}` }, ctx()),
        );
        expect(r.outcome).toBe('matched');
        expect(r.customer.id).toBe(f.idOf(GLOBEX));
      });

      it('creates a new customer once, and a retry with the same reference matches it', async () => {
        const ref = `kit-${randomUUID().slice(0, 12)}`;
        const input = { legalName: `Kit Test ${ref} Ltd`, country: 'GB', currency: 'GBP', externalRef: ref } as const;
        const first = value(await f.port.createOrMatchCustomer(input, ctx()));
        expect(first.outcome).toBe('created');
        expect(first.customer).toMatchObject({ legalName: input.legalName, currency: 'GBP' });
        const again = value(await f.port.createOrMatchCustomer(input, ctx()));
        expect(again).toMatchObject({ outcome: 'matched', customer: { id: first.customer.id } });
        expect(value(await f.port.getCustomer(first.customer.id, ctx())).legalName).toBe(input.legalName);
      });
    });

    describe('credit', () => {
      it('reports limit, receivables from the ledger, and no hold for a healthy customer', async () => {
        const profile = value(await f.port.getCreditProfile(f.idOf(GLOBEX), ctx()));
        expect(CreditProfileSchema.parse(profile)).toEqual(profile);
        const ledger = seedLedger(GLOBEX, Date.now());
        expect(profile).toMatchObject({
          customerId: f.idOf(GLOBEX),
          creditLimit: { amountMinor: GLOBEX.credit.limitMinor, currency: GLOBEX.currency },
          openReceivables: { amountMinor: ledger.balanceMinor, currency: GLOBEX.currency },
          overdueReceivables: { amountMinor: ledger.overdueMinor },
          onCreditHold: false,
        });
      });

      it('reports an overdue balance with its days, and a hold set in the ERP', async () => {
        const initech = value(await f.port.getCreditProfile(f.idOf(INITECH), ctx()));
        const ledger = seedLedger(INITECH, Date.now());
        expect(initech.overdueReceivables.amountMinor).toBe(ledger.overdueMinor);
        expect(initech.daysOverdue).toBe(ledger.daysOverdue);
        expect(value(await f.port.getCreditProfile(f.idOf(UMBRELLA), ctx())).onCreditHold).toBe(true);
      });
    });

    describe('invoices and payments', () => {
      it('lists open invoices oldest due first, with status and aging consistent with the due date', async () => {
        const invoices = value(await f.port.listInvoices(f.idOf(INITECH), { status: 'open', limit: 20 }, ctx()));
        const ledger = seedLedger(INITECH, Date.now());
        expect(invoices.map((i) => i.number).sort()).toEqual(ledger.invoices.map((i) => i.number).sort());
        for (const invoice of invoices) {
          expect(InvoiceSchema.parse(invoice)).toEqual(invoice);
          expect(invoice.status).toBe(invoice.daysOverdue > 0 ? 'overdue' : 'open');
          expect(invoice.agingBucket).toBe(agingBucketOf(invoice.daysOverdue));
          expect(invoice.amountDue.amountMinor).toBeGreaterThan(0);
        }
        expect([...invoices].sort((a, b) => a.dueOn.localeCompare(b.dueOn))).toEqual(invoices);
        expect(invoices.some((i) => i.agingBucket === '31-60')).toBe(true);
      });

      it('honours the page limit, and answers an empty list for a customer who owes nothing', async () => {
        expect(value(await f.port.listInvoices(f.idOf(GLOBEX), { status: 'open', limit: 1 }, ctx()))).toHaveLength(1);
        expect(value(await f.port.listInvoices(f.idOf(STARK), { status: 'open', limit: 20 }, ctx()))).toEqual([]);
      });

      it('lists payments newest first in the canonical shape, the seeded one applied to the paid invoice', async () => {
        const payments = value(await f.port.listPayments(f.idOf(GLOBEX), { limit: 10 }, ctx()));
        for (const p of payments) expect(PaymentSchema.parse(p)).toEqual(p);
        expect([...payments].sort((a, b) => b.receivedOn.localeCompare(a.receivedOn))).toEqual(payments);
        const history = seedPaidHistory(GLOBEX, Date.now());
        const seeded = payments.find((p) => p.receivedOn === history.payment.receivedOn);
        expect(seeded, JSON.stringify(payments)).toMatchObject({ amount: { amountMinor: history.payment.amountMinor, currency: GLOBEX.currency } });
        expect(seeded!.appliedToInvoiceIds).toHaveLength(1);
      });

      it('lists the seeded paid invoice under status paid, nothing left due', async () => {
        const paid = value(await f.port.listInvoices(f.idOf(GLOBEX), { status: 'paid', limit: 20 }, ctx()));
        const history = seedPaidHistory(GLOBEX, Date.now());
        expect(paid.find((i) => i.number === history.invoice.number), JSON.stringify(paid)).toMatchObject({
          status: 'paid',
          dueOn: history.invoice.dueOn,
          total: { amountMinor: history.invoice.totalMinor, currency: GLOBEX.currency },
          amountDue: { amountMinor: 0 },
        });
      });

      it('answers erp.customer_not_found when listing for an unknown customer', async () => {
        expect(code(await f.port.listInvoices(f.unknownId, { status: 'all', limit: 5 }, ctx()))).toBe('erp.customer_not_found');
      });
    });

    describe('sales orders', () => {
      it('creates an order with an authoritative number, once per reference, and reads it back', async () => {
        const input = {
          customerId: f.idOf(STARK),
          currency: STARK.currency,
          externalRef: `kit-${randomUUID().slice(0, 12)}`,
          purchaseOrderNumber: 'PO-KIT-1',
          lines: [{ itemId: f.orderItemId, quantity: 3, unitPriceMinor: 100_00 }],
        };
        const order = value(await f.port.createSalesOrder(input, ctx()));
        expect(SalesOrderSchema.parse(order)).toEqual(order);
        expect(order.orderNumber).not.toBe('');
        expect(order).toMatchObject({ customerId: f.idOf(STARK), total: { amountMinor: 300_00, currency: STARK.currency } });
        const retry = value(await f.port.createSalesOrder(input, ctx()));
        expect(retry).toMatchObject({ id: order.id, orderNumber: order.orderNumber });
        expect(value(await f.port.getSalesOrder(order.id, ctx()))).toMatchObject({ id: order.id, orderNumber: order.orderNumber });
      });

      it('refuses an unknown item with erp.item_not_found, and an unknown order with erp.order_not_found', async () => {
        const r = await f.port.createSalesOrder(
          { customerId: f.idOf(STARK), currency: STARK.currency, externalRef: `kit-${randomUUID().slice(0, 12)}`, lines: [{ itemId: 'NO-SUCH-ITEM-42', quantity: 1 }] },
          ctx(),
        );
        expect(code(r)).toBe('erp.item_not_found');
        expect(code(await f.port.getSalesOrder(f.unknownId, ctx()))).toBe('erp.order_not_found');
      });
    });
  });
