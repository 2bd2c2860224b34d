/**
 * The anti-corruption layer: NetSuite records in, canonical ERP objects out. Nothing NetSuite-shaped
 * (reference objects, decimal amounts, SuiteQL strings, hold overrides) leaves this file.
 */
import type { CreditProfile, ErpCustomer, Invoice } from '../contract.js';
import { money, toMinorUnits } from '../../../../shared/canonical/money.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { NsCustomer, NsOpenInvoiceRow, NsRef } from '../../../../openapi/vendors/netsuite/types.js';

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
 * A SuiteQL open-invoice row. Days overdue are computed from the due date and our clock (UTC), so
 * `status` and `daysOverdue` agree with each other whatever the account's time zone.
 */
export const toInvoice = (row: NsOpenInvoiceRow, now: number): Invoice => {
  const dueOn = row.duedate ?? row.trandate;
  const daysOverdue = daysPastDue(dueOn, now);
  return {
    id: row.id,
    number: row.tranid,
    issuedOn: row.trandate,
    dueOn,
    total: money(toMinorUnits(Number(row.foreigntotal), row.currency), row.currency),
    amountDue: money(toMinorUnits(Number(row.foreignamountunpaid), row.currency), row.currency),
    status: daysOverdue > 0 ? 'overdue' : 'open',
    daysOverdue,
  };
};
