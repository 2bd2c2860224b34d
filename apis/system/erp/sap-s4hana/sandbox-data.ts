/**
 * The SAP sandbox's records, derived from the shared seed companies so that SAP describes the same
 * customers as every other sandbox (vendorIds.sapBusinessPartner is the business partner and customer
 * number; the canonical id is its external BP number; `seedLedger` gives the open invoices).
 *
 * Records are kept in their wire form: V2 dates as `/Date(ms)/`, decimals as strings. Every entity of a
 * held service starts from a blank record with every property of its EDMX entity type, as SAP sends them.
 */
import { randomUUID } from 'node:crypto';
import { SEED_COMPANIES, seedLedger, seedPaidHistory, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { loadHeldEdmx, type EdmxEntityType } from '../../../../openapi/vendors/sap-s4hana/edmx.js';
import { ArLineItem, CreditManagementAccount } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import type { EdmField } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import { minorToDecimal, splitName } from './odata-query.js';

export type Wire = Record<string, unknown>;

const DAY_MS = 86_400_000;
export const v2Date = (ms: number): string => `/Date(${Math.floor(ms / DAY_MS) * DAY_MS})/`;
export const v2Instant = (ms: number): string => `/Date(${ms}+0000)/`;
export const v2Time = (msOfDay: number): string => {
  const s = Math.floor(msOfDay / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `PT${pad(Math.floor(s / 3600))}H${pad(Math.floor(s / 60) % 60)}M${pad(s % 60)}S`;
};

const blankValue = (type: string): unknown => {
  if (type.startsWith('Collection(')) return [];
  switch (type) {
    case 'Edm.String':
      return '';
    case 'Edm.Boolean':
      return false;
    case 'Edm.Decimal':
      return '0';
    case 'Edm.Byte':
      return 0;
    case 'Edm.Guid':
      return '00000000-0000-0000-0000-000000000000';
    case 'Edm.TimeOfDay':
      return '00:00:00';
    default:
      return null; // dates and times
  }
};

/** Every property of an EDMX entity type, blank, then `values`. */
export const blankFromEdmx = (type: EdmxEntityType, values: Wire): Wire => {
  const out: Wire = {};
  for (const p of type.properties.values()) out[p.name] = blankValue(p.type);
  for (const [k, v] of Object.entries(values)) {
    if (!type.properties.has(k)) throw new Error(`sandbox record sets ${k}, not a property of ${type.name}`);
    out[k] = v;
  }
  return out;
};
/** The same for the types declared from SAP's documentation (no EDMX held). */
const blankFromFields = (fields: Readonly<Record<string, EdmField>>, values: Wire): Wire => {
  const out: Wire = {};
  for (const [name, f] of Object.entries(fields)) out[name] = blankValue(f.edm);
  return { ...out, ...values };
};

export const bpModel = () => loadHeldEdmx('API_BUSINESS_PARTNER');
export const soModel = () => loadHeldEdmx('CE_SALESORDER_0001');
const bpType = (set: string) => bpModel().typeOfSet(set);

/** The sandbox's company code, sales area and credit control area (SAP's best-practice content: 1010 / 10 / 00). */
export const SANDBOX_ORG = { companyCode: '1010', salesOrganization: '1010', distributionChannel: '10', division: '00', creditControlArea: '1000' } as const;

/** The products the sandbox sells, list price per unit in any currency's minor units. */
export const SANDBOX_PRODUCTS: Readonly<Record<string, { readonly text: string; readonly priceMinor: number }>> = {
  'STRATA-ENT': { text: 'Strata Enterprise seat, monthly', priceMinor: 45_00 },
  'STRATA-PRO': { text: 'Strata Professional seat, monthly', priceMinor: 30_00 },
  'STRATA-SVC': { text: 'Strata onboarding services', priceMinor: 1_000_00 },
};

/** A business partner with everything hanging off it. */
export interface PartnerRecord {
  bp: Wire;
  addresses: { address: Wire; emails: Wire[]; phones: Wire[]; mobiles: Wire[] }[];
  roles: Wire[];
  taxes: Wire[];
  customer: { customer: Wire; salesAreas: Wire[]; companies: Wire[] } | null;
  creditWorthiness: Wire | null;
  /** Bumped on every change: the ETag. */
  changedAt: number;
}

export const partnerEtag = (p: PartnerRecord): string => `W/"datetimeoffset'${encodeURIComponent(new Date(p.changedAt).toISOString().replace('Z', '0000Z'))}'"`;

const taxTypeOf = (country: string) => (country === 'US' ? 'US01' : `${country}0`);

/** The partner record of a new organisation with the customer role (used for seeds and deep inserts). */
export const newPartner = (values: {
  id: string;
  name: string;
  externalNumber: string;
  grouping: string;
  createdAt: number;
  changedAt: number;
  roles: readonly string[];
  address: { addressId: string; country: string; city?: string; postalCode?: string; street?: string; line2?: string; region?: string; language: string; email?: string; phone?: string };
  tax?: { type: string; number?: string; longNumber?: string };
  salesArea?: { currency: string; salesOrganization: string; distributionChannel: string; division: string; creditControlArea: string };
}): PartnerRecord => {
  const { id } = values;
  const parts = splitName(values.name);
  const a = values.address;
  const ms = (t: number) => t % DAY_MS;
  const addressId = a.addressId;
  return {
    bp: blankFromEdmx(bpType('A_BusinessPartner'), {
      BusinessPartner: id,
      Customer: values.salesArea ? id : '',
      BusinessPartnerCategory: '2',
      BusinessPartnerFullName: values.name.slice(0, 81),
      BusinessPartnerName: values.name.slice(0, 81),
      BusinessPartnerGrouping: values.grouping,
      BusinessPartnerUUID: randomUUID(),
      CorrespondenceLanguage: a.language,
      Language: a.language,
      CreatedByUser: 'CC0000000001',
      CreationDate: v2Date(values.createdAt),
      CreationTime: v2Time(ms(values.createdAt)),
      LastChangeDate: v2Date(values.changedAt),
      LastChangeTime: v2Time(ms(values.changedAt)),
      LastChangedByUser: 'CC0000000001',
      OrganizationBPName1: parts[0] ?? '',
      OrganizationBPName2: parts[1] ?? '',
      OrganizationBPName3: parts[2] ?? '',
      OrganizationBPName4: parts[3] ?? '',
      SearchTerm1: values.name.toUpperCase().slice(0, 20).trim(),
      BusinessPartnerIDByExtSystem: values.externalNumber,
      IndependentAddressID: addressId,
    }),
    addresses: [
      {
        address: blankFromEdmx(bpType('A_BusinessPartnerAddress'), {
          BusinessPartner: id,
          AddressID: addressId,
          AddressUUID: randomUUID(),
          ValidityStartDate: v2Instant(values.createdAt),
          ValidityEndDate: v2Instant(253_402_214_400_000),
          Country: a.country,
          CityName: a.city ?? '',
          PostalCode: a.postalCode ?? '',
          StreetName: a.street ?? '',
          StreetSuffixName: a.line2 ?? '',
          Region: a.region ?? '',
          Language: a.language,
          FullName: values.name.slice(0, 80),
        }),
        emails: a.email ? [blankFromEdmx(bpType('A_AddressEmailAddress'), { AddressID: addressId, Person: '', OrdinalNumber: '1', IsDefaultEmailAddress: true, EmailAddress: a.email })] : [],
        phones: a.phone
          ? [
              blankFromEdmx(bpType('A_AddressPhoneNumber'), {
                AddressID: addressId,
                Person: '',
                OrdinalNumber: '1',
                DestinationLocationCountry: a.country,
                IsDefaultPhoneNumber: true,
                PhoneNumber: a.phone.slice(0, 30),
                InternationalPhoneNumber: a.phone.slice(0, 30),
                PhoneNumberType: '1',
              }),
            ]
          : [],
        mobiles: [],
      },
    ],
    roles: values.roles.map((role) => blankFromEdmx(bpType('A_BusinessPartnerRole'), { BusinessPartner: id, BusinessPartnerRole: role, ValidFrom: v2Instant(values.createdAt), ValidTo: v2Instant(253_402_214_400_000) })),
    taxes: values.tax ? [blankFromEdmx(bpType('A_BusinessPartnerTaxNumber'), { BusinessPartner: id, BPTaxType: values.tax.type, BPTaxNumber: values.tax.number ?? '', BPTaxLongNumber: values.tax.longNumber ?? '' })] : [],
    customer: values.salesArea
      ? {
          customer: blankFromEdmx(bpType('A_Customer'), {
            Customer: id,
            CustomerName: values.name.slice(0, 80),
            BPCustomerName: values.name.slice(0, 81),
            CustomerFullName: values.name.slice(0, 220),
            BPCustomerFullName: values.name.slice(0, 220),
            CreatedByUser: 'CC0000000001',
            CreationDate: v2Date(values.createdAt),
            CustomerAccountGroup: 'CUST',
          }),
          salesAreas: [
            blankFromEdmx(bpType('A_CustomerSalesArea'), {
              Customer: id,
              SalesOrganization: values.salesArea.salesOrganization,
              DistributionChannel: values.salesArea.distributionChannel,
              Division: values.salesArea.division,
              Currency: values.salesArea.currency,
              CreditControlArea: values.salesArea.creditControlArea,
              CustomerPaymentTerms: '0001',
              CustomerPricingProcedure: '01',
              ShippingCondition: '01',
              CustomerAccountGroup: 'CUST',
            }),
          ],
          companies: [],
        }
      : null,
    creditWorthiness: blankFromEdmx(bpType('A_BPCreditWorthiness'), { BusinessPartner: id }),
    changedAt: values.changedAt,
  };
};

/** The seed company as an SAP business partner with the customer role. */
export const seedPartner = (seed: SeedCompany, index: number): PartnerRecord =>
  newPartner({
    id: seed.vendorIds.sapBusinessPartner,
    name: seed.legalName,
    // Stark Industries was a customer in SAP before Strata: no external number until Strata matches it.
    externalNumber: seed.legalName.startsWith('Stark') ? '' : seed.canonicalId.toUpperCase(),
    grouping: 'BP02',
    createdAt: Date.parse(`2024-01-${String(15 + index).padStart(2, '0')}T10:00:00Z`),
    changedAt: Date.parse(`2026-10-${String(20 + index).padStart(2, '0')}T09:14:00Z`),
    roles: ['FLCU00', 'FLCU01'],
    address: {
      addressId: String(22_000 + index * 10),
      country: seed.country,
      city: seed.city,
      postalCode: seed.postalCode,
      street: seed.street,
      language: 'EN',
      email: seed.email,
      phone: seed.phone,
    },
    tax: { type: taxTypeOf(seed.country), number: seed.taxId.toUpperCase() },
    salesArea: { currency: seed.currency, salesOrganization: SANDBOX_ORG.salesOrganization, distributionChannel: SANDBOX_ORG.distributionChannel, division: SANDBOX_ORG.division, creditControlArea: SANDBOX_ORG.creditControlArea },
  });

/** The seed company's credit account in the sandbox's credit segment (= its credit control area). */
export const seedCreditAccount = (seed: SeedCompany): Wire =>
  blankFromFields(CreditManagementAccount.fields, {
    BusinessPartner: seed.vendorIds.sapBusinessPartner,
    CreditSegment: SANDBOX_ORG.creditControlArea,
    CreditLimitAmount: minorToDecimal(seed.credit.limitMinor, seed.currency),
    CreditSegmentCurrency: seed.currency,
    CreditAccountIsBlocked: seed.credit.holdOverride === 'ON',
    CreditAccountBlockReason: seed.credit.holdOverride === 'ON' ? '01' : '',
    CreditLimitValidityEndDate: v2Date(253_402_214_400_000),
  });

const arLine = (values: Wire): Wire => blankFromFields(ArLineItem.fields, { CompanyCode: SANDBOX_ORG.companyCode, AccountingDocumentItem: '001', FinancialAccountType: 'D', ...values });
const fiscalYear = (ms: number) => new Date(ms).toISOString().slice(0, 4);

/**
 * The seed company's customer line items as of `now`: one `RV` line per open invoice of its ledger
 * (open: no clearing document; a partly paid invoice gets an open `DZ` credit line for the part paid),
 * and the seed's paid history (`seedPaidHistory`): its invoice as a cleared `RV` line (reference = the
 * seed's invoice number) and the bank transfer (`DZ`, reference = the seed's payment number) that
 * cleared it on the day it was received.
 */
export const seedLineItems = (seed: SeedCompany, index: number, now: number): Wire[] => {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const customer = seed.vendorIds.sapBusinessPartner;
  const currency = seed.currency;
  const lines: Wire[] = [];
  seedLedger(seed, now).invoices.forEach((invoice, j) => {
    const issued = Date.parse(`${invoice.issuedOn}T00:00:00Z`);
    const doc = String(90_000_000 + index * 100 + j);
    lines.push(
      arLine({
        FiscalYear: fiscalYear(issued),
        AccountingDocument: doc,
        Customer: customer,
        AccountingDocumentType: 'RV',
        DocumentReferenceID: invoice.number,
        DocumentDate: v2Date(issued),
        PostingDate: v2Date(issued),
        NetDueDate: v2Date(Date.parse(`${invoice.dueOn}T00:00:00Z`)),
        AmountInTransactionCurrency: minorToDecimal(invoice.totalMinor, currency),
        TransactionCurrency: currency,
        DebitCreditCode: 'S',
      }),
    );
    if (invoice.unpaidMinor < invoice.totalMinor) {
      lines.push(
        arLine({
          FiscalYear: fiscalYear(today),
          AccountingDocument: String(1_400_100_000 + index * 100 + j),
          Customer: customer,
          AccountingDocumentType: 'DZ',
          DocumentReferenceID: `PART-${invoice.number}`,
          DocumentDate: v2Date(today - 2 * DAY_MS),
          PostingDate: v2Date(today - 2 * DAY_MS),
          NetDueDate: v2Date(today - 2 * DAY_MS),
          AmountInTransactionCurrency: minorToDecimal(-(invoice.totalMinor - invoice.unpaidMinor), currency),
          TransactionCurrency: currency,
          DebitCreditCode: 'H',
          PaymentMethod: 'T',
        }),
      );
    }
  });
  // The seed's paid history: last period's invoice, cleared by the bank transfer (`DZ`) that paid it.
  const history = seedPaidHistory(seed, now);
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  const issued = day(history.invoice.issuedOn);
  const received = day(history.payment.receivedOn);
  const payment = String(1_400_000_000 + index);
  lines.push(
    arLine({
      FiscalYear: fiscalYear(issued),
      AccountingDocument: String(90_000_090 + index * 100),
      Customer: customer,
      AccountingDocumentType: 'RV',
      DocumentReferenceID: history.invoice.number,
      DocumentDate: v2Date(issued),
      PostingDate: v2Date(issued),
      NetDueDate: v2Date(day(history.invoice.dueOn)),
      ClearingDate: v2Date(received),
      ClearingAccountingDocument: payment,
      AmountInTransactionCurrency: minorToDecimal(history.invoice.totalMinor, currency),
      TransactionCurrency: currency,
      DebitCreditCode: 'S',
    }),
    arLine({
      FiscalYear: fiscalYear(received),
      AccountingDocument: payment,
      Customer: customer,
      AccountingDocumentType: 'DZ',
      DocumentReferenceID: history.payment.number,
      DocumentDate: v2Date(received),
      PostingDate: v2Date(received),
      NetDueDate: v2Date(received),
      ClearingDate: v2Date(received),
      ClearingAccountingDocument: payment,
      AmountInTransactionCurrency: minorToDecimal(-history.payment.amountMinor, currency),
      TransactionCurrency: currency,
      DebitCreditCode: 'H',
      // SAP's payment method is a one-character code: `T` (bank transfer) for the seed's wire transfer.
      PaymentMethod: 'T',
    }),
  );
  return lines;
};

export interface OrderRecord {
  header: Wire;
  items: Wire[];
}

/** A sales order header and items in wire form (V4: ISO dates, decimals as strings). */
export const newOrder = (values: {
  number: string;
  type: string;
  soldTo: string;
  salesArea: { salesOrganization: string; distributionChannel: string; division: string };
  currency: string;
  reference: string;
  poShipTo?: string;
  orderDate?: string;
  createdAt: number;
  creditStatus: string;
  items: readonly { item: string; product: string; text: string; quantity: string; netMinor: number }[];
}): OrderRecord => {
  const model = soModel();
  const total = values.items.reduce((t, i) => t + i.netMinor, 0);
  const created = new Date(values.createdAt).toISOString();
  return {
    header: blankFromEdmx(model.typeOfSet('SalesOrder'), {
      SalesOrder: values.number,
      SalesOrderType: values.type,
      SalesOrderProcessingType: '',
      SoldToParty: values.soldTo,
      SalesOrganization: values.salesArea.salesOrganization,
      DistributionChannel: values.salesArea.distributionChannel,
      OrganizationDivision: values.salesArea.division,
      CreatedByUser: 'CC0000000001',
      CreationDate: created.slice(0, 10),
      CreationTime: created.slice(11, 19),
      LastChangeDateTime: created,
      LastChangedByUser: 'CC0000000001',
      PurchaseOrderByCustomer: values.reference,
      PurchaseOrderByShipToParty: values.poShipTo ?? '',
      SalesOrderDate: values.orderDate ?? created.slice(0, 10),
      RequestedDeliveryDate: values.orderDate ?? created.slice(0, 10),
      PricingDate: values.orderDate ?? created.slice(0, 10),
      TotalNetAmount: minorToDecimal(total, values.currency),
      TransactionCurrency: values.currency,
      CustomerPaymentTerms: '0001',
      OverallSDProcessStatus: 'A',
      OverallDeliveryStatus: 'A',
      TotalCreditCheckStatus: values.creditStatus,
      TotalBlockStatus: values.creditStatus === 'B' ? 'C' : 'A',
      OverallSDDocumentRejectionSts: 'A',
      OverallOrdReltdBillgStatus: 'A',
      CustomerCreditAccount: values.soldTo,
    }),
    items: values.items.map((i) =>
      blankFromEdmx(model.typeOfSet('SalesOrderItem'), {
        SalesOrder: values.number,
        SalesOrderItem: i.item,
        SalesOrderItemCategory: 'TAN',
        SalesOrderItemText: i.text.slice(0, 40),
        Product: i.product,
        OriginallyRequestedMaterial: i.product,
        RequestedQuantity: i.quantity,
        RequestedQuantitySAPUnit: 'EA',
        RequestedQuantityISOUnit: 'EA',
        OrderQuantitySAPUnit: 'EA',
        OrderQuantityISOUnit: 'EA',
        NetAmount: minorToDecimal(i.netMinor, values.currency),
        TransactionCurrency: values.currency,
        SDProcessStatus: 'A',
        SDDocumentRejectionStatus: 'A',
        OrderRelatedBillingStatus: 'A',
      }),
    ),
  };
};

/** Seeded open orders: a seed company's unbilled amount is one open order of onboarding services. */
export const seedOrders = (now: number): OrderRecord[] =>
  SEED_COMPANIES.flatMap((seed, index) =>
    seed.credit.unbilledMinor > 0
      ? [
          newOrder({
            number: String(5_000_000 + index),
            type: 'OR',
            soldTo: seed.vendorIds.sapBusinessPartner,
            salesArea: SANDBOX_ORG,
            currency: seed.currency,
            reference: `SEED-${seed.canonicalId}`.slice(0, 35),
            createdAt: Math.floor(now / DAY_MS) * DAY_MS - 5 * DAY_MS + 9 * 3_600_000,
            creditStatus: 'A',
            items: [{ item: '10', product: 'STRATA-SVC', text: SANDBOX_PRODUCTS['STRATA-SVC']!.text, quantity: '1.000', netMinor: seed.credit.unbilledMinor }],
          }),
        ]
      : [],
  );
