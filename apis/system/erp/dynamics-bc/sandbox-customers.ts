// The Business Central sandbox's customers (list, get, create, PATCH) and customerFinancialDetails (read-only).
import { randomUUID } from 'node:crypto';
import { BC_EMPTY_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { currencyIdOf, type BcRecord } from './sandbox-data.js';
import { bcError } from './sandbox-faults.js';
import { bodyOf, checkCurrency, checkIfMatch, methodNotAllowed, notASegment, type ResourceRequest } from './sandbox-resource.js';
import { created, entity, list } from './sandbox-responses.js';
import { customerExpand, customerRows, financialRow } from './sandbox-store.js';
import { badRequest, notFound, readBody, refuse } from './sandbox-wire.js';

/** `…/customers` and `…/customers({id})`. */
export const customersResource = async (r: ResourceRequest): Promise<Response> => {
  const { c, method, key, third, query, page, contextBase, now, store } = r;
  if (third) return notASegment(third.name);
  if (key === undefined) {
    if (method === 'GET') return list(page, query, contextBase + '/customers', 'customer', customerRows(store), customerExpand(store, now));
    if (method === 'POST') return createCustomer(r, await bodyOf(c));
    return methodNotAllowed();
  }
  const entry = store.customers.get(key);
  if (!entry) return notFound('Customer', `Id='{${key}}'`);
  if (method === 'GET') return entity(entry.record, query, `${contextBase}/customers/$entity`, 'customer', customerExpand(store, now));
  if (method === 'PATCH') {
    const updates = readBody(await bodyOf(c), 'customer');
    checkIfMatch(c, entry.record);
    if (updates.number !== undefined && updates.number !== entry.record.number) refuse(badRequest('The customer number cannot be changed through this API.'));
    if (typeof updates.currencyCode === 'string') checkCurrency(updates.currencyCode);
    entry.record = { ...entry.record, ...updates, ...(typeof updates.currencyCode === 'string' ? { currencyId: currencyIdOf(updates.currencyCode) } : {}), lastModifiedDateTime: new Date(now).toISOString() };
    return entity(entry.record, query, `${contextBase}/customers/$entity`, 'customer', customerExpand(store, now));
  }
  return methodNotAllowed();
};

/** `…/customerFinancialDetails` and `…/customerFinancialDetails({id})`: GET only. */
export const customerFinancialDetailsResource = (r: ResourceRequest): Response => {
  const { method, key, third, query, page, contextBase, now, store } = r;
  if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
  const rows = [...store.customers.values()].map((e) => financialRow(e, now));
  if (key === undefined) return list(page, query, `${contextBase}/customerFinancialDetails`, 'customerFinancialDetail', rows);
  const row = rows.find((r) => r.id === key);
  return row ? entity(row, query, `${contextBase}/customerFinancialDetails/$entity`, 'customerFinancialDetail') : notFound('Customer', `Id='{${key}}'`);
};

/** `POST …/customers`: a number from the series unless given; a duplicate number is BC's same-key error. */
const createCustomer = (r: ResourceRequest, raw: unknown) => {
  const { query, contextBase, entityUrl, now, store } = r;
  const body = readBody(raw, 'customer');
  const number = typeof body.number === 'string' && body.number !== '' ? body.number : `C${store.counters.customer++}`;
  if (customerRows(store).some((r) => r.number === number)) {
    return bcError(400, 'Internal_EntityWithSameKeyExists', `The record in table Customer already exists. Identification fields and values: No.='${number}'`);
  }
  const currencyCode = typeof body.currencyCode === 'string' && body.currencyCode !== '' ? body.currencyCode : SANDBOX_DYNAMICS_BC.localCurrency;
  checkCurrency(currencyCode);
  const record: BcRecord = {
    id: randomUUID(),
    number,
    displayName: '',
    type: 'Company',
    addressLine1: '',
    addressLine2: '',
    city: '',
    state: '',
    country: '',
    postalCode: '',
    phoneNumber: '',
    email: '',
    website: '',
    salespersonCode: '',
    balanceDue: 0,
    creditLimit: 0,
    taxLiable: false,
    taxAreaId: BC_EMPTY_GUID,
    taxAreaDisplayName: '',
    taxRegistrationNumber: '',
    currencyId: BC_EMPTY_GUID,
    currencyCode,
    paymentTermsId: BC_EMPTY_GUID,
    shipmentMethodId: BC_EMPTY_GUID,
    paymentMethodId: BC_EMPTY_GUID,
    blocked: ' ',
    lastModifiedDateTime: '',
  };
  Object.assign(record, body, { number, currencyCode, currencyId: currencyIdOf(currencyCode), lastModifiedDateTime: new Date(now).toISOString() });
  store.customers.set(String(record.id), { record });
  return created(record, query, `${contextBase}/customers/$entity`, entityUrl('customers', String(record.id)), 'customer', customerExpand(store, now));
};
