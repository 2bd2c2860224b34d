// The Business Central sandbox's read-only salesInvoices (the seeded ledger) and currencyExchangeRates.
import { SANDBOX_EXCHANGE_RATES } from './sandbox-data.js';
import { methodNotAllowed, notASegment, type ResourceRequest } from './sandbox-resource.js';
import { entity, list } from './sandbox-responses.js';
import { invoiceRows } from './sandbox-store.js';
import { notFound } from './sandbox-wire.js';

/** `…/salesInvoices` and `…/salesInvoices({id})`: GET only. */
export const salesInvoicesResource = (r: ResourceRequest): Response => {
  const { method, key, third, query, page, contextBase, now, store } = r;
  if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
  const rows = invoiceRows(store, now);
  if (key === undefined) return list(page, query, `${contextBase}/salesInvoices`, 'salesInvoice', rows);
  const row = rows.find((r) => r.id === key);
  return row ? entity(row, query, `${contextBase}/salesInvoices/$entity`, 'salesInvoice') : notFound('Sales Invoice Header', `Id='{${key}}'`);
};

/** `…/currencyExchangeRates` and `…/currencyExchangeRates({id})`: GET only. */
export const currencyExchangeRatesResource = (r: ResourceRequest): Response => {
  const { method, key, third, query, page, contextBase } = r;
  if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
  if (key === undefined) return list(page, query, `${contextBase}/currencyExchangeRates`, 'currencyExchangeRate', SANDBOX_EXCHANGE_RATES);
  const row = SANDBOX_EXCHANGE_RATES.find((r) => r.id === key);
  return row ? entity(row, query, `${contextBase}/currencyExchangeRates/$entity`, 'currencyExchangeRate') : notFound('Currency Exchange Rate', `Id='{${key}}'`);
};
