import { describe, expect, it } from 'vitest';
import { BC_EMPTY_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, PaymentSchema, SalesOrderSchema } from '../contract.js';
import { toCreditProfile, toErpCustomer, toInvoice, toPayment, toSalesOrder, type BcCustomer, type BcSalesInvoice, type BcSalesOrder } from './mapper.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');
const customer: BcCustomer = {
  id: '5D115C9C-44E3-EA11-BB43-000D3A2F8812',
  number: 'C08812',
  displayName: 'Globex GmbH',
  addressLine1: 'Friedrichstraße 68',
  addressLine2: '',
  city: 'Berlin',
  state: '',
  country: 'DE',
  postalCode: '10117',
  phoneNumber: '',
  email: 'accounts@globex.example',
  creditLimit: 50_000,
  taxRegistrationNumber: 'DE811907980',
  currencyCode: 'EUR',
  blocked: ' ',
  lastModifiedDateTime: '2026-01-12T08:41:27.317Z',
  customerFinancialDetail: { id: '5d115c9c-44e3-ea11-bb43-000d3a2f8812', balance: 12_500.5, overdueAmount: 0 },
};
const invoice = (over: Partial<BcSalesInvoice>): BcSalesInvoice => ({
  id: '2ee7ecf4-c0f6-40c0-afec-69322fd5ac74',
  number: 'INV-10422',
  invoiceDate: '2026-10-01',
  dueDate: '2026-10-31',
  customerId: customer.id,
  currencyCode: 'EUR',
  totalAmountIncludingTax: 7_500,
  remainingAmount: 7_500,
  status: 'Open',
  ...over,
});

describe('Business Central → canonical', () => {
  it('maps a customer: lower-case GUID id, empty strings dropped, address when complete', () => {
    const mapped = toErpCustomer(customer);
    expect(mapped.ok && ErpCustomerSchema.parse(mapped.value)).toEqual({
      id: '5d115c9c-44e3-ea11-bb43-000d3a2f8812',
      legalName: 'Globex GmbH',
      email: 'accounts@globex.example',
      taxId: 'DE811907980',
      currency: 'EUR',
      status: 'active',
      billingAddress: { line1: 'Friedrichstraße 68', city: 'Berlin', postalCode: '10117', country: 'DE' },
      updatedAt: '2026-01-12T08:41:27.317Z',
    });
  });

  it('when blocked is "All", the customer is inactive; any block is a credit hold', () => {
    const all = toErpCustomer({ ...customer, blocked: 'All' });
    expect(all.ok && all.value.status).toBe('inactive');
    const fromLcy = (n: number) => n;
    for (const [blocked, hold] of [[' ', false], ['Ship', true], ['Invoice', true], ['All', true], ['SomethingNew', true]] as const) {
      const profile = toCreditProfile({ ...customer, blocked }, { fromLcy, unbilled: 0, daysOverdue: 0, now: NOW });
      expect(profile.ok && profile.value.onCreditHold).toBe(hold);
    }
  });

  it('when the currency code is not ISO 4217, answers vendor.invalid_response', () => {
    expect(toErpCustomer({ ...customer, currencyCode: '' })).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
  });

  it('converts the LCY credit figures into the customer currency and adds unbilled orders', () => {
    const profile = toCreditProfile(
      { ...customer, currencyCode: 'GBP', creditLimit: 23_400, customerFinancialDetail: { id: customer.id, balance: 21_294, overdueAmount: 7_137 } },
      { fromLcy: (lcy) => (lcy * 100) / 117, unbilled: 250.5, daysOverdue: 42, now: NOW },
    );
    expect(profile.ok && CreditProfileSchema.parse(profile.value)).toEqual({
      customerId: '5d115c9c-44e3-ea11-bb43-000d3a2f8812',
      creditLimit: { amountMinor: 2_000_000, currency: 'GBP' },
      openReceivables: { amountMinor: 1_820_000, currency: 'GBP' },
      overdueReceivables: { amountMinor: 610_000, currency: 'GBP' },
      unbilledOrders: { amountMinor: 25_050, currency: 'GBP' },
      daysOverdue: 42,
      onCreditHold: false,
      asOf: '2026-11-20T10:00:00.000Z',
    });
  });

  it('maps invoices: Open past due is overdue with its aging bucket, Paid owes nothing, drafts are not receivables', () => {
    const overdue = toInvoice(invoice({}), NOW);
    expect(overdue.ok && overdue.value && InvoiceSchema.parse(overdue.value)).toMatchObject({ status: 'overdue', daysOverdue: 20, agingBucket: '1-30', amountDue: { amountMinor: 750_000 } });
    const current = toInvoice(invoice({ dueDate: '2026-11-20' }), NOW);
    expect(current.ok && current.value).toMatchObject({ status: 'open', daysOverdue: 0, agingBucket: 'current' });
    const paid = toInvoice(invoice({ status: 'Paid', remainingAmount: 0, dueDate: '2026-01-01' }), NOW);
    expect(paid.ok && paid.value).toMatchObject({ status: 'paid', daysOverdue: 0, agingBucket: 'current', amountDue: { amountMinor: 0 } });
    for (const status of ['Draft', 'In Review', 'Canceled', 'Corrective', ' ']) expect(toInvoice(invoice({ status }), NOW)).toEqual({ ok: true, value: undefined });
  });

  it('maps a sales order: Item lines in sequence, amounts in minor units, the hashed reference not exposed', () => {
    const order: BcSalesOrder = {
      id: '45BD566E-70B7-421D-8808-2218B99C9B5D',
      number: 'S-ORD102001',
      externalDocumentNumber: 'STR-0123456789ABCDEF0123456789ABCDE',
      orderDate: '2026-11-20',
      customerId: customer.id,
      currencyCode: 'JPY',
      totalAmountIncludingTax: 1_500,
      fullyShipped: false,
      status: 'In Review',
      lastModifiedDateTime: '2026-11-20T09:00:00.5Z',
      salesOrderLines: [
        { id: 'b'.repeat(8) + '-0000-4000-8000-000000000002', sequence: 20000, lineType: 'Item', lineObjectNumber: 'STRATA-PRO', description: '', quantity: 1, unitPrice: 500, netAmount: 500 },
        { id: 'b'.repeat(8) + '-0000-4000-8000-000000000003', sequence: 15000, lineType: 'Comment', lineObjectNumber: '', description: 'Deliver in Q1', quantity: 0, unitPrice: 0, netAmount: 0 },
        { id: 'b'.repeat(8) + '-0000-4000-8000-000000000001', sequence: 10000, lineType: 'Item', lineObjectNumber: 'STRATA-ENT', description: 'Enterprise', quantity: 2, unitPrice: 500, netAmount: 1_000 },
      ],
    };
    const mapped = toSalesOrder(order);
    expect(mapped.ok && SalesOrderSchema.parse(mapped.value)).toEqual({
      id: '45bd566e-70b7-421d-8808-2218b99c9b5d',
      orderNumber: 'S-ORD102001',
      customerId: '5d115c9c-44e3-ea11-bb43-000d3a2f8812',
      status: 'pending_approval',
      orderedOn: '2026-11-20',
      lines: [
        { lineNumber: 1, itemId: 'STRATA-ENT', description: 'Enterprise', quantity: 2, unitPrice: { amountMinor: 500, currency: 'JPY' }, amount: { amountMinor: 1_000, currency: 'JPY' } },
        { lineNumber: 2, itemId: 'STRATA-PRO', quantity: 1, unitPrice: { amountMinor: 500, currency: 'JPY' }, amount: { amountMinor: 500, currency: 'JPY' } },
      ],
      total: { amountMinor: 1_500, currency: 'JPY' },
      createdAt: '2026-11-20T09:00:00.500Z',
    });
    const shipped = toSalesOrder({ ...order, fullyShipped: true, externalDocumentNumber: 'PO-4471' }, {});
    expect(shipped.ok && shipped.value).toMatchObject({ status: 'fulfilled', externalRef: 'PO-4471' });
    expect(toSalesOrder({ ...order, salesOrderLines: undefined }).ok).toBe(false);
  });

  it('maps a payment: positive amount in the customer currency, the applied invoice when there is one', () => {
    const payment = { id: 'C0FFEE00-0000-4000-8000-000000000001', customerId: customer.id, postingDate: '2026-11-18', documentNumber: 'PMT00001', amount: -1_250.75 };
    expect(PaymentSchema.parse(toPayment({ ...payment, appliesToInvoiceId: '2EE7ECF4-C0F6-40C0-AFEC-69322FD5AC74' }, 'EUR'))).toEqual({
      id: 'c0ffee00-0000-4000-8000-000000000001',
      number: 'PMT00001',
      receivedOn: '2026-11-18',
      amount: { amountMinor: 125_075, currency: 'EUR' },
      appliedToInvoiceIds: ['2ee7ecf4-c0f6-40c0-afec-69322fd5ac74'],
    });
    expect(toPayment({ ...payment, appliesToInvoiceId: BC_EMPTY_GUID }, 'EUR').appliedToInvoiceIds).toEqual([]);
  });
});
