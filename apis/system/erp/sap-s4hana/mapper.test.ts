import { describe, expect, it } from 'vitest';
import type { BusinessPartnerRead } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import type { SalesOrderRead } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import { sandboxSapS4hanaConfig } from './config.js';
import { orderStatus, taxTypeFor, toBusinessPartnerCreate, toCreditProfile, toErpCustomer, toInvoice, toSalesOrder, type ArItem } from './mapper.js';

const NOW = Date.parse('2026-11-02T15:00:00Z');
const DAY = 86_400_000;
const AREA = { salesOrganization: '1010', distributionChannel: '10', division: '00' };
const config = sandboxSapS4hanaConfig('http://127.0.0.1:1/sap-s4hana');

const partner = (over: Partial<BusinessPartnerRead> = {}): BusinessPartnerRead => ({
  BusinessPartner: '1000812',
  Customer: '1000812',
  OrganizationBPName1: 'Globex',
  OrganizationBPName2: 'GmbH',
  CreationDate: Date.parse('2024-01-15T00:00:00Z'),
  CreationTime: 36_000_000,
  LastChangeDate: null,
  to_Customer: {
    Customer: '1000812',
    to_CustomerSalesArea: {
      results: [
        { Customer: '1000812', SalesOrganization: '1710', DistributionChannel: '10', Division: '00', Currency: 'USD' },
        { Customer: '1000812', SalesOrganization: '1010', DistributionChannel: '10', Division: '00', Currency: 'EUR' },
      ],
    },
  },
  ...over,
});
const item = (over: Partial<ArItem>): ArItem => ({ CompanyCode: '1010', FiscalYear: '2026', AccountingDocument: '90000001', AccountingDocumentItem: '001', AmountInTransactionCurrency: '100.00', TransactionCurrency: 'EUR', ...over });

describe('SAP mapper', () => {
  it('reads the currency of Strata’s sales area, the name from the name fields, and the creation time when never changed', () => {
    expect(toErpCustomer(partner(), AREA)).toEqual({ ok: true, value: { id: '1000812', legalName: 'Globex GmbH', currency: 'EUR', status: 'active', updatedAt: '2024-01-15T10:00:00.000Z' } });
    expect(toErpCustomer(partner(), { ...AREA, salesOrganization: '9999' })).toMatchObject({ ok: true, value: { currency: 'USD' } }); // first usable area
  });

  it('prefers the VAT category of the address country, and reports blocked or archived partners as inactive', () => {
    const bp = partner({
      BusinessPartnerIsBlocked: true,
      to_BusinessPartnerAddress: { results: [{ BusinessPartner: '1000812', AddressID: '1', Country: 'DE', CityName: 'Berlin', StreetName: 'Unter den Linden', HouseNumber: '1' }] },
      to_BusinessPartnerTax: { results: [{ BusinessPartner: '1000812', BPTaxType: 'DE1', BPTaxNumber: '1234567890' }, { BusinessPartner: '1000812', BPTaxType: 'DE0', BPTaxNumber: 'DE811907980' }] },
    });
    expect(toErpCustomer(bp, AREA)).toMatchObject({ ok: true, value: { taxId: 'DE811907980', status: 'inactive', billingAddress: { line1: 'Unter den Linden 1', city: 'Berlin', country: 'DE' } } });
    expect(taxTypeFor('FR')).toBe('FR0');
    expect(taxTypeFor('US')).toBe('US1');
  });

  it('refuses a customer without a usable currency as an invalid vendor response', () => {
    expect(toErpCustomer(partner({ to_Customer: { Customer: '1', to_CustomerSalesArea: { results: [] } } }), AREA)).toMatchObject({ ok: false, error: { code: 'vendor.invalid_response' } });
  });

  it('builds one deep insert: name split over the name fields, roles, address with e-mail and phone, tax, sales area', () => {
    const body = toBusinessPartnerCreate({ legalName: 'Kit Test Ltd', country: 'GB', currency: 'GBP', taxId: 'gb123', email: 'a@b.example', phone: '+44 1', externalRef: 'cus_x', billingAddress: { line1: '1 Road', city: 'York', country: 'GB', region: 'North Yorkshire' } }, config);
    expect(body).toEqual({
      BusinessPartnerCategory: '2',
      BusinessPartnerGrouping: 'BP02',
      OrganizationBPName1: 'Kit Test Ltd',
      SearchTerm1: 'KIT TEST LTD',
      BusinessPartnerIDByExtSystem: 'CUS_X',
      to_BusinessPartnerRole: { results: [{ BusinessPartnerRole: 'FLCU00' }, { BusinessPartnerRole: 'FLCU01' }] },
      to_BusinessPartnerAddress: {
        results: [
          {
            Country: 'GB',
            CityName: 'York',
            StreetName: '1 Road',
            Language: 'EN',
            to_EmailAddress: { results: [{ EmailAddress: 'a@b.example', IsDefaultEmailAddress: true }] },
            to_PhoneNumber: { results: [{ PhoneNumber: '+44 1', DestinationLocationCountry: 'GB', IsDefaultPhoneNumber: true }] },
          },
        ],
      },
      to_BusinessPartnerTax: { results: [{ BPTaxType: 'GB0', BPTaxNumber: 'GB123' }] },
      to_Customer: { to_CustomerSalesArea: { results: [{ SalesOrganization: '1010', DistributionChannel: '10', Division: '00', Currency: 'GBP' }] } },
    });
  });

  describe('credit profile', () => {
    const base = { customerId: '1000813', currency: 'GBP', openOrders: [], bankrupt: false, now: NOW, graceDays: 30 };
    const account = { BusinessPartner: '1000813', CreditSegment: '1000', CreditLimitAmount: '20000.00', CreditSegmentCurrency: 'GBP', CreditAccountIsBlocked: false };

    it('sums open items (credits net off), overdue debits and their oldest days, and open orders', () => {
      const profile = toCreditProfile({
        ...base,
        account,
        openItems: [
          item({ AmountInTransactionCurrency: '6100.00', TransactionCurrency: 'GBP', NetDueDate: NOW - 42 * DAY }),
          item({ AmountInTransactionCurrency: '12100.00', TransactionCurrency: 'GBP', NetDueDate: NOW + 5 * DAY }),
          item({ AmountInTransactionCurrency: '-100.00', TransactionCurrency: 'GBP', NetDueDate: NOW - 50 * DAY }),
          item({ AmountInTransactionCurrency: '999.00', TransactionCurrency: 'USD', NetDueDate: NOW - 99 * DAY }), // another currency: left out
        ],
        openOrders: [{ TotalNetAmount: '500.00', TransactionCurrency: 'GBP' }],
      });
      expect(profile).toMatchObject({
        ok: true,
        value: { creditLimit: { amountMinor: 2_000_000 }, openReceivables: { amountMinor: 1_810_000 }, overdueReceivables: { amountMinor: 610_000 }, unbilledOrders: { amountMinor: 50_000 }, daysOverdue: 42, onCreditHold: true },
      });
    });

    it.each([
      ['blocked credit account', { account: { ...account, CreditAccountIsBlocked: true } }, true],
      ['bankrupt partner', { account, bankrupt: true }, true],
      ['over the limit with unbilled orders', { account, openOrders: [{ TotalNetAmount: '20000.01', TransactionCurrency: 'GBP' }] }, true],
      ['exactly at the limit', { account, openOrders: [{ TotalNetAmount: '20000.00', TransactionCurrency: 'GBP' }] }, false],
      ['no credit account (no limit, not enforced)', { account: undefined, openOrders: [{ TotalNetAmount: '99999.00', TransactionCurrency: 'GBP' }] }, false],
    ] as const)('hold for a %s: %s', (_name, over, hold) => {
      const r = toCreditProfile({ ...base, openItems: [], ...over } as Parameters<typeof toCreditProfile>[0]);
      expect(r.ok && r.value.onCreditHold).toBe(hold);
    });
  });

  it('reads an invoice line: overdue by the due date, paid once cleared, aging from the days past due', () => {
    const open = toInvoice(item({ DocumentReferenceID: 'INV-1', DocumentDate: NOW - 72 * DAY, NetDueDate: NOW - 42 * DAY }), NOW);
    expect(open).toMatchObject({ ok: true, value: { id: '1010-2026-90000001', number: 'INV-1', status: 'overdue', daysOverdue: 42, agingBucket: '31-60', amountDue: { amountMinor: 10_000 } } });
    const paid = toInvoice(item({ DocumentDate: NOW - 72 * DAY, NetDueDate: NOW - 42 * DAY, ClearingAccountingDocument: '1400000001' }), NOW);
    expect(paid).toMatchObject({ ok: true, value: { number: '90000001', status: 'paid', daysOverdue: 0, agingBucket: 'current', amountDue: { amountMinor: 0 } } });
    expect(toInvoice(item({ DocumentDate: NOW, AmountInTransactionCurrency: '1,00' }), NOW)).toMatchObject({ ok: false, error: { code: 'vendor.invalid_response' } });
  });

  it('maps order statuses: rejected, credit block, completed, open', () => {
    const so = (over: Partial<SalesOrderRead>) => ({ SalesOrder: '1', ...over }) as SalesOrderRead;
    expect(orderStatus(so({ OverallSDDocumentRejectionSts: 'C', TotalCreditCheckStatus: 'B' }))).toBe('cancelled');
    expect(orderStatus(so({ TotalCreditCheckStatus: 'B' }))).toBe('on_hold');
    expect(orderStatus(so({ TotalCreditCheckStatus: 'C' }))).toBe('on_hold');
    expect(orderStatus(so({ TotalCreditCheckStatus: 'D', OverallSDProcessStatus: 'C' }))).toBe('fulfilled');
    expect(orderStatus(so({ TotalCreditCheckStatus: 'A', OverallSDProcessStatus: 'B' }))).toBe('open');
  });

  it('reads order lines in item order, unit prices from net amounts, and skips lines without quantity', () => {
    const r = toSalesOrder({
      SalesOrder: '42',
      SoldToParty: '1000815',
      CreationDate: '2026-11-02',
      CreationTime: '10:15:00',
      TotalNetAmount: '250.00',
      TransactionCurrency: 'USD',
      PurchaseOrderByCustomer: '~hashed',
      PurchaseOrderByShipToParty: '',
      _Item: [
        { SalesOrder: '42', SalesOrderItem: '20', Product: 'B', RequestedQuantity: '3.000', NetAmount: '100.00' },
        { SalesOrder: '42', SalesOrderItem: '10', Product: 'A', RequestedQuantity: '1.000', NetAmount: '150.00' },
        { SalesOrder: '42', SalesOrderItem: '30', Product: 'C', RequestedQuantity: '0.000', NetAmount: '0.00' },
      ],
    });
    expect(r).toMatchObject({ ok: true, value: { orderedOn: '2026-11-02', createdAt: '2026-11-02T10:15:00.000Z', status: 'open' } });
    expect(r.ok && r.value.lines.map((l) => [l.lineNumber, l.itemId, l.quantity, l.unitPrice.amountMinor])).toEqual([
      [1, 'A', 1, 15_000],
      [2, 'B', 3, 3_333],
    ]);
    expect(r.ok && 'externalRef' in r.value).toBe(false);
  });
});
