import { randomBytes, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import type { z } from 'zod';
import {
  NS_CLIENT_ASSERTION_TYPE,
  NS_CUSTOMER_PATH,
  NS_IDEMPOTENCY_KEY,
  NS_IDEMPOTENCY_KEY_HEADER,
  NS_PROPERTY_NAME_VALIDATION_HEADER,
  NS_SALES_ORDER_PATH,
  NS_SCOPE,
  NS_SUITEQL_MAX_LIMIT,
  NS_SUITEQL_PATH,
  NS_TOKEN_PATH,
  NsCustomerCreateSchema,
  NsSalesOrderCreateSchema,
  NsSuiteQlRequestSchema,
  type NsSuiteQlPageWire,
  type NsTokenResponseWire,
} from '../../../../openapi/vendors/netsuite/types.js';
import { SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxKeyPair } from './sandbox-credentials.js';
import { NETSUITE_FAULTS, nsErrorResponse } from './sandbox-faults.js';
import { customerRecord, salesOrderRecord, SANDBOX_CURRENCIES, SANDBOX_ITEMS } from './sandbox-records.js';
import { createNetsuiteSandboxStore, type RecordType } from './sandbox-store.js';
import { runSuiteQl } from './sandbox-suiteql.js';

/** A certificate uploaded to the sandbox's integration record: assertions with this `kid` verify with this key. */
export interface SandboxCertificate {
  readonly clientId: string;
  readonly certificateId: string;
  readonly publicKey: KeyObject;
}

export interface NetsuiteSandboxOptions {
  /** Token expiry and assertion checks; default the system clock. */
  readonly clock?: Clock;
  /** Added to every NetSuite call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  /** Default: the deterministic sandbox certificate (`sandboxNetsuiteConfig` signs with its key). */
  readonly certificates?: readonly SandboxCertificate[];
  /**
   * A write repeating an `X-NetSuite-Idempotency-Key`: `replay` (default) answers the first request's
   * 204 and Location again; `conflict` answers 400 `IDEMPOTENCY_ERROR` with that Location, as Oracle
   * documents for asynchronous requests. The adapter must get the one record either way.
   */
  readonly repeatedIdempotencyKey?: 'replay' | 'conflict';
}

/** What the sandbox saw of one request (for conformance tests); the bearer token itself is not kept. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const TOKEN_LIFETIME_SECONDS = 3600;
const RECORD_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=singular-resource; charset=UTF-8';
const COLLECTION_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8';
const RECORDED_HEADERS = ['accept', 'content-type', 'prefer', 'traceparent', 'authorization', NS_IDEMPOTENCY_KEY_HEADER, NS_PROPERTY_NAME_VALIDATION_HEADER];
/** A record id in a path: an internal id, or `eid:` and an external id. */
const RECORD_REF = /^(?:\d{1,12}|eid:[A-Za-z0-9_.-]{1,255})$/;

/** The part of the path after the mount point (`/netsuite/services/…` → `/services/…`). */
const relativePath = (path: string): string => {
  for (const marker of ['/services/', '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
/** The URL the client used, up to the mount point: links and the expected `aud` are built from it. */
const baseUrlOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf('/services/');
  return url.origin + (at > 0 ? url.pathname.slice(0, at) : '');
};
/** What is kept of a request: the path relative to the mount point, the headers that matter, the body; the bearer token itself is masked. */
const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = name === 'authorization' ? value.replace(/^(\S+)\s+\S.*$/, '$1 [token]') : value;
  }
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await c.req.text();
  return { method: c.req.method, path: relativePath(c.req.path), query: c.req.query(), headers, ...(body !== undefined ? { body } : {}) };
};
const json = (body: unknown, contentType: string, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });
const oauthError = (status: 400 | 401, error: string) => json({ error }, 'application/json', status);

/**
 * A NetSuite simulator speaking the REST web services wire format, seeded from SEED_COMPANIES:
 * - OAuth 2.0 client credentials with a JWT assertion (verified: structure, `kid`, signature, `iss`,
 *   `aud`, `exp` ≤ 1 h, scope); every record and query call needs a bearer token it issued;
 * - record v1: `GET /customer/{id|eid:…}`, `POST /customer`, `GET /salesOrder/{id|eid:…}`,
 *   `POST /salesOrder` (`expandSubResources`, `fields`); writes answer 204 with `Location`, are
 *   validated strictly (unknown fields refused, references checked, `externalId` unique per record
 *   type: `DUP_RCRD`), and honour `X-NetSuite-Idempotency-Key` (see `repeatedIdempotencyKey`);
 * - SuiteQL (`POST /query/v1/suiteql`, `Prefer: transient`, `limit`/`offset` paging) for the queries
 *   Strata sends (sandbox-suiteql.ts).
 * Writes live in memory until `POST /__sandbox/reset`. Faults by `x-sandbox-fault` header or by
 * `POST|GET|DELETE /__sandbox/faults`; `GET /__sandbox/stats` counts requests per path (`DELETE`
 * zeroes them, with the recorded requests of `GET /__sandbox/requests`), so a test can prove that a
 * call never reached the vendor; `GET /__sandbox/created` lists the records clients created.
 *
 * @example sandboxServer.route('/netsuite', createNetsuiteSandbox()) // then .../netsuite/services/rest/record/v1/customer/8812
 */
export const createNetsuiteSandbox = (options: NetsuiteSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const certificates = options.certificates ?? [{ clientId: SANDBOX_CLIENT_ID, certificateId: SANDBOX_CERTIFICATE_ID, publicKey: sandboxKeyPair().publicKey }];
  const repeatedKey = options.repeatedIdempotencyKey ?? 'replay';
  const store = createNetsuiteSandboxStore(clock);
  const faults = createFaultInjection(NETSUITE_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 500 });
  /** Issued access tokens → expiry (epoch ms). */
  const tokens = new Map<string, number>();
  const app = new Hono();

  const bearerValid = (c: Context): boolean => {
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(c.req.header('authorization') ?? '');
    const expiresAt = m ? tokens.get(m[1]!) : undefined;
    return expiresAt !== undefined && expiresAt > clock.now();
  };
  const unauthorized = () =>
    nsErrorResponse(401, 'Unauthorized', 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.');

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // `redirect` fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/tokens', (c) => {
    tokens.clear();
    return c.body(null, 204);
  });
  app.get('/__sandbox/created', (c) => c.json(store.created()));
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    tokens.clear();
    store.reset();
    return c.body(null, 204);
  });

  // Every NetSuite call: recorded, then the base latency, then any fault.
  app.use('/services/*', log.record);
  app.use('/services/*', async function baseLatency(_c, next) {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  });
  app.use('/services/*', faults.inject);

  app.post(NS_TOKEN_PATH, async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request');
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    const assertion = form.get('client_assertion');
    if (form.get('client_assertion_type') !== NS_CLIENT_ASSERTION_TYPE || !assertion) return oauthError(400, 'invalid_request');
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      return oauthError(400, 'invalid_request');
    }
    const certificate = certificates.find((k) => k.certificateId === kid);
    if (!certificate) return oauthError(401, 'invalid_client');
    let scope: unknown;
    try {
      const { payload } = await jwtVerify(assertion, certificate.publicKey, {
        algorithms: ['PS256', 'ES256'],
        issuer: certificate.clientId,
        audience: baseUrlOf(c) + NS_TOKEN_PATH,
        requiredClaims: ['iat', 'exp', 'scope'],
        currentDate: new Date(clock.now()),
        clockTolerance: 30,
      });
      if (payload.exp! - payload.iat! > 3600 || payload.exp! <= payload.iat!) return oauthError(400, 'invalid_grant');
      scope = payload.scope;
    } catch {
      return oauthError(400, 'invalid_grant');
    }
    const scopes = Array.isArray(scope) ? scope : typeof scope === 'string' ? scope.split(/[\s,]+/) : [];
    if (!scopes.includes(NS_SCOPE)) return json({ error: 'invalid_scope' }, 'application/json', 400);
    const now = clock.now();
    for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t);
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, now + TOKEN_LIFETIME_SECONDS * 1000);
    const body: NsTokenResponseWire = { access_token: accessToken, expires_in: String(TOKEN_LIFETIME_SECONDS), token_type: 'bearer' };
    return json(body, 'application/json');
  });

  /** A record, or only the fields asked for (`?fields=a,b`, plus id and links). */
  const recordResponse = (c: Context, record: Record<string, unknown>) => {
    const fields = c.req.query('fields');
    if (!fields) return json(record, RECORD_CONTENT_TYPE);
    const wanted = new Set(['links', 'id', ...fields.split(',').map((f) => f.trim())]);
    return json(Object.fromEntries(Object.entries(record).filter(([k]) => wanted.has(k))), RECORD_CONTENT_TYPE);
  };
  const nonexistent = () => nsErrorResponse(404, 'Not Found', 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.', 'id');
  const invalidReference = (path: string, value: string) => nsErrorResponse(400, 'Bad Request', 'INVALID_KEY_OR_REF', `Invalid ${path.split('.').pop()} reference key ${value}.`, path);
  const created = (c: Context, recordPath: string, id: string) => c.body(null, 204, { location: `${baseUrlOf(c)}${recordPath}/${id}` });

  app.get(`${NS_CUSTOMER_PATH}/:id`, (c) => {
    if (!bearerValid(c)) return unauthorized();
    const ref = c.req.param('id');
    const customer = RECORD_REF.test(ref) ? store.customer(ref) : undefined;
    if (!customer) return nonexistent();
    const now = clock.now();
    return recordResponse(
      c,
      customerRecord(customer, baseUrlOf(c), { expandSubResources: c.req.query('expandSubResources') === 'true', invoices: store.invoicesOf(customer.id), unbilledMinor: store.unbilledMinorOf(customer.id), now }),
    );
  });

  app.get(`${NS_SALES_ORDER_PATH}/:id`, (c) => {
    if (!bearerValid(c)) return unauthorized();
    const ref = c.req.param('id');
    const order = RECORD_REF.test(ref) ? store.salesOrder(ref) : undefined;
    if (!order) return nonexistent();
    return recordResponse(c, salesOrderRecord(order, store.customer(order.customerId), baseUrlOf(c), { expandSubResources: c.req.query('expandSubResources') === 'true' }));
  });

  /**
   * A record write: bearer token, JSON, a well-formed idempotency key (a repeated one gets the first
   * outcome), a body matching the strict create schema; then `apply` creates the record or refuses it.
   */
  const createRecord = <S extends z.ZodType>(type: RecordType, recordPath: string, schema: S, apply: (body: z.output<S>) => Response | { id: string }) =>
    async function createRecordHandler(c: Context) {
      if (!bearerValid(c)) return unauthorized();
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
        return nsErrorResponse(415, 'Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE', 'Send the record as application/json.');
      }
      const key = c.req.header(NS_IDEMPOTENCY_KEY_HEADER);
      if (key !== undefined && !NS_IDEMPOTENCY_KEY.test(key)) return nsErrorResponse(400, 'Bad Request', 'INVALID_HEADER', 'The idempotency key must be a UUID.', NS_IDEMPOTENCY_KEY_HEADER);
      const prior = key ? store.idempotent(key) : undefined;
      if (prior) {
        if (prior.type !== type || repeatedKey === 'conflict') {
          return nsErrorResponse(400, 'Conflict', 'IDEMPOTENCY_ERROR', 'A request with the same idempotency key is already submitted.', undefined, { location: `${baseUrlOf(c)}${recordPath}/${prior.id}` });
        }
        return created(c, recordPath, prior.id);
      }
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return nsErrorResponse(400, 'Bad Request', 'INVALID_CONTENT', 'The request body is not valid JSON.');
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const unknown = issue.code === 'unrecognized_keys';
        return nsErrorResponse(400, 'Bad Request', unknown ? 'INVALID_FIELD' : 'INVALID_CONTENT', unknown ? 'The request contains an unknown field.' : 'Invalid field value.', issue.path.join('.') || undefined);
      }
      const outcome = apply(parsed.data);
      if (outcome instanceof Response) return outcome;
      if (key) store.remember(key, type, outcome.id);
      return created(c, recordPath, outcome.id);
    };

  const duplicate = () => nsErrorResponse(400, 'Bad Request', 'DUP_RCRD', 'This record already exists.', 'externalId');

  app.post(
    NS_CUSTOMER_PATH,
    createRecord('customer', NS_CUSTOMER_PATH, NsCustomerCreateSchema, (body) => {
      if (store.externalIdTaken('customer', body.externalId)) return duplicate();
      const currency = Object.entries(SANDBOX_CURRENCIES).find(([, ref]) => ref.id === body.currency.id)?.[0];
      if (!currency) return invalidReference('currency', body.currency.id);
      if (body.subsidiary && body.subsidiary.id !== '1') return invalidReference('subsidiary', body.subsidiary.id);
      const address = body.addressBook?.items[0]?.addressBookAddress;
      const customer = store.addCustomer({
        externalId: body.externalId,
        companyName: body.companyName,
        ...(body.email ? { email: body.email } : {}),
        ...(body.phone ? { phone: body.phone } : {}),
        ...(body.vatRegNumber ? { vatRegNumber: body.vatRegNumber } : {}),
        currency,
        ...(address ? { address: { ...address, country: address.country.id } } : {}),
      });
      return { id: customer.id };
    }),
  );

  app.post(
    NS_SALES_ORDER_PATH,
    createRecord('salesOrder', NS_SALES_ORDER_PATH, NsSalesOrderCreateSchema, (body) => {
      const customer = store.customer(body.entity.id);
      if (!customer || !/^\d+$/.test(body.entity.id)) return invalidReference('entity', body.entity.id);
      // A customer's transactions are in its currency (no multi-currency customers in the sandbox).
      if (SANDBOX_CURRENCIES[customer.currency]?.id !== body.currency.id) {
        return nsErrorResponse(400, 'Bad Request', 'INVALID_FLD_VALUE', "The currency is not one of the customer's currencies.", 'currency');
      }
      const lines = [];
      for (const [index, line] of body.item.items.entries()) {
        const item = SANDBOX_ITEMS.find((i) => i.id === line.item.id && !i.isInactive);
        if (!item) return invalidReference(`item.items[${index}].item`, line.item.id);
        const listPrice = item.prices[customer.currency];
        if (line.rate === undefined && listPrice === undefined) return nsErrorResponse(400, 'Bad Request', 'INVALID_FLD_VALUE', 'The item has no price in this currency.', `item.items[${index}].rate`);
        const rateMinor = line.rate !== undefined ? Math.round(line.rate * 10 ** minorUnitExponent(customer.currency)) : listPrice!;
        lines.push({ itemId: item.id, quantity: line.quantity, rateMinor, description: line.description ?? item.displayName });
      }
      if (store.externalIdTaken('salesOrder', body.externalId)) return duplicate();
      const order = store.addSalesOrder({
        externalId: body.externalId,
        customerId: customer.id,
        currency: customer.currency,
        tranDate: body.tranDate ?? new Date(clock.now()).toISOString().slice(0, 10),
        ...(body.otherRefNum ? { otherRefNum: body.otherRefNum } : {}),
        status: 'B',
        lines,
      });
      return { id: order.id };
    }),
  );

  app.post(NS_SUITEQL_PATH, async (c) => {
    if (!bearerValid(c)) return unauthorized();
    if ((c.req.header('prefer') ?? '').trim().toLowerCase() !== 'transient') {
      return nsErrorResponse(400, 'Bad Request', 'INVALID_HEADER', 'SuiteQL requests must carry the header Prefer: transient.', 'Prefer');
    }
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return nsErrorResponse(415, 'Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE', 'Send the query as application/json.');
    }
    let request: { q: string };
    try {
      request = NsSuiteQlRequestSchema.parse(JSON.parse(await c.req.text()));
    } catch {
      return nsErrorResponse(400, 'Bad Request', 'INVALID_CONTENT', 'The request body must be {"q": "<SuiteQL>"}.');
    }
    const limitText = c.req.query('limit') ?? String(NS_SUITEQL_MAX_LIMIT);
    const offsetText = c.req.query('offset') ?? '0';
    const limit = /^\d{1,7}$/.test(limitText) ? Number(limitText) : NaN;
    const offset = /^\d{1,9}$/.test(offsetText) ? Number(offsetText) : NaN;
    if (!(limit >= 1 && limit <= NS_SUITEQL_MAX_LIMIT)) return nsErrorResponse(400, 'Bad Request', 'INVALID_PARAMETER', 'The limit must be between 1 and 1000.', 'limit');
    if (!(offset >= 0)) return nsErrorResponse(400, 'Bad Request', 'INVALID_PARAMETER', 'The offset must be a non-negative integer.', 'offset');
    const outcome = runSuiteQl(request.q, store.suiteQlData());
    if ('error' in outcome) {
      const detail = outcome.error === 'syntax' ? 'Invalid search query. Detailed unprocessed description follows. Syntax error: unbalanced quotes.' : 'Invalid search query. The sandbox understands the queries Strata sends only.';
      return nsErrorResponse(400, 'Bad Request', 'INVALID_SEARCH', detail, 'q');
    }
    const rows = outcome.rows;
    const items = rows.slice(offset, offset + limit);
    const hasMore = offset + items.length < rows.length;
    const page = (o: number) => `${baseUrlOf(c)}${NS_SUITEQL_PATH}?limit=${limit}&offset=${o}`;
    const body: NsSuiteQlPageWire<object> = {
      links: [{ rel: 'self', href: page(offset) }, ...(hasMore ? [{ rel: 'next', href: page(offset + limit) }] : [])],
      count: items.length,
      hasMore,
      items,
      offset,
      totalResults: rows.length,
    };
    return json(body, COLLECTION_CONTENT_TYPE);
  });

  app.all('/services/*', () => nsErrorResponse(404, 'Not Found', 'INVALID_URL', 'The requested resource does not exist in the sandbox.'));

  return app;
};
