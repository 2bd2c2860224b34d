// The Business Central sandbox's payments: customerPayments (read-only) and customerPaymentJournals with their lines (POST to register).
import { randomUUID } from 'node:crypto';
import { BC_EMPTY_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_PAYMENT_JOURNAL, isoDay, type BcRecord } from './sandbox-data.js';
import { bodyOf, methodNotAllowed, notASegment, type ResourceRequest } from './sandbox-resource.js';
import { created, entity, list } from './sandbox-responses.js';
import { findCustomer, invoiceRows, paymentRows } from './sandbox-store.js';
import { badRequest, notFound, readBody } from './sandbox-wire.js';

/** `…/customerPayments` and `…/customerPayments({id})`: GET only. */
export const customerPaymentsResource = (r: ResourceRequest): Response => {
  const { method, key, third, query, page, contextBase, now, store } = r;
  if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
  const rows = paymentRows(store, now);
  if (key === undefined) return list(page, query, `${contextBase}/customerPayments`, 'customerPayment', rows);
  const row = rows.find((p) => p.id === key);
  return row ? entity(row, query, `${contextBase}/customerPayments/$entity`, 'customerPayment') : notFound('Gen. Journal Line', `Id='{${key}}'`);
};

/** `…/customerPaymentJournals[({id})]` and `…/customerPaymentJournals({id})/customerPayments` (GET, POST). */
export const customerPaymentJournalsResource = async (r: ResourceRequest): Promise<Response> => {
  const { c, method, key, third, query, page, contextBase, now, store } = r;
  const journals = [SANDBOX_PAYMENT_JOURNAL];
  if (key === undefined) return third ? notASegment(third.name) : method === 'GET' ? list(page, query, `${contextBase}/customerPaymentJournals`, 'customerPaymentJournal', journals) : methodNotAllowed();
  const journal = journals.find((j) => j.id === key);
  if (!journal) return notFound('Gen. Journal Batch', `Id='{${key}}'`);
  if (!third) return method === 'GET' ? entity(journal, query, `${contextBase}/customerPaymentJournals/$entity`, 'customerPaymentJournal') : methodNotAllowed();
  if (third.name !== 'customerPayments' || third.key !== undefined) return notASegment(third.name);
  const rows = paymentRows(store, now).filter((p) => p.journalId === key);
  if (method === 'GET') return list(page, query, `${contextBase}/customerPaymentJournals(${key})/customerPayments`, 'customerPayment', rows);
  if (method === 'POST') return createPayment(r, await bodyOf(c), journal);
  return methodNotAllowed();
};

/** A payment-journal line for a customer, optionally applied to one of its invoices. */
const createPayment = (r: ResourceRequest, raw: unknown, journal: BcRecord) => {
  const { query, contextBase, entityUrl, now, store } = r;
  const body = readBody(raw, 'customerPayment');
  const customer = findCustomer(store, body).record;
  if (typeof body.amount !== 'number') return badRequest('The amount must be specified.');
  let invoice: BcRecord | undefined;
  if (typeof body.appliesToInvoiceId === 'string' || typeof body.appliesToInvoiceNumber === 'string') {
    invoice = invoiceRows(store, now).find((i) => i.id === body.appliesToInvoiceId || i.number === body.appliesToInvoiceNumber);
    if (!invoice || invoice.customerId !== customer.id) return notFound('Cust. Ledger Entry', `Document No.='${String(body.appliesToInvoiceNumber ?? body.appliesToInvoiceId)}'`);
  }
  const lineNumber = (paymentRows(store, now).filter((p) => p.journalId === journal.id).length + 1) * 10000;
  const record: BcRecord = {
    id: randomUUID(),
    journalId: journal.id,
    journalDisplayName: journal.code,
    lineNumber,
    customerId: customer.id,
    customerNumber: customer.number,
    contactId: '',
    postingDate: typeof body.postingDate === 'string' ? body.postingDate : isoDay(now),
    documentNumber: typeof body.documentNumber === 'string' ? body.documentNumber : `PMT${String(store.counters.payment++).padStart(5, '0')}`,
    externalDocumentNumber: typeof body.externalDocumentNumber === 'string' ? body.externalDocumentNumber : '',
    amount: body.amount,
    appliesToInvoiceId: invoice ? invoice.id : BC_EMPTY_GUID,
    appliesToInvoiceNumber: invoice ? invoice.number : '',
    description: typeof body.description === 'string' ? body.description : `Payment ${String(customer.displayName)}`,
    comment: typeof body.comment === 'string' ? body.comment : '',
    lastModifiedDateTime: new Date(now).toISOString(),
  };
  store.payments.push(record);
  return created(record, query, `${contextBase}/customerPaymentJournals(${String(journal.id)})/customerPayments/$entity`, entityUrl('customerPayments', String(record.id)), 'customerPayment');
};
