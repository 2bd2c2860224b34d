import { describe, expect, it } from 'vitest';
import {
  NsCustomerCreateSchema,
  NsCustomerSchema,
  NsInvoiceRowSchema,
  NsPaymentRowSchema,
  NsSalesOrderCreateSchema,
  NsSalesOrderSchema,
  type NsCustomerWire,
  type NsSalesOrderWire,
} from '../../../../openapi/vendors/netsuite/types.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, PaymentSchema, SalesOrderSchema, type NewSalesOrder } from '../contract.js';
import { currencyCode, daysPastDue, isOnCreditHold, toCreditProfile, toCustomerCreate, toDecimal, toErpCustomer, toInvoice, toPayments, toSalesOrder, toSalesOrderCreate } from './mapper.js';

const NOW = Date.parse('2026-11-01T10:00:00Z');

const customer = (overrides: Partial<NsCustomerWire> = {}) =>
  NsCustomerSchema.parse({
    id: '8812',
    companyName: 'Globex GmbH',
    isInactive: false,
    currency: { id: '4', refName: 'Euro' },
    creditLimit: 50000,
    balance: 12500.5,
    overdueBalance: 0,
    daysOverdue: 0,
    unbilledOrders: 4000,
    creditHoldOverride: { id: 'AUTO', refName: 'Auto' },
    lastModifiedDate: '2026-10-20T11:14:00+02:00',
    ...overrides,
  });

describe('NetSuite mapper', () => {
  describe('credit hold rule', () => {
    const base = { creditLimitMinor: 100_00, balanceMinor: 50_00, unbilledMinor: 0, daysOverdue: 0, graceDays: 30 };

    it('when the override is ON, holds whatever the figures', () => {
      expect(isOnCreditHold({ ...base, override: 'ON' })).toBe(true);
    });
    it('when the override is OFF, never holds, even over the limit and long overdue', () => {
      expect(isOnCreditHold({ ...base, override: 'OFF', balanceMinor: 500_00, daysOverdue: 365 })).toBe(false);
    });
    it('when AUTO and balance + unbilled exceed the limit, holds', () => {
      expect(isOnCreditHold({ ...base, override: 'AUTO', balanceMinor: 80_00, unbilledMinor: 20_01 })).toBe(true);
      expect(isOnCreditHold({ ...base, override: 'AUTO', balanceMinor: 80_00, unbilledMinor: 20_00 })).toBe(false);
    });
    it('when AUTO and the limit is zero (not set), the limit is not enforced', () => {
      expect(isOnCreditHold({ ...base, override: 'AUTO', creditLimitMinor: 0, balanceMinor: 1_000_000_00 })).toBe(false);
    });
    it('when AUTO and days overdue pass the grace days, holds; at the grace days, does not', () => {
      expect(isOnCreditHold({ ...base, override: 'AUTO', daysOverdue: 31 })).toBe(true);
      expect(isOnCreditHold({ ...base, override: 'AUTO', daysOverdue: 30 })).toBe(false);
    });
  });

  describe('toErpCustomer', () => {
    it('when the currency refName is a stock name or an ISO code, maps it to ISO 4217; an unknown name is invalid', () => {
      expect(currencyCode({ id: '1', refName: 'US Dollar' })).toBe('USD');
      expect(currencyCode({ id: '2', refName: 'British pound' })).toBe('GBP');
      expect(currencyCode({ id: '9', refName: 'CHF' })).toBe('CHF');
      const result = toErpCustomer(customer({ currency: { id: '77', refName: 'Bitcoin' } }));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
    });

    it('when the record is a minimal company, yields a valid canonical customer with UTC time and no empty fields', () => {
      const result = toErpCustomer(customer({ email: '', phone: '  ', isInactive: true }));
      if (!result.ok) throw new Error('expected ok');
      expect(ErpCustomerSchema.parse(result.value)).toEqual({
        id: '8812',
        legalName: 'Globex GmbH',
        currency: 'EUR',
        status: 'inactive',
        updatedAt: '2026-10-20T09:14:00.000Z',
      });
    });

    it('when the default billing address lacks a street or an ISO country, omits the address', () => {
      const book = (address: Record<string, unknown>) => ({ items: [{ defaultBilling: true, addressBookAddress: address }] });
      const noStreet = toErpCustomer(customer({ addressBook: book({ city: 'Berlin', country: { id: 'DE' } }) }));
      const badCountry = toErpCustomer(customer({ addressBook: book({ addr1: 'x', city: 'Berlin', country: { id: '_germany' } }) }));
      const good = toErpCustomer(customer({ addressBook: book({ addr1: 'Friedrichstraße 68', city: 'Berlin', zip: '10117', country: { id: 'DE' } }) }));
      expect(noStreet.ok && noStreet.value.billingAddress).toBe(undefined);
      expect(badCountry.ok && badCountry.value.billingAddress).toBe(undefined);
      expect(good.ok && good.value.billingAddress).toEqual({ line1: 'Friedrichstraße 68', city: 'Berlin', postalCode: '10117', country: 'DE' });
    });
  });

  describe('toCreditProfile', () => {
    it('when amounts are decimals, converts them to minor units and treats an absent limit as 0', () => {
      const result = toCreditProfile(customer({ creditLimit: undefined, daysOverdue: -3 }), { now: NOW, graceDays: 30 });
      if (!result.ok) throw new Error('expected ok');
      expect(CreditProfileSchema.parse(result.value)).toMatchObject({
        creditLimit: { amountMinor: 0, currency: 'EUR' },
        openReceivables: { amountMinor: 1_250_050, currency: 'EUR' },
        unbilledOrders: { amountMinor: 400_000, currency: 'EUR' },
        daysOverdue: 0,
        onCreditHold: false,
        asOf: '2026-11-01T10:00:00.000Z',
      });
    });
  });

  describe('toInvoice', () => {
    const row = (overrides: Record<string, unknown> = {}) =>
      NsInvoiceRowSchema.parse({ id: '40001', tranid: 'INV-1', trandate: '2026-10-01', duedate: '2026-10-31', foreigntotal: '7500.10', foreignamountunpaid: 1000, currency: 'EUR', ...overrides });

    it('when the due date has passed, is overdue by whole UTC days; on the due date it is open', () => {
      expect(InvoiceSchema.parse(toInvoice(row(), NOW))).toEqual({
        id: '40001',
        number: 'INV-1',
        issuedOn: '2026-10-01',
        dueOn: '2026-10-31',
        total: { amountMinor: 750_010, currency: 'EUR' },
        amountDue: { amountMinor: 100_000, currency: 'EUR' },
        status: 'overdue',
        daysOverdue: 1,
        agingBucket: '1-30',
      });
      expect(toInvoice(row({ duedate: '2026-11-01' }), NOW)).toMatchObject({ status: 'open', daysOverdue: 0 });
      expect(daysPastDue('2026-12-01', NOW)).toBe(0);
    });

    it.each([
      ['2026-11-01', 0, 'current'],
      ['2026-10-02', 30, '1-30'],
      ['2026-10-01', 31, '31-60'],
      ['2026-08-03', 90, '61-90'],
      ['2026-08-02', 91, '90+'],
    ])('when due on %s, is %i days overdue in the %s bucket', (duedate, days, bucket) => {
      expect(toInvoice(row({ duedate }), NOW)).toMatchObject({ daysOverdue: days, agingBucket: bucket });
    });

    it('when nothing is left to pay, is paid and current, however long ago it was due', () => {
      expect(InvoiceSchema.parse(toInvoice(row({ duedate: '2025-01-01', foreignamountunpaid: '0.00' }), NOW))).toMatchObject({
        amountDue: { amountMinor: 0, currency: 'EUR' },
        status: 'paid',
        daysOverdue: 0,
        agingBucket: 'current',
      });
    });

    it('when the invoice has no due date, it is due on its date', () => {
      expect(toInvoice(row({ duedate: undefined }), NOW)).toMatchObject({ dueOn: '2026-10-01', daysOverdue: 31 });
    });

    it('when SuiteQL sends a date in the account format (M/D/YYYY), the row is rejected, not guessed', () => {
      expect(NsInvoiceRowSchema.safeParse({ ...row(), duedate: '10/31/2026' }).success).toBe(false);
    });
  });

  describe('toPayments', () => {
    const row = (overrides: Record<string, unknown> = {}) =>
      NsPaymentRowSchema.parse({ id: '45000', tranid: 'PYMT-1', trandate: '2026-10-14', foreigntotal: '5400.00', currency: 'EUR', paymentmethod: 'EFT', appliedto: '40050', ...overrides });

    it('when a payment is applied to several invoices, folds its rows into one payment, in row order', () => {
      const payments = toPayments([row(), row({ appliedto: '40051' }), row({ appliedto: '40051' }), row({ id: '44000', tranid: undefined, paymentmethod: ' ', appliedto: undefined, foreigntotal: 12 })]);
      expect(payments.map((p) => PaymentSchema.parse(p))).toEqual([
        { id: '45000', number: 'PYMT-1', receivedOn: '2026-10-14', amount: { amountMinor: 5_400_00, currency: 'EUR' }, method: 'EFT', appliedToInvoiceIds: ['40050', '40051'] },
        { id: '44000', receivedOn: '2026-10-14', amount: { amountMinor: 12_00, currency: 'EUR' }, appliedToInvoiceIds: [] },
      ]);
    });
  });

  describe('sales orders', () => {
    const order = (overrides: Partial<NsSalesOrderWire> = {}) =>
      NsSalesOrderSchema.parse({
        id: '60001',
        tranId: 'SO-105001',
        externalId: 'ord-1',
        entity: { id: '8812', refName: 'CUS8812 Globex GmbH' },
        currency: { id: '4', refName: 'Euro' },
        tranDate: '2026-11-01',
        otherRefNum: 'PO-77',
        orderStatus: { id: 'B', refName: 'Pending Fulfillment' },
        total: 1090.5,
        createdDate: '2026-11-01T09:00:00+01:00',
        item: {
          items: [
            { line: 1, item: { id: '101', refName: 'STRATA-ENT' }, description: 'Seat', quantity: 20, rate: 45, amount: 900 },
            { line: 3, item: { id: '103', refName: 'Services: Onboarding day' }, quantity: 0.5, amount: 190.5, description: 'x'.repeat(300) },
          ],
        },
        ...overrides,
      });

    it('when a sales order is read, maps number, status, lines and totals; an item name that is no reference becomes its internal id', () => {
      const result = toSalesOrder(order());
      if (!result.ok) throw new Error('expected ok');
      expect(SalesOrderSchema.parse(result.value)).toEqual({
        id: '60001',
        orderNumber: 'SO-105001',
        customerId: '8812',
        externalRef: 'ord-1',
        purchaseOrderNumber: 'PO-77',
        status: 'open',
        orderedOn: '2026-11-01',
        lines: [
          { lineNumber: 1, itemId: 'STRATA-ENT', description: 'Seat', quantity: 20, unitPrice: { amountMinor: 45_00, currency: 'EUR' }, amount: { amountMinor: 900_00, currency: 'EUR' } },
          { lineNumber: 2, itemId: '103', description: 'x'.repeat(255), quantity: 0.5, unitPrice: { amountMinor: 381_00, currency: 'EUR' }, amount: { amountMinor: 190_50, currency: 'EUR' } },
        ],
        total: { amountMinor: 1_090_50, currency: 'EUR' },
        createdAt: '2026-11-01T08:00:00.000Z',
      });
    });

    it.each([
      ['A', 'pending_approval'],
      ['B', 'open'],
      ['C', 'cancelled'],
      ['D', 'open'],
      ['E', 'open'],
      ['F', 'fulfilled'],
      ['G', 'fulfilled'],
      ['H', 'cancelled'],
    ] as const)('when orderStatus is %s, the status is %s', (id, status) => {
      const result = toSalesOrder(order({ orderStatus: { id } }));
      expect(result.ok && result.value.status).toBe(status);
    });

    it('when the order currency is a name we cannot map, the order is invalid', () => {
      expect(toSalesOrder(order({ currency: { id: '77', refName: 'Bitcoin' } })).ok).toBe(false);
    });

    it('when a new order is mapped, rates become decimals at the custom price level and the body passes the strict create schema', () => {
      const input: NewSalesOrder = {
        customerId: '8812',
        currency: 'EUR',
        externalRef: 'ord-1',
        purchaseOrderNumber: 'PO-77',
        lines: [
          { itemId: 'STRATA-ENT', quantity: 3, unitPriceMinor: 4_510 },
          { itemId: '103', quantity: 1, description: 'Kick-off' },
        ],
      };
      const body = toSalesOrderCreate(input, { currencyId: '4', itemIds: new Map([['STRATA-ENT', '101'], ['103', '103']]) });
      expect(NsSalesOrderCreateSchema.parse(body)).toEqual({
        externalId: 'ord-1',
        entity: { id: '8812' },
        currency: { id: '4' },
        otherRefNum: 'PO-77',
        item: { items: [{ item: { id: '101' }, quantity: 3, rate: 45.1, price: { id: '-1' } }, { item: { id: '103' }, quantity: 1, description: 'Kick-off' }] },
      });
      expect([toDecimal(1, 'JPY'), toDecimal(12_345, 'KWD'), toDecimal(10, 'EUR')]).toEqual([1, 12.345, 0.1]);
    });
  });

  describe('toCustomerCreate', () => {
    const input = { legalName: ' Hooli Inc. ', country: 'US', currency: 'USD', externalRef: 'cus_01HOOLI' };

    it('when there is no address, keeps the country on the default billing address, so matching by country finds it', () => {
      expect(NsCustomerCreateSchema.parse(toCustomerCreate(input, { currencyId: '1' }))).toEqual({
        externalId: 'cus_01HOOLI',
        companyName: 'Hooli Inc.',
        isPerson: false,
        currency: { id: '1' },
        addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { country: { id: 'US' } } }] },
      });
    });

    it('when tax id, contact, address and subsidiary are given, every one is on the record', () => {
      const body = toCustomerCreate(
        { ...input, taxId: '94-3121234', email: 'ap@hooli.example', phone: '+1 650 555 0100', billingAddress: { line1: '1 Hacker Way', city: 'Palo Alto', region: 'CA', postalCode: '94301', country: 'US' } },
        { currencyId: '1', subsidiaryId: '1' },
      );
      expect(NsCustomerCreateSchema.parse(body)).toMatchObject({
        subsidiary: { id: '1' },
        vatRegNumber: '94-3121234',
        email: 'ap@hooli.example',
        addressBook: { items: [{ addressBookAddress: { addr1: '1 Hacker Way', city: 'Palo Alto', state: 'CA', zip: '94301', country: { id: 'US' } } }] },
      });
    });
  });
});
