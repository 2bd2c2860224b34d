/**
 * Strata's SuiteQL queries. Nothing from a caller is concatenated into a query as is (RELIABILITY.md
 * B7): internal ids are matched against NetSuite's id pattern, and text goes through `suiteQlString`,
 * which refuses control characters and doubles single quotes (SQL string literal syntax, which
 * SuiteQL shares with Oracle SQL). Dates are formatted in the query (`TO_CHAR`), so rows do not
 * depend on the account's date preference; currencies come as ISO codes from the joined `currency`.
 */
import { NS_INTERNAL_ID } from '../../../../openapi/vendors/netsuite/types.js';
import type { CustomerQuery, InvoiceStatusFilter } from '../contract.js';

const MAX_LITERAL = 200;

/** A SuiteQL string literal: quotes doubled; control characters and overlong text refused (thrown: a bug upstream). */
export const suiteQlString = (value: string): string => {
  if (value.length > MAX_LITERAL || /[\u0000-\u001f\u007f]/.test(value)) throw new Error('suiteQlString: text must be at most 200 characters, without control characters');
  return `'${value.replaceAll("'", "''")}'`;
};

/** An internal id, checked again here because it is interpolated into a query. */
const internalId = (id: string, what: string): string => {
  if (!NS_INTERNAL_ID.test(id)) throw new Error(`${what} must be a NetSuite internal id`);
  return id;
};

/** The filter each invoice status asks for: unpaid (overdue included), paid in full, or both. */
const INVOICE_FILTER: Readonly<Record<InvoiceStatusFilter, string>> = {
  open: ' AND t.foreignamountunpaid > 0',
  paid: ' AND t.foreignamountunpaid = 0',
  all: '',
};

/** A customer's invoices (`CustInvc`) of one status, oldest due date first. */
export const invoicesQuery = (customerId: string, status: InvoiceStatusFilter): string =>
  [
    'SELECT t.id, t.tranid,',
    "TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate,",
    't.foreigntotal, t.foreignamountunpaid, cur.symbol AS currency',
    'FROM transaction t INNER JOIN currency cur ON cur.id = t.currency',
    `WHERE t.type = 'CustInvc' AND t.entity = ${internalId(customerId, 'invoicesQuery: customer id')}${INVOICE_FILTER[status]}`,
    'ORDER BY t.duedate ASC, t.id ASC',
  ].join(' ');

/**
 * A customer's payments (`CustPymt`), newest first, one row per invoice each is applied to (the
 * `PreviousTransactionLineLink` of link type `Payment` goes from the invoice to the payment).
 */
export const paymentsQuery = (customerId: string): string =>
  [
    "SELECT t.id, t.tranid, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, t.foreigntotal, cur.symbol AS currency,",
    'BUILTIN.DF(t.paymentmethod) AS paymentmethod, ptll.previousdoc AS appliedto',
    'FROM transaction t INNER JOIN currency cur ON cur.id = t.currency',
    "LEFT JOIN PreviousTransactionLineLink ptll ON ptll.nextdoc = t.id AND ptll.linktype = 'Payment'",
    `WHERE t.type = 'CustPymt' AND t.entity = ${internalId(customerId, 'paymentsQuery: customer id')}`,
    'ORDER BY t.trandate DESC, t.id DESC, ptll.previousdoc ASC',
  ].join(' ');

/** Tax numbers compare without spaces and case ("de 811 907 980" is DE811907980). */
export const normaliseTaxId = (taxId: string): string => taxId.replace(/\s+/g, '').toUpperCase();

/**
 * Customers matching every criterion given: the tax number (`vatRegNumber`), the company name (exact,
 * case-insensitive), the country of the default billing address. Ids only, lowest first.
 */
export const customerSearchQuery = (query: CustomerQuery): string => {
  const where: string[] = [];
  if (query.taxId !== undefined) where.push(`UPPER(REPLACE(c.vatregnumber, ' ', '')) = ${suiteQlString(normaliseTaxId(query.taxId))}`);
  if (query.legalName !== undefined) where.push(`UPPER(c.companyname) = UPPER(${suiteQlString(query.legalName.trim())})`);
  if (query.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(query.country)) throw new Error('customerSearchQuery: country must be ISO 3166-1 alpha-2');
    where.push(`ea.country = ${suiteQlString(query.country)}`);
  }
  if (where.length === 0) throw new Error('customerSearchQuery: give a tax id or a legal name');
  return [
    'SELECT c.id FROM customer c LEFT JOIN EntityAddress ea ON ea.nkey = c.defaultbillingaddress',
    `WHERE ${where.join(' AND ')}`,
    'ORDER BY c.id ASC',
  ].join(' ');
};

/** Active items whose name/number (`itemid`) or internal id is one of these. */
export const itemsQuery = (references: readonly string[]): string => {
  const names = [...new Set(references)];
  const ids = names.filter((r) => NS_INTERNAL_ID.test(r));
  if (names.length === 0) throw new Error('itemsQuery: no items');
  const byId = ids.length > 0 ? ` OR i.id IN (${ids.join(', ')})` : '';
  return `SELECT i.id, i.itemid FROM item i WHERE i.isinactive = 'F' AND (i.itemid IN (${names.map(suiteQlString).join(', ')})${byId}) ORDER BY i.id ASC`;
};

/** The currency record of an ISO 4217 code. */
export const currencyQuery = (code: string): string => {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error('currencyQuery: code must be ISO 4217');
  return `SELECT cur.id, cur.symbol FROM currency cur WHERE cur.symbol = ${suiteQlString(code)}`;
};
