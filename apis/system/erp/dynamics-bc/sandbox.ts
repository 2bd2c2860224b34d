import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { BC_EMPTY_GUID, BC_GUID, BC_MAX_PAGE_SIZE, BC_PROPERTIES, BC_SCOPE, type BcEntity, type BcPropertyType, type EntraTokenResponseWire } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import {
  SANDBOX_CURRENCIES,
  SANDBOX_EXCHANGE_RATES,
  SANDBOX_ITEMS,
  SANDBOX_PAYMENT_JOURNAL,
  currencyIdOf,
  isoDay,
  itemIdOf,
  orderHeader,
  orderLine,
  seedCustomer,
  seedFinancials,
  seedInvoices,
  seedOpenOrder,
  type BcRecord,
} from './sandbox-data.js';
import { DYNAMICS_BC_FAULTS, bcError, unauthorized } from './sandbox-faults.js';
import { ODataQueryError, parseFilter, parseOrderBy, parseSelect } from './sandbox-odata.js';
import { BcResponse, TYPE_NAMES, badRequest, etagOf, json, notFound, readBody, refuse } from './sandbox-wire.js';

export interface DynamicsBcSandboxOptions {
  /** Token expiry and "today" for the seeded ledger; default the system clock. */
  readonly clock?: Clock;
  /** Added to every Business Central call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  /** Largest page answered (BC's own is 20,000); `Prefer: odata.maxpagesize=N` asks for less. */
  readonly maxPageSize?: number;
}

/** What the sandbox saw of one request (for conformance tests); the bearer token itself is not kept. */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point, without the query: `/v2.0/{tenant}/{env}/api/v2.0/companies(…)/customers`. */
  readonly path: string;
  /** Decoded query options (`$filter`, `$select`, …). */
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const TOKEN_LIFETIME_SECONDS = 3599;
const RECORDED_HEADERS = ['accept', 'content-type', 'if-match', 'prefer', 'traceparent', 'authorization'];
const SYSTEM_OPTIONS = new Set(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$skiptoken']);
const API_PATH = /\/v2\.0\/[^/]+\/[^/]+\/api\/v2\.0(?:\/|$)/;
const TOKEN_PATH = /\/[^/]+\/oauth2\/v2\.0\/token$/;

/** Where the sandbox is mounted (`/dynamics-bc`), from a request path. */
const mountOf = (path: string): string => {
  for (const marker of [API_PATH, TOKEN_PATH, /\/__sandbox\//]) {
    const at = path.search(marker);
    if (at >= 0) return path.slice(0, at);
  }
  return '';
};
const relativePath = (path: string) => path.slice(mountOf(path).length);

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = name === 'authorization' ? value.replace(/^(\S+)\s+\S.*$/, '$1 [token]') : value;
  }
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'DELETE' ? undefined : await c.req.text();
  const query = Object.fromEntries(new URL(c.req.url).searchParams);
  return { method: c.req.method, path: relativePath(c.req.path), query, headers, ...(body !== undefined ? { body } : {}) };
};


const entraError = (status: 400 | 401, error: string, code: number, description: string) =>
  new Response(
    JSON.stringify({ error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() }),
    { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } },
  );

interface RequestInfo {
  readonly url: string;
  readonly preferredPageSize?: number;
}

interface Store {
  readonly customers: Map<string, { record: BcRecord; readonly seed?: SeedCompany }>;
  readonly orders: Map<string, { header: BcRecord; lines: BcRecord[] }>;
  readonly payments: BcRecord[];
  counters: { customer: number; order: number; payment: number };
}

/**
 * A Business Central (API v2.0) simulator: Entra ID client-credentials tokens for the sandbox app
 * (`POST /{tenant}/oauth2/v2.0/token`, scope `https://api.businesscentral.dynamics.com/.default`), and
 * `/v2.0/{tenant}/{environment}/api/v2.0/companies({id})/…` with customers (+ customerFinancialDetail),
 * salesOrders (+ salesOrderLines, deep insert), salesInvoices, customerPayments and
 * customerPaymentJournals, currencyExchangeRates; `$filter`/`$select`/`$expand`/`$orderby`/`$top`/`$skip`, server-driven
 * paging with `@odata.nextLink` (`Prefer: odata.maxpagesize`), ETags and `If-Match` on PATCH/DELETE,
 * 201 on create, BC's `{"error": {code, message}}` envelope. Seeded from SEED_COMPANIES; writes stay
 * in memory (`POST /__sandbox/reset` restores the seed).
 *
 * Control API under `/__sandbox`: `faults` (shared fault injection: `x-sandbox-fault` header or
 * scripted rules, any method), `stats` / `requests` (request log), `DELETE tokens`, `reset`, and
 * `POST write-faults {kind, delayMs?, times?, pathPattern?}` for creates (POST) only: `slow-commit`
 * (the record is written, then the response held — a write that lands while the client times out,
 * RELIABILITY.md E2), `hang` (held, nothing written), `error500` / `error503` (nothing written).
 *
 * @example sandboxServer.route('/dynamics-bc', createDynamicsBcSandbox()) // then …/dynamics-bc/v2.0/{tenant}/production/api/v2.0/companies({id})/customers
 */
export const createDynamicsBcSandbox = (options: DynamicsBcSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const maxPageSize = Math.min(options.maxPageSize ?? BC_MAX_PAGE_SIZE, BC_MAX_PAGE_SIZE);
  const faults = createFaultInjection(DYNAMICS_BC_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 500 });
  /** Issued access tokens → tenant and expiry (epoch ms). */
  const tokens = new Map<string, { tenant: string; expiresAt: number }>();
  let writeFaults: { kind: 'slow-commit' | 'error500' | 'error503' | 'hang'; delayMs: number; remaining: number | undefined; pattern: RegExp | undefined }[] = [];

  const seedStore = (): Store => {
    const now = clock.now();
    const store: Store = { customers: new Map(), orders: new Map(), payments: [], counters: { customer: 10001, order: 102001, payment: 1 } };
    SEED_COMPANIES.forEach((seed, index) => {
      const record = seedCustomer(seed, now);
      store.customers.set(String(record.id), { record, seed });
      const order = seedOpenOrder(seed, index, record, now);
      if (order) store.orders.set(String(order.header.id), order);
    });
    return store;
  };
  let store = seedStore();

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // `redirect` fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/tokens', (c) => {
    tokens.clear();
    return c.body(null, 204);
  });
  const WriteFaultSchema = z.strictObject({
    kind: z.enum(['slow-commit', 'error500', 'error503', 'hang']),
    delayMs: z.number().int().min(1).max(60_000).optional(),
    times: z.number().int().min(1).max(1000).optional(),
    pathPattern: z.string().min(1).max(200).optional(),
  });
  app.post('/__sandbox/write-faults', async (c) => {
    const parsed = WriteFaultSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid write fault rule' }, 400);
    const { kind, delayMs, times, pathPattern } = parsed.data;
    writeFaults.push({ kind, delayMs: delayMs ?? 1_000, remaining: times, pattern: pathPattern ? new RegExp(pathPattern) : undefined });
    return c.json({ writeFaults: writeFaults.length }, 201);
  });
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    tokens.clear();
    writeFaults = [];
    store = seedStore();
    return c.body(null, 204);
  });

  // Every vendor call: recorded, then the base latency, then any fault (and, for creates, any write fault).
  for (const pattern of ['/v2.0/*', '/:tenant/oauth2/*']) {
    app.use(pattern, log.record);
    app.use(pattern, async function baseLatency(_c, next) {
      if (latencyMs > 0) await sleep(latencyMs);
      await next();
    });
    app.use(pattern, faults.inject);
  }
  app.use('/v2.0/*', async function injectWriteFaults(c, next) {
    const rule = c.req.method === 'POST' ? writeFaults.find((r) => !r.pattern || r.pattern.test(c.req.path)) : undefined;
    if (!rule) return next();
    if (rule.remaining !== undefined && --rule.remaining <= 0) writeFaults = writeFaults.filter((r) => r !== rule);
    if (rule.kind === 'error500' || rule.kind === 'error503') return DYNAMICS_BC_FAULTS.errorResponse(rule.kind, rule.kind === 'error500' ? 500 : 503, {});
    if (rule.kind === 'hang') {
      // Nothing is written: held until the client gives up (or the hold ends), then too late.
      await sleep(rule.delayMs, undefined, { signal: c.req.raw.signal, ref: false }).catch(() => undefined);
      return DYNAMICS_BC_FAULTS.errorResponse('timeout', 504, {});
    }
    await next();
    // slow-commit: written already; the client may give up meanwhile, the record stays.
    if (c.res.status === 201) await sleep(rule.delayMs, undefined, { ref: false });
  });

  // ---- Entra ID token endpoint -------------------------------------------------------------------
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const tenant = c.req.param('tenant');
    if (tenant !== SANDBOX_DYNAMICS_BC.tenantId) return entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials') return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== SANDBOX_DYNAMICS_BC.clientId) return entraError(400, 'unauthorized_client', 700016, 'Application was not found in the directory.');
    if (form.get('client_secret') !== SANDBOX_DYNAMICS_BC.clientSecret) return entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    if (form.get('scope') !== BC_SCOPE) return entraError(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    const now = clock.now();
    for (const [t, entry] of tokens) if (entry.expiresAt <= now) tokens.delete(t);
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.${randomBytes(32).toString('base64url')}.`;
    tokens.set(accessToken, { tenant, expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 });
    const body: EntraTokenResponseWire = { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
  });

  // ---- Business Central API v2.0 -----------------------------------------------------------------
  app.all('/v2.0/:tenant/:environment/api/v2.0/*', async (c) => {
    const tenant = c.req.param('tenant');
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(c.req.header('authorization') ?? '');
    const issued = m ? tokens.get(m[1]!) : undefined;
    if (!issued || issued.expiresAt <= clock.now() || issued.tenant !== tenant) return unauthorized();
    if (c.req.param('environment') !== SANDBOX_DYNAMICS_BC.environment) return bcError(404, 'BadRequest_NotFound', `Environment '${c.req.param('environment')}' not found.`);
    try {
      return await handleApi(c);
    } catch (cause) {
      if (cause instanceof BcResponse) return cause.response;
      if (cause instanceof ODataQueryError) return badRequest(cause.message);
      throw cause;
    }
  });

  const handleApi = async (c: Context): Promise<Response> => {
    const url = new URL(c.req.url);
    const at = url.pathname.search(API_PATH);
    const apiBase = url.origin + url.pathname.slice(0, at) + /\/v2\.0\/[^/]+\/[^/]+\/api\/v2\.0/.exec(url.pathname)![0];
    const rest = url.pathname.slice(apiBase.length - url.origin.length).replace(/^\//, '');
    const segments = rest.split('/').filter(Boolean).map((s) => {
      const seg = /^([A-Za-z]+)(?:\(([^)]*)\))?$/.exec(decodeURIComponent(s));
      if (!seg) return refuse(bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${s}'.`));
      return { name: seg[1]!, key: seg[2] };
    });
    const query = url.searchParams;
    for (const name of query.keys()) if (name.startsWith('$') && !SYSTEM_OPTIONS.has(name)) refuse(badRequest(`The query parameter '${name}' is not supported.`));
    const method = c.req.method;
    const preferred = /odata\.maxpagesize=(\d{1,6})/i.exec(c.req.header('prefer') ?? '')?.[1];
    const req: RequestInfo = { url: c.req.url, ...(preferred ? { preferredPageSize: Number(preferred) } : {}) };
    const [first, second, third] = segments;
    const companyId = SANDBOX_DYNAMICS_BC.companyId;

    if (!first || first.name !== 'companies') return bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${first?.name ?? ''}'.`);
    if (first.key === undefined && !second && method === 'GET') return json({ '@odata.context': `${apiBase}/$metadata#companies`, value: [companyRecord()] });
    if (first.key?.toLowerCase() !== companyId) return bcError(404, 'BadRequest_NotFound', `Resource not found for the segment 'companies'.`);
    if (!second) return method === 'GET' ? json({ '@odata.context': `${apiBase}/$metadata#companies/$entity`, ...companyRecord() }) : methodNotAllowed();
    const contextBase = `${apiBase}/$metadata#companies(${companyId})`;
    const key = second.key === undefined ? undefined : parseKey(second.key);
    const entityUrl = (set: string, id: string) => `${apiBase}/companies(${companyId})/${set}(${id})`;
    const now = clock.now();

    switch (second.name) {
      case 'customers': {
        if (third) return notASegment(third.name);
        if (key === undefined) {
          if (method === 'GET') return list(req, query, contextBase + '/customers', 'customer', customerRows(), customerExpand(now));
          if (method === 'POST') return createCustomer(await bodyOf(c), query, contextBase, entityUrl, now);
          return methodNotAllowed();
        }
        const entry = store.customers.get(key);
        if (!entry) return notFound('Customer', `Id='{${key}}'`);
        if (method === 'GET') return entity(entry.record, query, `${contextBase}/customers/$entity`, 'customer', customerExpand(now));
        if (method === 'PATCH') {
          const updates = readBody(await bodyOf(c), 'customer');
          checkIfMatch(c, entry.record);
          if (updates.number !== undefined && updates.number !== entry.record.number) refuse(badRequest('The customer number cannot be changed through this API.'));
          if (typeof updates.currencyCode === 'string') checkCurrency(updates.currencyCode);
          entry.record = { ...entry.record, ...updates, ...(typeof updates.currencyCode === 'string' ? { currencyId: currencyIdOf(updates.currencyCode) } : {}), lastModifiedDateTime: new Date(now).toISOString() };
          return entity(entry.record, query, `${contextBase}/customers/$entity`, 'customer', customerExpand(now));
        }
        return methodNotAllowed();
      }
      case 'customerFinancialDetails': {
        if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
        const rows = [...store.customers.values()].map((e) => financialRow(e, now));
        if (key === undefined) return list(req, query, `${contextBase}/customerFinancialDetails`, 'customerFinancialDetail', rows);
        const row = rows.find((r) => r.id === key);
        return row ? entity(row, query, `${contextBase}/customerFinancialDetails/$entity`, 'customerFinancialDetail') : notFound('Customer', `Id='{${key}}'`);
      }
      case 'salesOrders': {
        if (key === undefined) {
          if (third) return notASegment(third.name);
          if (method === 'GET') return list(req, query, `${contextBase}/salesOrders`, 'salesOrder', [...store.orders.values()].map((o) => o.header), orderExpand());
          if (method === 'POST') return createOrder(await bodyOf(c), query, contextBase, entityUrl, now);
          return methodNotAllowed();
        }
        const order = store.orders.get(key);
        if (!order) return notFound('Sales Header', `Id='{${key}}'`);
        if (third) {
          if (third.name !== 'salesOrderLines' || method !== 'GET') return third.name !== 'salesOrderLines' ? notASegment(third.name) : methodNotAllowed();
          if (third.key !== undefined) {
            const line = order.lines.find((l) => l.id === parseKey(third.key!));
            return line ? entity(line, query, `${contextBase}/salesOrders(${key})/salesOrderLines/$entity`, 'salesOrderLine') : notFound('Sales Line', `Id='{${third.key}}'`);
          }
          return list(req, query, `${contextBase}/salesOrders(${key})/salesOrderLines`, 'salesOrderLine', order.lines);
        }
        if (method === 'GET') return entity(order.header, query, `${contextBase}/salesOrders/$entity`, 'salesOrder', orderExpand());
        if (method === 'PATCH') {
          const updates = readBody(await bodyOf(c), 'salesOrder');
          checkIfMatch(c, order.header);
          for (const fixed of ['customerId', 'customerNumber', 'number']) if (updates[fixed] !== undefined && updates[fixed] !== order.header[fixed]) refuse(badRequest(`The property '${fixed}' cannot be changed on an existing order.`));
          order.header = { ...order.header, ...updates, lastModifiedDateTime: new Date(now).toISOString() };
          return entity(order.header, query, `${contextBase}/salesOrders/$entity`, 'salesOrder', orderExpand());
        }
        if (method === 'DELETE') {
          checkIfMatch(c, order.header);
          store.orders.delete(key);
          return new Response(null, { status: 204 });
        }
        return methodNotAllowed();
      }
      case 'salesInvoices': {
        if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
        const rows = invoiceRows(now);
        if (key === undefined) return list(req, query, `${contextBase}/salesInvoices`, 'salesInvoice', rows);
        const row = rows.find((r) => r.id === key);
        return row ? entity(row, query, `${contextBase}/salesInvoices/$entity`, 'salesInvoice') : notFound('Sales Invoice Header', `Id='{${key}}'`);
      }
      case 'customerPayments': {
        if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
        if (key === undefined) return list(req, query, `${contextBase}/customerPayments`, 'customerPayment', store.payments);
        const row = store.payments.find((p) => p.id === key);
        return row ? entity(row, query, `${contextBase}/customerPayments/$entity`, 'customerPayment') : notFound('Gen. Journal Line', `Id='{${key}}'`);
      }
      case 'currencyExchangeRates': {
        if (third || method !== 'GET') return third ? notASegment(third.name) : methodNotAllowed();
        if (key === undefined) return list(req, query, `${contextBase}/currencyExchangeRates`, 'currencyExchangeRate', SANDBOX_EXCHANGE_RATES);
        const row = SANDBOX_EXCHANGE_RATES.find((r) => r.id === key);
        return row ? entity(row, query, `${contextBase}/currencyExchangeRates/$entity`, 'currencyExchangeRate') : notFound('Currency Exchange Rate', `Id='{${key}}'`);
      }
      case 'customerPaymentJournals': {
        const journals = [SANDBOX_PAYMENT_JOURNAL];
        if (key === undefined) return third ? notASegment(third.name) : method === 'GET' ? list(req, query, `${contextBase}/customerPaymentJournals`, 'customerPaymentJournal', journals) : methodNotAllowed();
        const journal = journals.find((j) => j.id === key);
        if (!journal) return notFound('Gen. Journal Batch', `Id='{${key}}'`);
        if (!third) return method === 'GET' ? entity(journal, query, `${contextBase}/customerPaymentJournals/$entity`, 'customerPaymentJournal') : methodNotAllowed();
        if (third.name !== 'customerPayments' || third.key !== undefined) return notASegment(third.name);
        const rows = store.payments.filter((p) => p.journalId === key);
        if (method === 'GET') return list(req, query, `${contextBase}/customerPaymentJournals(${key})/customerPayments`, 'customerPayment', rows);
        if (method === 'POST') return createPayment(await bodyOf(c), journal, query, contextBase, entityUrl, now);
        return methodNotAllowed();
      }
      default:
        return notASegment(second.name);
    }
  };

  // ---- reads ------------------------------------------------------------------------------------

  type Expand = Record<string, (row: BcRecord) => unknown>;

  const companyRecord = () => ({
    id: SANDBOX_DYNAMICS_BC.companyId,
    systemVersion: '27.0.38460.40725',
    timestamp: 18_446_744,
    name: 'CRONUS Strata Sandbox',
    displayName: 'CRONUS Strata Sandbox',
    businessProfileId: '',
    systemCreatedAt: '2025-01-06T09:00:00Z',
    systemCreatedBy: BC_EMPTY_GUID,
    systemModifiedAt: '2025-01-06T09:00:00Z',
    systemModifiedBy: BC_EMPTY_GUID,
  });

  const customerRows = () => [...store.customers.values()].map((e) => e.record);
  const financialRow = (entry: { record: BcRecord; seed?: SeedCompany }, now: number): BcRecord => ({
    id: entry.record.id,
    number: entry.record.number,
    ...(entry.seed ? seedFinancials(entry.seed, now) : { balance: 0, overdueAmount: 0, totalSalesExcludingTax: 0 }),
    lastModifiedDateTime: entry.record.lastModifiedDateTime,
  });
  const customerExpand = (now: number): Expand => ({
    customerFinancialDetail: (row) => {
      const entry = store.customers.get(String(row.id));
      return entry ? withEtag(financialRow(entry, now)) : null;
    },
  });
  const orderExpand = (): Expand => ({ salesOrderLines: (row) => (store.orders.get(String(row.id))?.lines ?? []).map(withEtag) });
  const invoiceRows = (now: number) =>
    [...store.customers.values()].flatMap((entry) => (entry.seed ? seedInvoices(entry.seed, entry.record, now) : []));

  const withEtag = (row: BcRecord) => ({ '@odata.etag': etagOf(row), ...row });

  const parseExpand = (query: URLSearchParams, expand: Expand): string[] => {
    const text = query.get('$expand');
    if (text === null) return [];
    return text.split(',').map((part) => {
      const name = part.trim();
      if (!Object.hasOwn(expand, name)) refuse(badRequest(`Could not find a property named '${name}' on type 'Microsoft.NAV.entity' (or expanding it is not supported by the sandbox).`));
      return name;
    });
  };

  const project = (row: BcRecord, entityName: BcEntity, query: URLSearchParams, expand: Expand): BcRecord => {
    const select = query.get('$select');
    const properties = BC_PROPERTIES[entityName] as Record<string, BcPropertyType>;
    const names = select === null ? Object.keys(row) : parseSelect(select, properties, TYPE_NAMES[entityName]);
    const out: BcRecord = { '@odata.etag': etagOf(row) };
    for (const name of names) out[name] = row[name];
    for (const name of parseExpand(query, expand)) out[name] = expand[name]!(row);
    return out;
  };

  const entity = (row: BcRecord, query: URLSearchParams, context: string, entityName: BcEntity, expand: Expand = {}) => {
    const body = { '@odata.context': context, ...project(row, entityName, query, expand) };
    return json(body, 200, { etag: etagOf(row) });
  };

  const count = (query: URLSearchParams, name: string): number | undefined => {
    const text = query.get(name);
    if (text === null) return undefined;
    if (!/^\d{1,9}$/.test(text)) refuse(badRequest(`Invalid value '${text}' for ${name} query option.`));
    return Number(text);
  };

  const list = (req: RequestInfo, query: URLSearchParams, context: string, entityName: BcEntity, rows: readonly BcRecord[], expand: Expand = {}) => {
    const preferred = req.preferredPageSize;
    const properties = BC_PROPERTIES[entityName] as Record<string, BcPropertyType>;
    const typeName = TYPE_NAMES[entityName];
    const filterText = query.get('$filter');
    const orderText = query.get('$orderby');
    let result = filterText === null ? [...rows] : rows.filter(parseFilter(filterText, properties, typeName));
    if (orderText !== null) result.sort(parseOrderBy(orderText, properties, typeName));
    const skip = count(query, '$skip') ?? 0;
    const top = count(query, '$top');
    result = result.slice(skip, top === undefined ? undefined : skip + top);
    const pageSize = Math.max(1, Math.min(maxPageSize, preferred ?? maxPageSize));
    const offset = count(query, '$skiptoken') ?? 0;
    const page = result.slice(offset, offset + pageSize);
    const body: Record<string, unknown> = { '@odata.context': context, value: page.map((row) => project(row, entityName, query, expand)) };
    if (offset + pageSize < result.length) body['@odata.nextLink'] = nextLink(req.url, offset + pageSize);
    return json(body, 200, preferred !== undefined ? { 'preference-applied': `odata.maxpagesize=${pageSize}` } : {});
  };

  /** The request URL again with `$skiptoken` set (other options kept as the client encoded them). */
  const nextLink = (requestUrl: string, offset: number) => {
    const url = new URL(requestUrl);
    const kept = url.search.replace(/^\?/, '').split('&').filter((p) => p && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
    return `${url.origin}${url.pathname}?${[...kept, `$skiptoken=${offset}`].join('&')}`;
  };

  // ---- writes -----------------------------------------------------------------------------------

  const bodyOf = async (c: Context): Promise<unknown> => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) refuse(bcError(415, 'BadRequest_InvalidContentType', 'The request content type must be application/json.'));
    try {
      return JSON.parse(await c.req.text());
    } catch {
      return refuse(badRequest('Invalid Request Body.'));
    }
  };

  const checkIfMatch = (c: Context, row: BcRecord) => {
    const ifMatch = c.req.header('if-match');
    if (!ifMatch) refuse(bcError(428, 'Request_IfMatchRequired', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.'));
    if (ifMatch !== '*' && ifMatch !== etagOf(row)) refuse(bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.'));
  };

  const checkCurrency = (code: string) => {
    if (code !== '' && !SANDBOX_CURRENCIES.includes(code)) refuse(notFound('Currency', `Code='${code}'`));
  };

  const created = (row: BcRecord, query: URLSearchParams, context: string, location: string, entityName: BcEntity, expand: Expand = {}) =>
    json({ '@odata.context': context, ...project(row, entityName, query, expand) }, 201, { etag: etagOf(row), location });

  const createCustomer = (raw: unknown, query: URLSearchParams, contextBase: string, entityUrl: (set: string, id: string) => string, now: number) => {
    const body = readBody(raw, 'customer');
    const number = typeof body.number === 'string' && body.number !== '' ? body.number : `C${store.counters.customer++}`;
    if (customerRows().some((r) => r.number === number)) {
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
    return created(record, query, `${contextBase}/customers/$entity`, entityUrl('customers', String(record.id)), 'customer', customerExpand(now));
  };

  const findCustomer = (body: BcRecord): { record: BcRecord } => {
    const entry =
      typeof body.customerId === 'string'
        ? store.customers.get(body.customerId.toLowerCase())
        : typeof body.customerNumber === 'string'
          ? [...store.customers.values()].find((e) => e.record.number === body.customerNumber)
          : refuse(badRequest('You must specify a customer id or a customer number.'));
    return entry ?? refuse(notFound('Customer', typeof body.customerId === 'string' ? `Id='{${body.customerId}}'` : `No.='${String(body.customerNumber)}'`));
  };

  const createOrder = (raw: unknown, query: URLSearchParams, contextBase: string, entityUrl: (set: string, id: string) => string, now: number) => {
    const body = readBody(raw, 'salesOrder', ['salesOrderLines']);
    const customer = findCustomer(body).record;
    const currencyCode = typeof body.currencyCode === 'string' && body.currencyCode !== '' ? body.currencyCode : String(customer.currencyCode);
    checkCurrency(currencyCode);
    const rawLines = body.salesOrderLines ?? [];
    if (!Array.isArray(rawLines)) return badRequest("The property 'salesOrderLines' must be a collection.");
    const id = randomUUID();
    const orderDate = typeof body.orderDate === 'string' ? body.orderDate : isoDay(now);
    const lines = rawLines.map((rawLine, index) => {
      const line = readBody(rawLine, 'salesOrderLine');
      const lineType = line.lineType ?? 'Item';
      if (lineType !== 'Item') refuse(badRequest(`The sandbox supports lines of type 'Item' only, not '${String(lineType)}'.`));
      const itemId = typeof line.itemId === 'string' ? line.itemId.toLowerCase() : undefined;
      const item = itemId ? SANDBOX_ITEMS.find((i) => itemIdOf(i.number) === itemId) : SANDBOX_ITEMS.find((i) => i.number === line.lineObjectNumber);
      if (!item) refuse(notFound('Item', `No.='${String(line.lineObjectNumber ?? line.itemId)}'`));
      if (typeof line.quantity !== 'number' || line.quantity < 0) refuse(badRequest('Quantity must be a positive number.'));
      return orderLine(
        id,
        (index + 1) * 10000,
        {
          number: item!.number,
          description: typeof line.description === 'string' && line.description !== '' ? line.description : item!.displayName,
          quantity: line.quantity as number,
          unitPrice: typeof line.unitPrice === 'number' ? line.unitPrice : item!.unitPrice,
        },
        typeof line.shipmentDate === 'string' ? line.shipmentDate : orderDate,
      );
    });
    const header = orderHeader(
      {
        id,
        number: `S-ORD${store.counters.order++}`,
        externalDocumentNumber: typeof body.externalDocumentNumber === 'string' ? body.externalDocumentNumber : '',
        orderDate,
        currencyCode,
        status: 'Draft',
        lastModifiedDateTime: new Date(now).toISOString(),
      },
      customer,
      lines,
    );
    store.orders.set(id, { header, lines });
    return created(header, query, `${contextBase}/salesOrders/$entity`, entityUrl('salesOrders', id), 'salesOrder', orderExpand());
  };

  const createPayment = (raw: unknown, journal: BcRecord, query: URLSearchParams, contextBase: string, entityUrl: (set: string, id: string) => string, now: number) => {
    const body = readBody(raw, 'customerPayment');
    const customer = findCustomer(body).record;
    if (typeof body.amount !== 'number') return badRequest('The amount must be specified.');
    let invoice: BcRecord | undefined;
    if (typeof body.appliesToInvoiceId === 'string' || typeof body.appliesToInvoiceNumber === 'string') {
      invoice = invoiceRows(now).find((i) => i.id === body.appliesToInvoiceId || i.number === body.appliesToInvoiceNumber);
      if (!invoice || invoice.customerId !== customer.id) return notFound('Cust. Ledger Entry', `Document No.='${String(body.appliesToInvoiceNumber ?? body.appliesToInvoiceId)}'`);
    }
    const lineNumber = (store.payments.filter((p) => p.journalId === journal.id).length + 1) * 10000;
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

  const parseKey = (key: string) => {
    const k = key.replace(/^id=/, '');
    if (!BC_GUID.test(k)) refuse(badRequest(`Bad Request - Error in query syntax. The key value '${key}' is not a valid Edm.Guid.`));
    return k.toLowerCase();
  };
  const notASegment = (name: string) => bcError(404, 'BadRequest_NotFound', `Resource not found for the segment '${name}'.`);
  const methodNotAllowed = () => bcError(405, 'BadRequest_MethodNotAllowed', 'The requested operation is not supported for this resource.');

  return app;
};
