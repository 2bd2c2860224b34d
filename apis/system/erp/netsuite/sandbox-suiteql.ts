import { invoiceRow, paymentRows, type SandboxCustomer, type SandboxInvoice, type SandboxItem, type SandboxPayment } from './sandbox-records.js';

/**
 * The SuiteQL the NetSuite sandbox understands: the query shapes Strata's adapter sends (invoices,
 * payments with applied invoices, customer matching, items, currencies), recognised after every
 * string literal has been lifted out — so a quote inside a value can only ever be part of that value,
 * and an unbalanced quote (a value concatenated without escaping) is refused like NetSuite refuses a
 * syntax error. Anything else is `INVALID_SEARCH`.
 */

export interface SuiteQlData {
  readonly customers: readonly SandboxCustomer[];
  readonly invoices: readonly SandboxInvoice[];
  readonly payments: readonly SandboxPayment[];
  readonly items: readonly SandboxItem[];
  readonly currencies: Readonly<Record<string, { id: string }>>;
}

export type SuiteQlOutcome = { readonly rows: readonly object[] } | { readonly error: 'syntax' | 'unsupported' };

const LITERAL = /'((?:[^']|'')*)'/g;
const ISO_DUE_DATE = /TO_CHAR\(\s*(?:\w+\.)?duedate\s*,\s*'YYYY-MM-DD'\s*\)/i;
const ISO_TRAN_DATE = /TO_CHAR\(\s*(?:\w+\.)?trandate\s*,\s*'YYYY-MM-DD'\s*\)/i;

/** The query with each literal replaced by `$n`, and the literals' values (quotes undoubled). */
const liftLiterals = (q: string): { text: string; values: string[] } | undefined => {
  const values: string[] = [];
  const text = q.replace(LITERAL, (_m, body: string) => `$${values.push(body.replaceAll("''", "'")) - 1}`);
  return text.includes("'") ? undefined : { text, values };
};

const taxKey = (s: string) => s.replace(/\s+/g, '').toUpperCase();

export const runSuiteQl = (q: string, data: SuiteQlData): SuiteQlOutcome => {
  const lifted = liftLiterals(q);
  if (!lifted) return { error: 'syntax' };
  const { text, values } = lifted;
  const value = (ref: string | undefined) => (ref === undefined ? undefined : values[Number(ref)]);
  const is = (ref: string | undefined, expected: string) => value(ref) === expected;

  // Invoices of one customer: all, unpaid (> 0) or paid in full (= 0); oldest due date first.
  const invoices = /^\s*SELECT\s[\s\S]+?\sFROM\s+transaction\s+t\b[\s\S]*?\bWHERE\s+t\.type\s*=\s*\$(\d+)\s+AND\s+t\.entity\s*=\s*(\d{1,12})\b(?:\s+AND\s+t\.foreignamountunpaid\s*(>|=)\s*0\b)?[\s\S]*$/i.exec(text);
  if (invoices && is(invoices[1], 'CustInvc')) {
    const [, , entity, op] = invoices;
    const rows = data.invoices
      .filter((i) => i.customerId === entity && (op === '>' ? i.unpaidMinor > 0 : op === '=' ? i.unpaidMinor === 0 : true))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || Number(a.id) - Number(b.id));
    return { rows: rows.map((i) => invoiceRow(i, { isoDates: ISO_DUE_DATE.test(q) })) };
  }

  // Payments of one customer with the invoices they are applied to; newest first.
  const payments = /^\s*SELECT\s[\s\S]+?\sFROM\s+transaction\s+t\b[\s\S]*?\bLEFT\s+JOIN\s+PreviousTransactionLineLink\s+ptll\s+ON\s+ptll\.nextdoc\s*=\s*t\.id\s+AND\s+ptll\.linktype\s*=\s*\$(\d+)\s+WHERE\s+t\.type\s*=\s*\$(\d+)\s+AND\s+t\.entity\s*=\s*(\d{1,12})\b[\s\S]*$/i.exec(text);
  if (payments && is(payments[1], 'Payment') && is(payments[2], 'CustPymt')) {
    if (!ISO_TRAN_DATE.test(q)) return { error: 'unsupported' };
    const rows = data.payments
      .filter((p) => p.customerId === payments[3])
      .sort((a, b) => b.receivedOn.localeCompare(a.receivedOn) || Number(b.id) - Number(a.id));
    return { rows: rows.flatMap(paymentRows) };
  }

  // Customer matching: tax number, company name (case-insensitive), billing country; every one given must hold.
  const customers = /^\s*SELECT\s+c\.id\s+FROM\s+customer\s+c\s+LEFT\s+JOIN\s+EntityAddress\s+ea\s+ON\s+ea\.nkey\s*=\s*c\.defaultbillingaddress\s+WHERE\s+([\s\S]+?)\s+ORDER\s+BY\s+c\.id\s+ASC\s*$/i.exec(text);
  if (customers) {
    const conditions = customers[1]!.split(/\s+AND\s+/i);
    const tests: ((c: SandboxCustomer) => boolean)[] = [];
    for (const condition of conditions) {
      const tax = /^UPPER\(\s*REPLACE\(\s*c\.vatregnumber\s*,\s*\$(\d+)\s*,\s*\$(\d+)\s*\)\s*\)\s*=\s*\$(\d+)$/i.exec(condition);
      const name = /^UPPER\(\s*c\.companyname\s*\)\s*=\s*UPPER\(\s*\$(\d+)\s*\)$/i.exec(condition);
      const country = /^ea\.country\s*=\s*\$(\d+)$/i.exec(condition);
      if (tax && is(tax[1], ' ') && is(tax[2], '')) {
        const wanted = value(tax[3])!;
        tests.push((c) => c.vatRegNumber !== undefined && taxKey(c.vatRegNumber) === wanted);
      } else if (name) {
        const wanted = value(name[1])!.toUpperCase();
        tests.push((c) => c.companyName.toUpperCase() === wanted);
      } else if (country) {
        const wanted = value(country[1]);
        tests.push((c) => c.address?.country === wanted);
      } else {
        return { error: 'unsupported' };
      }
    }
    const rows = data.customers.filter((c) => tests.every((t) => t(c))).sort((a, b) => Number(a.id) - Number(b.id));
    return { rows: rows.map((c) => ({ links: [], id: c.id })) };
  }

  // Items by name/number or internal id, active ones only.
  const items = /^\s*SELECT\s+i\.id\s*,\s*i\.itemid\s+FROM\s+item\s+i\s+WHERE\s+i\.isinactive\s*=\s*\$(\d+)\s+AND\s+\(\s*i\.itemid\s+IN\s+\(([$\d\s,]+)\)(?:\s+OR\s+i\.id\s+IN\s+\(([\d\s,]+)\))?\s*\)\s+ORDER\s+BY\s+i\.id\s+ASC\s*$/i.exec(text);
  if (items && is(items[1], 'F')) {
    const names = new Set(items[2]!.split(',').map((ref) => value(/^\s*\$(\d+)\s*$/.exec(ref)?.[1])));
    const ids = new Set((items[3] ?? '').split(',').map((id) => id.trim()).filter(Boolean));
    const rows = data.items.filter((i) => !i.isInactive && (names.has(i.itemId) || ids.has(i.id)));
    return { rows: rows.map((i) => ({ links: [], id: i.id, itemid: i.itemId })) };
  }

  // A currency by ISO code.
  const currency = /^\s*SELECT\s+cur\.id\s*,\s*cur\.symbol\s+FROM\s+currency\s+cur\s+WHERE\s+cur\.symbol\s*=\s*\$(\d+)\s*$/i.exec(text);
  if (currency) {
    const code = value(currency[1])!;
    const record = data.currencies[code];
    return { rows: record ? [{ links: [], id: record.id, symbol: code }] : [] };
  }

  return { error: 'unsupported' };
};
