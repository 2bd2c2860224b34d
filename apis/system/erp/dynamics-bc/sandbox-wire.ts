/**
 * How the Business Central sandbox reads and answers the wire: OData JSON responses, ETags, write
 * bodies checked against the documented property tables and BC's field lengths, and BC's errors.
 */
import { createHash } from 'node:crypto';
import { BC_GUID, BC_PROPERTIES, type BcEntity, type BcPropertyType } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { BcRecord } from './sandbox-data.js';
import { bcError } from './sandbox-faults.js';

const ODATA_JSON = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0', ...headers } });
export const badRequest = (message: string) => bcError(400, 'BadRequest', message);
/** A weak ETag over the record's content, in BC's base64 shape: any change gives another tag. */
export const etagOf = (row: BcRecord) => {
  const digest = BigInt(`0x${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 15)}`).toString();
  return `W/"${Buffer.from(`'${digest.length};${digest};00;'`).toString('base64')}"`;
};

/** BC's field lengths of what the sandbox accepts in writes (Text[n] / Code[n]). */
export const LENGTHS: Partial<Record<BcEntity, Record<string, number>>> = {
  customer: { number: 20, displayName: 100, addressLine1: 100, addressLine2: 50, city: 30, state: 30, country: 10, postalCode: 20, phoneNumber: 30, email: 80, website: 80, taxRegistrationNumber: 20, currencyCode: 10, salespersonCode: 20 },
  salesOrder: { externalDocumentNumber: 35, currencyCode: 10, customerNumber: 20, email: 80, phoneNumber: 30 },
  salesOrderLine: { lineObjectNumber: 20, description: 100, description2: 50, unitOfMeasureCode: 10 },
  customerPayment: { customerNumber: 20, documentNumber: 20, externalDocumentNumber: 35, appliesToInvoiceNumber: 20, description: 100, comment: 250 },
};
/** Code fields: BC stores them upper-cased. */
export const CODE_FIELDS = new Set(['number', 'country', 'postalCode', 'currencyCode', 'externalDocumentNumber', 'lineObjectNumber', 'customerNumber', 'documentNumber', 'appliesToInvoiceNumber']);
/** Computed or system fields a write may not set (ignored, as the read-only page fields are). */
export const READ_ONLY = new Set(['id', 'lastModifiedDateTime', 'balanceDue', 'taxAreaDisplayName', 'currencyId', 'totalAmountExcludingTax', 'totalTaxAmount', 'totalAmountIncludingTax', 'fullyShipped', 'status', 'documentId', 'sequence', 'amountExcludingTax', 'amountIncludingTax', 'netAmount', 'netTaxAmount', 'netAmountIncludingTax', 'journalId', 'journalDisplayName', 'lineNumber']);
export const TYPE_NAMES: Record<BcEntity, string> = {
  customer: 'Microsoft.NAV.customer',
  customerFinancialDetail: 'Microsoft.NAV.customerFinancialDetail',
  salesOrder: 'Microsoft.NAV.salesOrder',
  salesOrderLine: 'Microsoft.NAV.salesOrderLine',
  salesInvoice: 'Microsoft.NAV.salesInvoice',
  salesInvoiceLine: 'Microsoft.NAV.salesInvoiceLine',
  customerPayment: 'Microsoft.NAV.customerPayment',
  customerPaymentJournal: 'Microsoft.NAV.customerPaymentJournal',
  currencyExchangeRate: 'Microsoft.NAV.currencyExchangeRate',
};
export const EDM: Record<string, string> = { GUID: 'Edm.Guid', string: 'Edm.String', decimal: 'Edm.Decimal', integer: 'Edm.Int32', boolean: 'Edm.Boolean', date: 'Edm.Date', datetime: 'Edm.DateTimeOffset' };

export const valueFits = (type: BcPropertyType, value: unknown): boolean => {
  switch (type) {
    case 'GUID':
      return typeof value === 'string' && BC_GUID.test(value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    default:
      return typeof value === 'string';
  }
};

export class BcResponse extends Error {
  constructor(readonly response: Response) {
    super('bc response');
  }
}
export const refuse = (response: Response): never => {
  throw new BcResponse(response);
};

/**
 * A write body checked as BC checks it: a JSON object of documented properties (plus `navigation`
 * arrays for a deep insert), values of the documented types, strings within the field lengths. Code
 * fields upper-cased; read-only fields dropped.
 */
export const readBody = (body: unknown, entity: BcEntity, navigation: readonly string[] = []): BcRecord => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(badRequest('Invalid Request Body.'));
  const properties = BC_PROPERTIES[entity] as Record<string, BcPropertyType>;
  const out: BcRecord = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    if (navigation.includes(key)) {
      out[key] = value;
      continue;
    }
    const type = properties[key];
    if (!type) refuse(badRequest(`The property '${key}' does not exist on type '${TYPE_NAMES[entity]}'. Make sure to only use property names that are defined by the type.`));
    if (!valueFits(type!, value)) refuse(badRequest(`Cannot convert the literal '${String(value)}' to the expected type '${EDM[type!] ?? 'Edm.String'}'.`));
    const max = LENGTHS[entity]?.[key];
    if (max !== undefined && typeof value === 'string' && value.length > max) {
      refuse(bcError(400, 'Application_StringExceededLength', `The length of the string is ${value.length}, but it must be less than or equal to ${max} characters. Value: ${value}`));
    }
    if (READ_ONLY.has(key)) continue;
    out[key] = typeof value === 'string' && CODE_FIELDS.has(key) ? value.toUpperCase() : value;
  }
  return out;
};

export const notFound = (table: string, fields: string) => bcError(404, 'Internal_RecordNotFound', `The ${table} does not exist. Identification fields and values: ${fields}`);
