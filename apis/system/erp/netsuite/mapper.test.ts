import { describe, expect, it } from 'vitest';
import { NsCustomerSchema, NsOpenInvoiceRowSchema, type NsCustomerWire } from '../../../../openapi/vendors/netsuite/types.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema } from '../contract.js';
import { currencyCode, daysPastDue, isOnCreditHold, toCreditProfile, toErpCustomer, toInvoice } from './mapper.js';

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
      NsOpenInvoiceRowSchema.parse({ id: '40001', tranid: 'INV-1', trandate: '2026-10-01', duedate: '2026-10-31', foreigntotal: '7500.10', foreignamountunpaid: 1000, currency: 'EUR', ...overrides });

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
      });
      expect(toInvoice(row({ duedate: '2026-11-01' }), NOW)).toMatchObject({ status: 'open', daysOverdue: 0 });
      expect(daysPastDue('2026-12-01', NOW)).toBe(0);
    });

    it('when the invoice has no due date, it is due on its date', () => {
      expect(toInvoice(row({ duedate: undefined }), NOW)).toMatchObject({ dueOn: '2026-10-01', daysOverdue: 31 });
    });

    it('when SuiteQL sends a date in the account format (M/D/YYYY), the row is rejected, not guessed', () => {
      expect(NsOpenInvoiceRowSchema.safeParse({ ...row(), duedate: '10/31/2026' }).success).toBe(false);
    });
  });
});
