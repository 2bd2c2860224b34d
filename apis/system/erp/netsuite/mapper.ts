/**
 * The anti-corruption layer: NetSuite records in, canonical ERP objects out. Nothing NetSuite-shaped
 * (reference objects, decimal amounts, SuiteQL strings, hold overrides) leaves this file.
 */
import { agingBucketOf, type CreditProfile, type ErpCustomer, type Invoice, type NewErpCustomer, type NewSalesOrder, type Payment, type SalesOrder } from '../contract.js';
import { minorUnitExponent, money, toMinorUnits } from '../../../../shared/canonical/money.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import {
  NS_CUSTOM_PRICE_LEVEL,
  type NsCustomer,
  type NsCustomerCreate,
  type NsInvoiceRow,
  type NsPaymentRow,
  type NsRef,
  type NsSalesOrder,
  type NsSalesOrderCreate,
} from '../../../../openapi/vendors/netsuite/types.js';

export const DEFAULT_CREDIT_HOLD_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * NetSuite's currency reference carries the currency record's *name*, which the account can edit
 * ("US Dollar", "Euro", "British pound" out of the box). ISO codes pass through; the stock names are
 * known; any other name is refused rather than guessed (then read `currency.symbol` instead).
 */
const STOCK_CURRENCY_NAMES: Readonly<Record<string, string>> = {
  'us dollar': 'USD',
  usa: 'USD',
  euro: 'EUR',
  'british pound': 'GBP',
  'canadian dollar': 'CAD',
  'australian dollar': 'AUD',
  'swiss franc': 'CHF',
  'japanese yen': 'JPY',
  'swedish krona': 'SEK',
  'danish krone': 'DKK',
  'norwegian krone': 'NOK',
};

export const currencyCode = (ref: NsRef): string | undefined => {
  const name = ref.refName?.trim() ?? '';
  if (/^[A-Z]{3}$/.test(name)) return name;
  return STOCK_CURRENCY_NAMES[name.toLowerCase()];
};

const invalid = () => fail('vendor.invalid_response', { vendor: 'erp' });
const nonEmpty = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

export const toErpCustomer = (ns: NsCustomer): Result<ErpCustomer> => {
  const currency = currencyCode(ns.currency);
  if (!currency) return invalid();
  const email = nonEmpty(ns.email);
  const phone = nonEmpty(ns.phone);
  const taxId = nonEmpty(ns.vatRegNumber) ?? nonEmpty(ns.defaultTaxReg);
  const billingAddress = toBillingAddress(ns);
  return ok({
    id: ns.id,
    legalName: nonEmpty(ns.companyName) ?? nonEmpty(ns.entityId) ?? ns.id,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(taxId ? { taxId } : {}),
    currency,
    status: ns.isInactive === true ? 'inactive' : 'active',
    ...(billingAddress ? { billingAddress } : {}),
    updatedAt: new Date(ns.lastModifiedDate).toISOString(),
  });
};

/** The address-book entry flagged `defaultBilling`, when it has what a postal address needs. */
const toBillingAddress = (ns: NsCustomer): ErpCustomer['billingAddress'] => {
  const entry = ns.addressBook?.items?.find((i) => i.defaultBilling === true)?.addressBookAddress;
  const line1 = nonEmpty(entry?.addr1);
  const city = nonEmpty(entry?.city);
  const country = entry?.country?.id;
  if (!entry || !line1 || !city || !country || !/^[A-Z]{2}$/.test(country)) return undefined;
  const line2 = nonEmpty(entry.addr2);
  const postalCode = nonEmpty(entry.zip);
  const region = nonEmpty(entry.state);
  return { line1, ...(line2 ? { line2 } : {}), city, ...(postalCode ? { postalCode } : {}), ...(region ? { region } : {}), country };
};

export interface HoldInputs {
  readonly override: 'AUTO' | 'ON' | 'OFF';
  readonly creditLimitMinor: number;
  readonly balanceMinor: number;
  readonly unbilledMinor: number;
  readonly daysOverdue: number;
  readonly graceDays: number;
}

/**
 * Credit hold, from NetSuite's `creditHoldOverride`:
 * - `ON`  → on hold, whatever the figures;
 * - `OFF` → never on hold;
 * - `AUTO` (NetSuite's default, also when the field is absent) → on hold when balance + unbilled
 *   orders exceed a non-zero credit limit (an absent or zero limit is not enforced, as in NetSuite),
 *   or when the oldest overdue amount is more than `graceDays` days past due (default 30).
 * This is our reading of NetSuite's "hold when over limit / days overdue" preferences, kept simple.
 */
export const isOnCreditHold = (h: HoldInputs): boolean => {
  if (h.override === 'ON') return true;
  if (h.override === 'OFF') return false;
  const overLimit = h.creditLimitMinor > 0 && h.balanceMinor + h.unbilledMinor > h.creditLimitMinor;
  return overLimit || h.daysOverdue > h.graceDays;
};

export const toCreditProfile = (ns: NsCustomer, options: { readonly now: number; readonly graceDays: number }): Result<CreditProfile> => {
  const currency = currencyCode(ns.currency);
  if (!currency) return invalid();
  const minor = (amount: number | undefined) => toMinorUnits(amount ?? 0, currency);
  // No limit set in NetSuite reads as 0 here; the contract has no "unlimited" (see the report).
  const creditLimitMinor = minor(ns.creditLimit);
  const balanceMinor = minor(ns.balance);
  const unbilledMinor = minor(ns.unbilledOrders);
  const daysOverdue = Math.max(0, ns.daysOverdue ?? 0);
  return ok({
    customerId: ns.id,
    creditLimit: money(creditLimitMinor, currency),
    openReceivables: money(balanceMinor, currency),
    overdueReceivables: money(minor(ns.overdueBalance), currency),
    unbilledOrders: money(unbilledMinor, currency),
    daysOverdue,
    onCreditHold: isOnCreditHold({ override: ns.creditHoldOverride ?? 'AUTO', creditLimitMinor, balanceMinor, unbilledMinor, daysOverdue, graceDays: options.graceDays }),
    asOf: new Date(options.now).toISOString(),
  });
};

/** Whole days from `dueOn` (a calendar date, read as UTC) to today (UTC); 0 when not yet due. */
export const daysPastDue = (dueOn: string, now: number): number => {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Math.max(0, Math.floor((today - Date.parse(`${dueOn}T00:00:00Z`)) / DAY_MS));
};

/**
 * A SuiteQL invoice row. Days overdue are computed from the due date and our clock (UTC), so `status`,
 * `daysOverdue` and `agingBucket` agree with each other whatever the account's time zone. An invoice
 * with nothing left to pay is `paid` (and `current`), whatever its due date.
 */
export const toInvoice = (row: NsInvoiceRow, now: number): Invoice => {
  const dueOn = row.duedate ?? row.trandate;
  const amountDueMinor = toMinorUnits(Number(row.foreignamountunpaid), row.currency);
  const daysOverdue = amountDueMinor > 0 ? daysPastDue(dueOn, now) : 0;
  return {
    id: row.id,
    number: row.tranid,
    issuedOn: row.trandate,
    dueOn,
    total: money(toMinorUnits(Number(row.foreigntotal), row.currency), row.currency),
    amountDue: money(amountDueMinor, row.currency),
    status: amountDueMinor <= 0 ? 'paid' : daysOverdue > 0 ? 'overdue' : 'open',
    daysOverdue,
    agingBucket: agingBucketOf(daysOverdue),
  };
};

/** Payment rows (one per applied invoice, a payment's rows adjacent) folded into payments, in row order. */
export const toPayments = (rows: readonly NsPaymentRow[]): Payment[] => {
  const byId = new Map<string, Payment & { appliedToInvoiceIds: string[] }>();
  for (const row of rows) {
    let payment = byId.get(row.id);
    if (!payment) {
      const method = row.paymentmethod?.trim();
      payment = {
        id: row.id,
        ...(row.tranid ? { number: row.tranid } : {}),
        receivedOn: row.trandate,
        // NetSuite keeps a payment's total positive; the sign is not ours to guess.
        amount: money(Math.abs(toMinorUnits(Number(row.foreigntotal), row.currency)), row.currency),
        ...(method ? { method } : {}),
        appliedToInvoiceIds: [],
      };
      byId.set(row.id, payment);
    }
    if (row.appliedto && !payment.appliedToInvoiceIds.includes(row.appliedto) && payment.appliedToInvoiceIds.length < 100) payment.appliedToInvoiceIds.push(row.appliedto);
  }
  return [...byId.values()];
};

// ---------------------------------------------------------------------------------------------------
// Sales orders

const ORDER_STATUS: Readonly<Record<NsSalesOrder['orderStatus'], SalesOrder['status']>> = {
  A: 'pending_approval',
  B: 'open',
  C: 'cancelled',
  D: 'open', // partially fulfilled
  E: 'open', // pending billing / partially fulfilled
  F: 'fulfilled', // pending billing: everything shipped
  G: 'fulfilled', // billed
  // Closed: the remaining lines were closed without fulfilment. Our reading: nothing more will ship.
  H: 'cancelled',
};

/** The item's name/number when it is one a caller could send back (`itemId` of a new order), else its internal id. */
const itemReference = (ref: NsRef): string => {
  const name = ref.refName?.trim();
  return name && /^[A-Za-z0-9._-]{1,64}$/.test(name) ? name : ref.id;
};

/** A sales order record (read with `expandSubResources=true`, so its lines are there). */
export const toSalesOrder = (ns: NsSalesOrder): Result<SalesOrder> => {
  const currency = currencyCode(ns.currency);
  if (!currency) return invalid();
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(ns.entity.id)) return invalid();
  const minor = (amount: number) => toMinorUnits(amount, currency);
  const lines = (ns.item?.items ?? []).map((line, index) => {
    const description = nonEmpty(line.description)?.slice(0, 255);
    return {
      lineNumber: index + 1,
      itemId: itemReference(line.item),
      ...(description ? { description } : {}),
      quantity: line.quantity,
      unitPrice: money(minor(line.rate ?? line.amount / line.quantity), currency),
      amount: money(minor(line.amount), currency),
    };
  });
  const externalRef = nonEmpty(ns.externalId);
  const purchaseOrderNumber = nonEmpty(ns.otherRefNum);
  return ok({
    id: ns.id,
    orderNumber: ns.tranId,
    customerId: ns.entity.id,
    ...(externalRef && /^[A-Za-z0-9_-]{1,64}$/.test(externalRef) ? { externalRef } : {}),
    ...(purchaseOrderNumber ? { purchaseOrderNumber } : {}),
    status: ORDER_STATUS[ns.orderStatus],
    orderedOn: ns.tranDate,
    lines,
    total: money(minor(ns.total), currency),
    createdAt: new Date(ns.createdDate).toISOString(),
  });
};

/** Minor units to NetSuite's decimal amount (exact for the exponents ISO 4217 uses). */
export const toDecimal = (minor: number, currency: string): number => Number((minor / 10 ** minorUnitExponent(currency)).toFixed(minorUnitExponent(currency)));

/**
 * The body of `POST /salesOrder`. `itemIds` maps each line's `itemId` to the item's internal id; a
 * line with `unitPriceMinor` gets that rate at the custom price level, one without takes the price list.
 */
export const toSalesOrderCreate = (input: NewSalesOrder, refs: { readonly currencyId: string; readonly itemIds: ReadonlyMap<string, string> }): NsSalesOrderCreate => ({
  externalId: input.externalRef,
  entity: { id: input.customerId },
  currency: { id: refs.currencyId },
  ...(input.orderedOn ? { tranDate: input.orderedOn } : {}),
  ...(input.purchaseOrderNumber ? { otherRefNum: input.purchaseOrderNumber } : {}),
  item: {
    items: input.lines.map((line) => ({
      item: { id: refs.itemIds.get(line.itemId)! },
      quantity: line.quantity,
      ...(line.unitPriceMinor !== undefined ? { rate: toDecimal(line.unitPriceMinor, input.currency), price: { id: NS_CUSTOM_PRICE_LEVEL } } : {}),
      ...(line.description ? { description: line.description } : {}),
    })),
  },
});

/**
 * The body of `POST /customer`: a company (never a person) with its default billing (and shipping)
 * address — the country alone when no address is given, so matching by name and country finds it again.
 */
export const toCustomerCreate = (input: NewErpCustomer, refs: { readonly currencyId: string; readonly subsidiaryId?: string }): NsCustomerCreate => {
  const a = input.billingAddress;
  const address = a
    ? {
        addr1: a.line1,
        ...(a.line2 ? { addr2: a.line2 } : {}),
        city: a.city,
        ...(a.region ? { state: a.region } : {}),
        ...(a.postalCode ? { zip: a.postalCode } : {}),
        country: { id: a.country },
      }
    : { country: { id: input.country } };
  return {
    externalId: input.externalRef,
    companyName: input.legalName.trim(),
    isPerson: false,
    ...(refs.subsidiaryId ? { subsidiary: { id: refs.subsidiaryId } } : {}),
    currency: { id: refs.currencyId },
    ...(input.email ? { email: input.email } : {}),
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.taxId ? { vatRegNumber: input.taxId } : {}),
    addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: address }] },
  };
};
