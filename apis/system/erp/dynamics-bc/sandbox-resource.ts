// What a Business Central sandbox resource handler gets (the parsed request) and the checks they share.
import type { Context } from 'hono';
import { BC_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_CURRENCIES, type BcRecord } from './sandbox-data.js';
import { bcError } from './sandbox-faults.js';
import type { PageRequest } from './sandbox-responses.js';
import type { Store } from './sandbox-store.js';
import { badRequest, etagOf, notFound, refuse } from './sandbox-wire.js';

/** One path segment after the company: `salesOrders(…)` → `{ name: 'salesOrders', key: '…' }`. */
export interface Segment {
  readonly name: string;
  readonly key: string | undefined;
}

/** A call on one entity set of the sandbox company, parsed. */
export interface ResourceRequest {
  readonly c: Context;
  readonly method: string;
  /** The entity set's key, checked as a GUID and lower-cased. */
  readonly key: string | undefined;
  /** The segment after the entity set's, if any (`salesOrderLines`, `customerPayments`). */
  readonly third: Segment | undefined;
  readonly query: URLSearchParams;
  readonly page: PageRequest;
  /** `{apiBase}/$metadata#companies({companyId})`. */
  readonly contextBase: string;
  readonly entityUrl: (set: string, id: string) => string;
  readonly now: number;
  readonly store: Store;
}

export const parseKey = (key: string) => {
  const k = key.replace(/^id=/, '');
  if (!BC_GUID.test(k)) refuse(badRequest(`Bad Request - Error in query syntax. The key value '${key}' is not a valid Edm.Guid.`));
  return k.toLowerCase();
};
export const notASegment = (name: string) => bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${name}'.`);
export const methodNotAllowed = () => bcError(405, 'BadRequest_MethodNotAllowed', 'The requested operation is not supported for this resource.');

export const bodyOf = async (c: Context): Promise<unknown> => {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) refuse(bcError(415, 'BadRequest_InvalidContentType', 'The request content type must be application/json.'));
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return refuse(badRequest('Invalid Request Body.'));
  }
};

export const checkIfMatch = (c: Context, row: BcRecord) => {
  const ifMatch = c.req.header('if-match');
  if (!ifMatch) refuse(bcError(428, 'Request_IfMatchRequired', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.'));
  if (ifMatch !== '*' && ifMatch !== etagOf(row)) refuse(bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.'));
};

export const checkCurrency = (code: string) => {
  if (code !== '' && !SANDBOX_CURRENCIES.includes(code)) refuse(notFound('Currency', `Code='${code}'`));
};
