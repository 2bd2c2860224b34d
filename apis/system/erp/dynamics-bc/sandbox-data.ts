/**
 * Business Central records derived from SEED_COMPANIES: the same companies every sandbox describes,
 * in BC's shapes, with every documented property present (a real call returns them all).
 *
 * The sandbox company is multi-currency with LCY = EUR. Customer-level figures BC keeps in LCY
 * (`creditLimit`, `balanceDue`, `customerFinancialDetail`) are converted from the seed's currency at
 * the sandbox's `currencyExchangeRates` (fixed, not market rates); documents (invoices, orders) stay
 * in the customer's currency.
 */
import { createHash } from 'node:crypto';
import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { seedLedger, seedPaidHistory, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { BC_EMPTY_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';

export type BcRecord = Record<string, unknown>;

export const SANDBOX_LCY = SANDBOX_DYNAMICS_BC.localCurrency;
/** LCY (EUR) worth 100 units of each currency: fixed sandbox rates, not market ones. */
const LCY_PER_100: Readonly<Record<string, number>> = { GBP: 117, USD: 92, CHF: 104, DKK: 13.4, SEK: 8.7, NOK: 8.5, PLN: 23, CAD: 68, AUD: 60, JPY: 0.61 };
export const SANDBOX_CURRENCIES = [SANDBOX_LCY, ...Object.keys(LCY_PER_100)];
/** Credit controllers block a customer whose oldest open invoice is this many days past due. */
export const SANDBOX_BLOCK_AFTER_DAYS_OVERDUE = 30;

const DAY_MS = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;
export const decimalOf = (minor: number, currency: string) => minor / 10 ** minorUnitExponent(currency);
export const toLcy = (amount: number, currency: string) => round2((amount * (LCY_PER_100[currency] ?? 100)) / 100);
/** A deterministic GUID from a name: seeded records keep their ids across runs. */
export const guidFrom = (name: string): string => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** BC answers an empty GUID for "no currency" (LCY) but still names the LCY code. */
export const currencyIdOf = (code: string) => (code === SANDBOX_LCY ? BC_EMPTY_GUID : guidFrom(`currency:${code}`));
export const PAYMENT_TERMS_ID = guidFrom('paymentTerms:30 DAYS');
export const PAYMENT_METHOD_ID = guidFrom('paymentMethod:BANK');
export const TAX_AREA_ID = guidFrom('taxArea:EU');
export const UNIT_OF_MEASURE_ID = guidFrom('unitOfMeasure:PCS');
const SEED_MODIFIED = '2026-01-12T08:41:27.317Z';

/** The sandbox's item catalogue (`lineObjectNumber` of an Item line); prices are per unit, in any currency. */
export const SANDBOX_ITEMS: readonly { readonly number: string; readonly displayName: string; readonly unitPrice: number }[] = [
  { number: 'STRATA-ENT', displayName: 'Strata Enterprise, user per month', unitPrice: 45 },
  { number: 'STRATA-PRO', displayName: 'Strata Professional, user per month', unitPrice: 30 },
  { number: 'STRATA-SUPPORT', displayName: 'Strata Premium Support, per month', unitPrice: 1_000 },
  { number: 'STRATA-SERVICES', displayName: 'Professional services, per day', unitPrice: 1_250 },
].map((item) => ({ ...item }));
export const itemIdOf = (number: string) => guidFrom(`item:${number}`);

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Whether a credit controller has blocked the customer ("Ship"): the seed's hold rule, so every ERP
 * sandbox holds the same customers — `ON` always, `OFF` never, `AUTO` when balance + open orders exceed
 * the limit or the oldest invoice is more than 30 days past due.
 */
export const seedBlocked = (company: SeedCompany, now: number): string => {
  const ledger = seedLedger(company, now);
  const { limitMinor, unbilledMinor, holdOverride } = company.credit;
  if (holdOverride === 'ON') return 'Ship';
  if (holdOverride === 'OFF') return ' ';
  const overLimit = limitMinor > 0 && ledger.balanceMinor + unbilledMinor > limitMinor;
  return overLimit || ledger.daysOverdue > SANDBOX_BLOCK_AFTER_DAYS_OVERDUE ? 'Ship' : ' ';
};

/** A customer with all 27 documented properties. */
export const seedCustomer = (company: SeedCompany, now: number): BcRecord => {
  const ledger = seedLedger(company, now);
  const c = company.currency;
  return {
    id: company.vendorIds.businessCentralId,
    number: company.vendorIds.businessCentralNumber,
    displayName: company.legalName,
    type: 'Company',
    addressLine1: company.street,
    addressLine2: '',
    city: company.city,
    state: '',
    country: company.country,
    postalCode: company.postalCode,
    phoneNumber: company.phone,
    email: company.email,
    website: company.website.replace(/^https?:\/\//, ''),
    salespersonCode: 'JO',
    balanceDue: toLcy(decimalOf(ledger.overdueMinor, c), c),
    creditLimit: toLcy(decimalOf(company.credit.limitMinor, c), c),
    taxLiable: true,
    taxAreaId: TAX_AREA_ID,
    taxAreaDisplayName: 'EU customers',
    taxRegistrationNumber: company.taxId,
    currencyId: currencyIdOf(c),
    currencyCode: c,
    paymentTermsId: PAYMENT_TERMS_ID,
    shipmentMethodId: BC_EMPTY_GUID,
    paymentMethodId: PAYMENT_METHOD_ID,
    blocked: seedBlocked(company, now),
    lastModifiedDateTime: SEED_MODIFIED,
  };
};

/** The figures of `customerFinancialDetail` (LCY) for a seeded customer, as of `now`. */
export const seedFinancials = (company: SeedCompany, now: number) => {
  const ledger = seedLedger(company, now);
  const c = company.currency;
  const lcy = (minor: number) => toLcy(decimalOf(minor, c), c);
  return {
    balance: lcy(ledger.balanceMinor),
    overdueAmount: lcy(ledger.overdueMinor),
    totalSalesExcludingTax: lcy(company.openInvoices.reduce((t, [, , , total]) => t + total, 0)),
  };
};

/** The customer fields a sales document copies (sell-to, bill-to, ship-to). */
export const documentParty = (customer: BcRecord): BcRecord => {
  const address = (prefix: string) => ({
    [`${prefix}AddressLine1`]: customer.addressLine1,
    [`${prefix}AddressLine2`]: customer.addressLine2,
    [`${prefix}City`]: customer.city,
    [`${prefix}Country`]: customer.country,
    [`${prefix}State`]: customer.state,
    [`${prefix}PostCode`]: customer.postalCode,
  });
  return {
    customerId: customer.id,
    customerNumber: customer.number,
    customerName: customer.displayName,
    billToName: customer.displayName,
    billToCustomerId: customer.id,
    billToCustomerNumber: customer.number,
    shipToName: customer.displayName,
    shipToContact: '',
    ...address('sellTo'),
    ...address('billTo'),
    ...address('shipTo'),
    shortcutDimension1Code: '',
    shortcutDimension2Code: '',
    paymentTermsId: PAYMENT_TERMS_ID,
    shipmentMethodId: BC_EMPTY_GUID,
    salesperson: customer.salespersonCode,
    phoneNumber: customer.phoneNumber,
    email: customer.email,
  };
};

const salesInvoiceIdOf = (number: string) => guidFrom(`salesInvoice:${number}`);

/**
 * The posted sales invoices of a seeded customer (all 56 properties), dated relative to `now`: the
 * seed's paid history (last period's invoice, "Paid", nothing remaining) and its open ledger.
 */
export const seedInvoices = (company: SeedCompany, customer: BcRecord, now: number): BcRecord[] => {
  const { invoice: paid } = seedPaidHistory(company, now);
  return [{ ...paid, unpaidMinor: 0 }, ...seedLedger(company, now).invoices].map((inv) => {
    const c = company.currency;
    const total = decimalOf(inv.totalMinor, c);
    return {
      id: salesInvoiceIdOf(inv.number),
      number: inv.number,
      externalDocumentNumber: '',
      invoiceDate: inv.issuedOn,
      postingDate: inv.issuedOn,
      dueDate: inv.dueOn,
      promisedPayDate: '0001-01-01',
      customerPurchaseOrderReference: '',
      ...documentParty(customer),
      currencyId: currencyIdOf(c),
      currencyCode: c,
      orderId: BC_EMPTY_GUID,
      orderNumber: '',
      disputeStatusId: BC_EMPTY_GUID,
      disputeStatus: '',
      pricesIncludeTax: false,
      remainingAmount: decimalOf(inv.unpaidMinor, c),
      discountAmount: 0,
      discountAppliedBeforeTax: false,
      // Intra-community and export supplies: no VAT on these invoices.
      totalAmountExcludingTax: total,
      totalTaxAmount: 0,
      totalAmountIncludingTax: total,
      status: inv.unpaidMinor > 0 ? 'Open' : 'Paid',
      lastModifiedDateTime: `${inv.issuedOn}T16:02:11.483Z`,
    };
  });
};

/** A sales order line with all 32 properties. */
export const orderLine = (documentId: string, sequence: number, input: { number: string; description: string; quantity: number; unitPrice: number }, shipmentDate: string): BcRecord => {
  const net = round2(input.quantity * input.unitPrice);
  return {
    id: guidFrom(`salesOrderLine:${documentId}:${sequence}`),
    documentId,
    sequence,
    itemId: itemIdOf(input.number),
    accountId: BC_EMPTY_GUID,
    lineType: 'Item',
    lineObjectNumber: input.number,
    description: input.description,
    description2: '',
    unitOfMeasureId: UNIT_OF_MEASURE_ID,
    unitOfMeasureCode: 'PCS',
    quantity: input.quantity,
    unitPrice: input.unitPrice,
    discountAmount: 0,
    discountPercent: 0,
    discountAppliedBeforeTax: false,
    amountExcludingTax: net,
    taxCode: 'NOVAT',
    taxPercent: 0,
    totalTaxAmount: 0,
    amountIncludingTax: net,
    invoiceDiscountAllocation: 0,
    netAmount: net,
    netTaxAmount: 0,
    netAmountIncludingTax: net,
    shipmentDate,
    shippedQuantity: 0,
    invoicedQuantity: 0,
    invoiceQuantity: input.quantity,
    shipQuantity: input.quantity,
    itemVariantId: BC_EMPTY_GUID,
    locationId: BC_EMPTY_GUID,
  };
};

/** A sales order header (51 properties) over its lines; totals are the lines' sums (no VAT in the sandbox). */
export const orderHeader = (
  fields: { id: string; number: string; externalDocumentNumber: string; orderDate: string; currencyCode: string; status: string; lastModifiedDateTime: string },
  customer: BcRecord,
  lines: readonly BcRecord[],
): BcRecord => {
  const total = round2(lines.reduce((t, l) => t + (l.netAmount as number), 0));
  return {
    id: fields.id,
    number: fields.number,
    externalDocumentNumber: fields.externalDocumentNumber,
    orderDate: fields.orderDate,
    postingDate: fields.orderDate,
    ...documentParty(customer),
    currencyId: currencyIdOf(fields.currencyCode),
    currencyCode: fields.currencyCode,
    pricesIncludeTax: false,
    partialShipping: true,
    requestedDeliveryDate: '0001-01-01',
    discountAmount: 0,
    discountAppliedBeforeTax: false,
    totalAmountExcludingTax: total,
    totalTaxAmount: 0,
    totalAmountIncludingTax: total,
    fullyShipped: false,
    status: fields.status,
    lastModifiedDateTime: fields.lastModifiedDateTime,
  };
};

/**
 * The released, not yet invoiced order behind a seed's unbilled figure (in the customer's currency):
 * professional services, priced so the total is the seed's amount.
 */
export const seedOpenOrder = (company: SeedCompany, index: number, customer: BcRecord, now: number): { header: BcRecord; lines: BcRecord[] } | undefined => {
  if (company.credit.unbilledMinor <= 0) return undefined;
  const id = guidFrom(`salesOrder:${company.vendorIds.businessCentralNumber}`);
  const orderDate = isoDay(now - 6 * DAY_MS);
  const lines = [
    orderLine(id, 10000, { number: 'STRATA-SERVICES', description: 'Onboarding workshop', quantity: 1, unitPrice: decimalOf(company.credit.unbilledMinor, company.currency) }, isoDay(now + 14 * DAY_MS)),
  ];
  const header = orderHeader(
    { id, number: `S-ORD${101001 + index}`, externalDocumentNumber: '', orderDate, currencyCode: company.currency, status: 'Open', lastModifiedDateTime: `${orderDate}T10:15:00.000Z` },
    customer,
    lines,
  );
  return { header, lines };
};

/** The customer payment journal the sandbox has (payments registered through the API land there). */
export const SANDBOX_PAYMENT_JOURNAL: BcRecord = {
  id: guidFrom('customerPaymentJournal:CASHRCPT'),
  code: 'CASHRCPT',
  displayName: 'Cash receipts',
  balancingAccountId: guidFrom('account:2910'),
  balancingAccountNumber: '2910',
  lastModifiedDateTime: SEED_MODIFIED,
};

/** `currencyExchangeRates`: 100 units of each foreign currency in LCY, in force since 2025-01-01 (blank relational currency = LCY). */
export const SANDBOX_EXCHANGE_RATES: readonly BcRecord[] = Object.entries(LCY_PER_100).map(([code, lcy]) => ({
  id: guidFrom(`currencyExchangeRate:${code}:2025-01-01`),
  currencyCode: code,
  startingDate: '2025-01-01',
  exchangeRateAmount: 100,
  relationalCurrencyCode: '',
  relationalExchangeRateAmount: lcy,
  lastModifiedDateTime: SEED_MODIFIED,
}));

/**
 * The seed's payment of a seeded customer as a line of the cash receipts journal (all 16 properties),
 * applied to the paid invoice: a receipt credits the customer, so BC holds it as a negative amount.
 */
export const seedPayment = (company: SeedCompany, customer: BcRecord, lineNumber: number, now: number): BcRecord => {
  const { invoice, payment } = seedPaidHistory(company, now);
  return {
    id: guidFrom(`customerPayment:${payment.number}`),
    journalId: SANDBOX_PAYMENT_JOURNAL.id,
    journalDisplayName: SANDBOX_PAYMENT_JOURNAL.code,
    lineNumber,
    customerId: customer.id,
    customerNumber: customer.number,
    contactId: '',
    postingDate: payment.receivedOn,
    documentNumber: payment.number,
    externalDocumentNumber: '',
    amount: -decimalOf(payment.amountMinor, company.currency),
    appliesToInvoiceId: salesInvoiceIdOf(invoice.number),
    appliesToInvoiceNumber: invoice.number,
    description: `Payment ${String(customer.displayName)}`,
    comment: payment.method,
    lastModifiedDateTime: `${payment.receivedOn}T09:12:40.215Z`,
  };
};
