// The Business Central sandbox's API v2.0 dispatch: path segments and query options parsed, companies answered, each entity set to its handler.
import type { Context } from 'hono';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { customerFinancialDetailsResource, customersResource } from './sandbox-customers.js';
import { bcError } from './sandbox-faults.js';
import { currencyExchangeRatesResource, salesInvoicesResource } from './sandbox-invoices-and-rates.js';
import { customerPaymentJournalsResource, customerPaymentsResource } from './sandbox-payments.js';
import { API_PATH } from './sandbox-recording.js';
import { methodNotAllowed, notASegment, parseKey, type ResourceRequest, type Segment } from './sandbox-resource.js';
import type { PageRequest } from './sandbox-responses.js';
import { salesOrdersResource } from './sandbox-sales-orders.js';
import { companyRecord, type Store } from './sandbox-store.js';
import { badRequest, json, refuse } from './sandbox-wire.js';

const SYSTEM_OPTIONS = new Set(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$skiptoken']);

/** Each entity set of the company, by its segment name. */
const RESOURCES: Record<string, (r: ResourceRequest) => Response | Promise<Response>> = {
  customers: customersResource,
  customerFinancialDetails: customerFinancialDetailsResource,
  salesOrders: salesOrdersResource,
  salesInvoices: salesInvoicesResource,
  customerPayments: customerPaymentsResource,
  currencyExchangeRates: currencyExchangeRatesResource,
  customerPaymentJournals: customerPaymentJournalsResource,
};

/** One authorized call under `/v2.0/{tenant}/{environment}/api/v2.0/`; BC's errors are thrown as `BcResponse`. */
export const handleApi = async (c: Context, deps: { readonly store: Store; readonly now: () => number; readonly maxPageSize: number }): Promise<Response> => {
  const url = new URL(c.req.url);
  const at = url.pathname.search(API_PATH);
  const apiBase = url.origin + url.pathname.slice(0, at) + /\/v2\.0\/[^/]+\/[^/]+\/api\/v2\.0/.exec(url.pathname)![0];
  const rest = url.pathname.slice(apiBase.length - url.origin.length).replace(/^\//, '');
  const segments = rest.split('/').filter(Boolean).map((s): Segment => {
    const seg = /^([A-Za-z]+)(?:\(([^)]*)\))?$/.exec(decodeURIComponent(s));
    if (!seg) return refuse(bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${s}'.`));
    return { name: seg[1]!, key: seg[2] };
  });
  const query = url.searchParams;
  for (const name of query.keys()) if (name.startsWith('$') && !SYSTEM_OPTIONS.has(name)) refuse(badRequest(`The query parameter '${name}' is not supported.`));
  const method = c.req.method;
  const preferred = /odata\.maxpagesize=(\d{1,6})/i.exec(c.req.header('prefer') ?? '')?.[1];
  const page: PageRequest = { url: c.req.url, maxPageSize: deps.maxPageSize, ...(preferred ? { preferredPageSize: Number(preferred) } : {}) };
  const [first, second, third] = segments;
  const companyId = SANDBOX_DYNAMICS_BC.companyId;

  if (!first || first.name !== 'companies') return bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${first?.name ?? ''}'.`);
  if (first.key === undefined && !second && method === 'GET') return json({ '@odata.context': `${apiBase}/$metadata#companies`, value: [companyRecord()] });
  if (first.key?.toLowerCase() !== companyId) return bcError(404, 'BadRequest_NotFound', `Resource not found for the segment 'companies'.`);
  if (!second) return method === 'GET' ? json({ '@odata.context': `${apiBase}/$metadata#companies/$entity`, ...companyRecord() }) : methodNotAllowed();
  const contextBase = `${apiBase}/$metadata#companies(${companyId})`;
  const key = second.key === undefined ? undefined : parseKey(second.key);
  const entityUrl = (set: string, id: string) => `${apiBase}/companies(${companyId})/${set}(${id})`;
  const now = deps.now();

  if (!Object.hasOwn(RESOURCES, second.name)) return notASegment(second.name);
  return RESOURCES[second.name]!({ c, method, key, third, query, page, contextBase, entityUrl, now, store: deps.store });
};
