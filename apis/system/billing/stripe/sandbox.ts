import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { STRIPE_API_VERSION, STRIPE_MAX_PAGE } from '../../../../openapi/vendors/stripe/types.js';
import { SANDBOX_STRIPE_SECRET_KEY } from './config.js';
import { FormError, parseStripeForm, type ParsedForm, type ParsedFormValue } from './form.js';
import { addIntervals, cycleContaining } from './periods.js';
import { addInvoice, buildSandboxAccount, type SandboxAccount, type SandboxCustomer, type SandboxSubscription } from './sandbox-data.js';
import { STRIPE_FAULTS, stripeErrorBody } from './sandbox-faults.js';
import { EXPANDABLE, renderCustomer, renderDeletedCustomer, renderInvoice, renderSubscription } from './sandbox-render.js';
import { parseSearchQuery, SearchQueryError, type SearchRecord } from './sandbox-search.js';

export interface StripeSandboxOptions {
  /** Seeds are relative to this clock's today; periods, trials and idempotency keys age with it. */
  readonly clock?: Clock;
  /** The secret key the sandbox accepts (Bearer, or Basic with the key as user name). */
  readonly secretKey?: string;
  /**
   * How long a created record stays invisible to Search. Stripe: "data is searchable in less than a
   * minute" — search is not read-after-write. Default 0 (visible at once).
   */
  readonly searchLagMs?: number;
  /** How long an idempotency key is remembered. Stripe: at least 24 hours. */
  readonly idempotencyTtlMs?: number;
}

/** What the sandbox keeps of one Stripe request, for conformance tests (the key itself never). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point: `/v1/customers/cus_…`. */
  readonly path: string;
  /** Parameter names as sent (`customer`, `expand[]`, `items[0][price]`), query string then body. */
  readonly queryKeys: readonly string[];
  readonly formKeys: readonly string[];
  /** The decoded parameters (bracket notation unfolded); undefined when they did not parse. */
  readonly query?: ParsedForm;
  readonly form?: ParsedForm;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
  readonly stripeVersion?: string;
  /** How the key was sent: `bearer`, `basic`, or `none`. */
  readonly auth: 'bearer' | 'basic' | 'none';
}

type Env = { Variables: { params: ParsedForm; requestId: string } };
type ErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

const MAX_RECORDED = 1_000;
const DEFAULT_LIMIT = 10;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomId = (prefix: string, length = 14) => `${prefix}_${[...randomBytes(length)].map((b) => BASE62[b % 62]).join('')}`;
const seconds = (ms: number) => Math.floor(ms / 1000);
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

/** A Stripe error answer; thrown by handlers and turned into the response by `onError`. */
class StripeHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 402 | 404 | 409,
    readonly type: ErrorType,
    message: string,
    readonly extra: { code?: string; param?: string } = {},
  ) {
    super(message);
  }
}
const invalid = (message: string, param?: string, code?: string) => new StripeHttpError(400, 'invalid_request_error', message, { ...(param ? { param } : {}), ...(code ? { code } : {}) });
const noSuch = (what: string, id: string, param: string, status: 400 | 404) =>
  new StripeHttpError(status, 'invalid_request_error', `No such ${what}: '${id}'`, { code: 'resource_missing', param });

/** The path after the mount point (`/stripe/v1/customers` → `/v1/customers`). */
const relativePath = (path: string): string => {
  const at = path.indexOf('/v1/');
  return at >= 0 ? path.slice(at) : path;
};
const rawQuery = (c: Context) => {
  const url = c.req.url;
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};
const rawKeys = (text: string) =>
  text
    .split('&')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p.split('=')[0]!.replace(/\+/g, ' '));
      } catch {
        return p.split('=')[0]!;
      }
    });
const tryParse = (text: string) => {
  try {
    return parseStripeForm(text);
  } catch {
    return undefined;
  }
};
const authKind = (header: string | undefined): RecordedRequest['auth'] => (/^Bearer \S+$/.test(header ?? '') ? 'bearer' : /^Basic \S+$/.test(header ?? '') ? 'basic' : 'none');

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const query = rawQuery(c);
  const body = c.req.method === 'GET' ? '' : await c.req.text();
  const contentType = c.req.header('content-type');
  const idempotencyKey = c.req.header('idempotency-key');
  const stripeVersion = c.req.header('stripe-version');
  const parsedQuery = tryParse(query);
  const parsedForm = tryParse(body);
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    queryKeys: rawKeys(query),
    formKeys: rawKeys(body),
    ...(parsedQuery ? { query: parsedQuery } : {}),
    ...(parsedForm ? { form: parsedForm } : {}),
    ...(contentType ? { contentType } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(stripeVersion ? { stripeVersion } : {}),
    auth: authKind(c.req.header('authorization')),
  };
};

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const maskKey = (key: string) => (key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(4)}${key.slice(-4)}` : '****');

// ---------------------------------------------------------------------------------------------------
// Parameter readers: Stripe's messages and `param` names for bad input.

const str = (params: ParsedForm, name: string, max = 5000): string | undefined => {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${name}`, name);
  if (v.length > max) throw invalid(`Invalid string: must be at most ${max} characters`, name);
  return v;
};
const int = (value: ParsedFormValue | undefined, param: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d{1,15}$/.test(value)) throw invalid(`Invalid integer: ${typeof value === 'string' ? value.slice(0, 40) : param}`, param);
  return Number(value);
};
const bool = (value: ParsedFormValue | undefined, param: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalid(`Invalid boolean: ${typeof value === 'string' ? value.slice(0, 40) : param}`, param);
  return value === 'true';
};
const onlyParams = (params: ParsedForm, allowed: readonly string[]) => {
  for (const name of Object.keys(params)) if (!allowed.includes(name)) throw invalid(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
};
/** `metadata[k]=v` (an empty value deletes the key on update). Stripe: ≤ 50 keys, keys ≤ 40, values ≤ 500 characters. */
const metadataOf = (params: ParsedForm): Record<string, string> | undefined => {
  const m = params.metadata;
  if (m === undefined) return undefined;
  if (m === '') return {};
  if (typeof m !== 'object' || Array.isArray(m)) throw invalid('Invalid hash', 'metadata');
  const entries = Object.entries(m);
  if (entries.length > 50) throw invalid('Metadata can have at most 50 keys.', 'metadata');
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid('Invalid metadata value', `metadata[${k}]`);
    if (k.length > 40) throw invalid('Metadata keys can be at most 40 characters long.', `metadata[${k}]`);
    if (v.length > 500) throw invalid('Metadata values can be at most 500 characters long.', `metadata[${k}]`);
    out[k] = v;
  }
  return out;
};
const limitOf = (params: ParsedForm): number => {
  const limit = int(params.limit, 'limit') ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > STRIPE_MAX_PAGE) throw invalid(`This value must be between 1 and ${STRIPE_MAX_PAGE}.`, 'limit');
  return limit;
};
/** `expand[]=…`, each path checked against what this endpoint can expand (Stripe: at most 4 levels). */
const expandOf = (params: ParsedForm, allowed: readonly string[]): Set<string> => {
  const e = params.expand;
  if (e === undefined) return new Set();
  const paths = Array.isArray(e) ? e : typeof e === 'string' ? [e] : undefined;
  if (!paths || paths.some((p) => typeof p !== 'string')) throw invalid('Invalid array', 'expand');
  for (const p of paths as string[]) {
    if (p.split('.').length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${p.slice(0, 100)}`, 'expand');
    if (!allowed.includes(p)) throw invalid(`This property cannot be expanded (${p.slice(0, 100)}).`, 'expand');
  }
  return new Set(paths as string[]);
};
const listOf = <T extends { id: string }>(items: readonly T[], params: ParsedForm, url: string, render: (item: T) => unknown) => {
  const limit = limitOf(params);
  const after = str(params, 'starting_after');
  const before = str(params, 'ending_before');
  if (after !== undefined && before !== undefined) throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'starting_after');
  let page: readonly T[];
  let hasMore: boolean;
  if (before !== undefined) {
    const at = items.findIndex((i) => i.id === before);
    if (at < 0) throw noSuch('object', before, 'ending_before', 400);
    page = items.slice(Math.max(0, at - limit), at);
    hasMore = at - limit > 0;
  } else {
    const at = after === undefined ? 0 : items.findIndex((i) => i.id === after) + 1;
    if (after !== undefined && at === 0) throw noSuch('object', after, 'starting_after', 400);
    page = items.slice(at, at + limit);
    hasMore = at + limit < items.length;
  }
  return { object: 'list' as const, data: page.map(render), has_more: hasMore, url };
};
const searchPage = <T>(items: readonly T[], params: ParsedForm, url: string, render: (item: T) => unknown) => {
  const limit = limitOf(params);
  const page = str(params, 'page');
  let offset = 0;
  if (page !== undefined) {
    const decoded = /^page_(\d{1,6})$/.exec(Buffer.from(page, 'base64url').toString('utf8'));
    if (!decoded) throw invalid('Invalid page token.', 'page');
    offset = Number(decoded[1]);
  }
  const data = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return {
    object: 'search_result' as const,
    data: data.map(render),
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`page_${offset + limit}`).toString('base64url') : null,
    url,
  };
};
const newestFirst = <T extends { created: number; id: string }>(a: T, b: T) => b.created - a.created || (a.id < b.id ? 1 : -1);

/**
 * A Stripe account simulator speaking Stripe's REST wire format for the Billing objects Strata
 * uses, seeded from the shared seed companies (sandbox-data.ts):
 * - customers: `GET/POST /v1/customers`, `GET/POST /v1/customers/{id}`, `GET /v1/customers/search`;
 * - subscriptions: `GET/POST /v1/subscriptions`, `GET /v1/subscriptions/search`,
 *   `GET/POST/DELETE /v1/subscriptions/{id}` (cancel now, `cancel_at_period_end`, `cancel_at`);
 * - invoices: `GET /v1/invoices` (`customer`, `subscription`, `status`), `GET /v1/invoices/{id}`.
 * Form-encoded bodies with bracket notation; `expand[]`; cursor pagination (`limit`,
 * `starting_after`, `ending_before`, `has_more`) and search pages (`page`, `next_page`); Stripe's
 * error envelope with `doc_url`; unknown parameters refused (`parameter_unknown`); `Request-Id` and
 * `Stripe-Version` on every answer; the secret key checked (Bearer, or Basic with the key as user).
 * `Idempotency-Key` on POSTs: the same key with the same parameters replays the first answer
 * (`Idempotent-Replayed: true`), with other parameters is a 400 `idempotency_error`, while the first
 * is still running a 409. Search lags writes by `searchLagMs` (Stripe's search is eventually
 * consistent). Billing periods roll over on the sandbox's clock. Writes live in memory until
 * `POST /__sandbox/reset`. Faults and request log: shared/sandbox (`/__sandbox/faults`,
 * `/__sandbox/stats`, `/__sandbox/requests`).
 *
 * Deliberate limits: one item per subscription; prices are the seeded ones (no `price_data`); no
 * payments — a new subscription is `active` (its first invoice paid) or `trialing` (`trial_end`);
 * no proration or new invoices when a period rolls over; no webhooks.
 *
 * @example sandboxServer.route('/stripe', createStripeSandbox()) // then …/stripe/v1/customers/cus_QGlobex0000001
 */
export const createStripeSandbox = (options: StripeSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const secretKey = options.secretKey ?? SANDBOX_STRIPE_SECRET_KEY;
  const searchLagMs = options.searchLagMs ?? 0;
  const idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 3_600_000;
  const faults = createFaultInjection(STRIPE_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: MAX_RECORDED });

  let account: SandboxAccount = buildSandboxAccount(clock.now());
  /** When each record created through the API becomes searchable (epoch ms); seeded records always are. */
  let searchableAt = new Map<string, number>();
  interface StoredResult {
    readonly fingerprint: string;
    readonly status: number;
    readonly body: string;
    readonly requestId: string;
    readonly storedAt: number;
  }
  let idempotency = new Map<string, StoredResult>();
  let inFlight = new Set<string>();

  const searchable = (id: string) => (searchableAt.get(id) ?? 0) <= clock.now();

  /** Billing periods roll over on the sandbox clock: trials end, term-end cancellations happen. */
  const rollOver = () => {
    const now = seconds(clock.now());
    for (const s of account.subscriptions.values()) {
      let guard = 0;
      while (s.status !== 'canceled' && s.status !== 'incomplete_expired' && guard++ < 1_000) {
        if (s.cancelAt !== null && s.cancelAt <= now) {
          s.status = 'canceled';
          s.canceledAt ??= s.cancelAt;
          s.endedAt = s.cancelAt;
          break;
        }
        if (s.currentPeriodEnd > now) break;
        const price = account.prices.get(s.item.price)!;
        const step = (anchor: number, n: number) => addIntervals(anchor, price.interval, price.intervalCount, n);
        const next = cycleContaining(s.billingCycleAnchor * 1000, s.currentPeriodEnd * 1000, step);
        s.currentPeriodStart = seconds(next.start);
        s.currentPeriodEnd = seconds(next.end);
        if (s.status === 'trialing') s.status = 'active';
      }
    }
  };

  const app = new Hono<Env>();

  app.onError((error, c) => {
    if (error instanceof StripeHttpError) return c.json(stripeErrorBody(error.type, error.message, error.extra), error.status);
    if (error instanceof FormError) return c.json(stripeErrorBody('invalid_request_error', error.message, error.param ? { param: error.param } : {}), 400);
    if (error instanceof SearchQueryError) return c.json(stripeErrorBody('invalid_request_error', error.message, { param: 'query' }), 400);
    return c.json(stripeErrorBody('api_error', 'An unknown error occurred.'), 500);
  });

  // Control API: not part of the vendor surface, so neither recorded nor faulted — except a hit on
  // the `redirect` fault's target, which means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    account = buildSandboxAccount(clock.now());
    searchableAt = new Map();
    idempotency = new Map();
    inFlight = new Set();
    return c.body(null, 204);
  });

  // Every Stripe call: recorded, given a Request-Id, then any fault, then authenticated.
  app.use('/v1/*', log.record);
  app.use('/v1/*', async function requestIdAndVersion(c, next) {
    const requestId = randomId('req');
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('request-id', requestId);
    c.res.headers.set('stripe-version', c.req.header('stripe-version') ?? STRIPE_API_VERSION);
  });
  app.use('/v1/*', faults.inject);
  app.use('/v1/*', async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    let presented: string | undefined;
    const bearer = /^Bearer (\S+)$/.exec(header);
    const basic = /^Basic (\S+)$/.exec(header);
    if (bearer) presented = bearer[1];
    else if (basic) presented = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0];
    if (!presented) {
      throw new StripeHttpError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!sameSecret(presented, secretKey)) throw new StripeHttpError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(presented)}`);
    const version = c.req.header('stripe-version');
    if (version !== undefined && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) throw invalid(`Invalid Stripe API version: ${version.slice(0, 40)}`, undefined, 'invalid_stripe_version');
    await next();
  });
  // Parameters: the query string, and for POST/DELETE the form body (bracket notation), merged.
  app.use('/v1/*', async function parameters(c, next) {
    let params = parseStripeForm(rawQuery(c));
    if (c.req.method !== 'GET') {
      const text = await c.req.text();
      const contentType = c.req.header('content-type') ?? '';
      if (text !== '' && !contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        throw invalid(`Invalid request: unsupported Content-Type ${contentType.slice(0, 60) || '(none)'}. If error persists and you need assistance, please contact support@stripe.com.`);
      }
      params = { ...params, ...parseStripeForm(text) };
    }
    c.set('params', params);
    rollOver();
    await next();
  });
  // Idempotency-Key on POST: replay, conflict, or run and remember (errors before execution are not stored).
  app.use('/v1/*', async function idempotencyKeys(c, next) {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 255) throw invalid('Idempotency-Key must be 1 to 255 characters.');
    const now = clock.now();
    for (const [k, stored] of idempotency) if (now - stored.storedAt > idempotencyTtlMs) idempotency.delete(k);
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${relativePath(c.req.path)}\n${[...(await c.req.text()).split('&')].sort().join('&')}`)
      .digest('hex');
    const stored = idempotency.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new StripeHttpError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key.slice(0, 60)}' if you meant to execute a different request.`,
        );
      }
      return c.body(stored.body, stored.status as 200, {
        'content-type': 'application/json',
        'idempotent-replayed': 'true',
        'original-request': stored.requestId,
        'idempotency-key': key,
      });
    }
    if (inFlight.has(key)) {
      throw new StripeHttpError(409, 'idempotency_error', 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.', {
        code: 'idempotency_key_in_use',
      });
    }
    inFlight.add(key);
    try {
      await next();
    } catch (error) {
      inFlight.delete(key);
      throw error;
    }
    inFlight.delete(key);
    const status = c.res.status;
    if (status < 400 || status >= 500) {
      idempotency.set(key, { fingerprint, status, body: await c.res.clone().text(), requestId: c.get('requestId'), storedAt: now });
    }
    c.res.headers.set('idempotency-key', key);
  });

  // ---------------------------------------------------------------------------------------------
  // Customers

  const customerOr404 = (id: string, param = 'id', status: 400 | 404 = 404): SandboxCustomer => {
    const customer = account.customers.get(id);
    if (!customer || customer.deleted) throw noSuch('customer', id, param, status);
    return customer;
  };
  const customerSearchRecord = (c: SandboxCustomer): SearchRecord => ({ fields: { email: c.email, name: c.name, phone: c.phone }, metadata: c.metadata });
  const CUSTOMER_WRITE_PARAMS = ['name', 'email', 'phone', 'description', 'metadata', 'expand'] as const;
  const applyCustomerFields = (customer: SandboxCustomer, params: ParsedForm) => {
    const name = str(params, 'name', 256);
    const email = str(params, 'email', 512);
    const phone = str(params, 'phone', 20);
    const description = str(params, 'description', 350);
    if (email !== undefined && email !== '' && !EMAIL.test(email)) throw invalid(`Invalid email address: ${email.slice(0, 60)}`, 'email', 'email_invalid');
    if (name !== undefined) customer.name = name || null;
    if (email !== undefined) customer.email = email || null;
    if (phone !== undefined) customer.phone = phone || null;
    if (description !== undefined) customer.description = description || null;
    const metadata = metadataOf(params);
    if (metadata !== undefined) {
      const merged = params.metadata === '' ? {} : { ...customer.metadata, ...metadata };
      for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
      customer.metadata = merged;
    }
  };

  app.get('/v1/customers/search', (c) => {
    const params = c.get('params');
    onlyParams(params, ['query', 'limit', 'page', 'expand']);
    expandOf(params, []);
    const query = str(params, 'query');
    if (query === undefined) throw invalid('Missing required param: query.', 'query', 'parameter_missing');
    const matches = parseSearchQuery(query, ['email', 'name', 'phone']);
    const found = [...account.customers.values()].filter((x) => !x.deleted && searchable(x.id) && matches(customerSearchRecord(x))).sort(newestFirst);
    return c.json(searchPage(found, params, '/v1/customers/search', (x) => renderCustomer(account, x)));
  });

  app.get('/v1/customers', (c) => {
    const params = c.get('params');
    onlyParams(params, ['email', 'limit', 'starting_after', 'ending_before', 'expand']);
    expandOf(params, []);
    const email = str(params, 'email', 512);
    const all = [...account.customers.values()].filter((x) => !x.deleted && (email === undefined || x.email === email)).sort(newestFirst);
    return c.json(listOf(all, params, '/v1/customers', (x) => renderCustomer(account, x)));
  });

  app.post('/v1/customers', (c) => {
    const params = c.get('params');
    onlyParams(params, CUSTOMER_WRITE_PARAMS);
    expandOf(params, []);
    const customer: SandboxCustomer = {
      id: randomId('cus'),
      name: null,
      email: null,
      phone: null,
      description: null,
      currency: null,
      address: null,
      metadata: {},
      created: seconds(clock.now()),
      invoicePrefix: randomBytes(4).toString('hex').toUpperCase(),
      nextInvoiceSequence: 1,
      deleted: false,
    };
    applyCustomerFields(customer, params);
    account.customers.set(customer.id, customer);
    searchableAt.set(customer.id, clock.now() + searchLagMs);
    return c.json(renderCustomer(account, customer));
  });

  app.get('/v1/customers/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    expandOf(params, []);
    const id = c.req.param('id');
    const customer = account.customers.get(id);
    if (!customer) throw noSuch('customer', id, 'id', 404);
    return c.json(customer.deleted ? renderDeletedCustomer(id) : renderCustomer(account, customer));
  });

  app.post('/v1/customers/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, CUSTOMER_WRITE_PARAMS);
    expandOf(params, []);
    const customer = customerOr404(c.req.param('id'));
    applyCustomerFields(customer, params);
    return c.json(renderCustomer(account, customer));
  });

  // ---------------------------------------------------------------------------------------------
  // Subscriptions

  const subscriptionOr404 = (id: string): SandboxSubscription => {
    const subscription = account.subscriptions.get(id);
    if (!subscription) throw noSuch('subscription', id, 'id', 404);
    return subscription;
  };
  const LIST_SUBSCRIPTION_EXPAND = EXPANDABLE.subscription.map((p) => `data.${p}`);
  const SUBSCRIPTION_STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];

  app.get('/v1/subscriptions/search', (c) => {
    const params = c.get('params');
    onlyParams(params, ['query', 'limit', 'page', 'expand']);
    const expand = new Set([...expandOf(params, LIST_SUBSCRIPTION_EXPAND)].map((p) => p.slice('data.'.length)));
    const query = str(params, 'query');
    if (query === undefined) throw invalid('Missing required param: query.', 'query', 'parameter_missing');
    const matches = parseSearchQuery(query, ['status']);
    const found = [...account.subscriptions.values()].filter((s) => searchable(s.id) && matches({ fields: { status: s.status }, metadata: s.metadata })).sort(newestFirst);
    return c.json(searchPage(found, params, '/v1/subscriptions/search', (s) => renderSubscription(account, s, expand)));
  });

  app.get('/v1/subscriptions', (c) => {
    const params = c.get('params');
    onlyParams(params, ['customer', 'price', 'status', 'limit', 'starting_after', 'ending_before', 'expand', 'collection_method']);
    const expand = new Set([...expandOf(params, LIST_SUBSCRIPTION_EXPAND)].map((p) => p.slice('data.'.length)));
    const customer = str(params, 'customer');
    if (customer !== undefined) customerOr404(customer, 'customer', 400);
    const price = str(params, 'price');
    const status = str(params, 'status');
    if (status !== undefined && !SUBSCRIPTION_STATUSES.includes(status)) throw invalid(`Invalid status: must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`, 'status');
    const collection = str(params, 'collection_method');
    const wanted = (s: SandboxSubscription) =>
      status === 'all' ? true : status === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : status !== undefined ? s.status === status : s.status !== 'canceled' && s.status !== 'incomplete_expired';
    const all = [...account.subscriptions.values()]
      .filter((s) => (customer === undefined || s.customer === customer) && (price === undefined || s.item.price === price) && (collection === undefined || s.collectionMethod === collection) && wanted(s))
      .sort(newestFirst);
    return c.json(listOf(all, params, '/v1/subscriptions', (s) => renderSubscription(account, s, expand)));
  });

  app.post('/v1/subscriptions', (c) => {
    const params = c.get('params');
    onlyParams(params, ['customer', 'items', 'metadata', 'expand', 'currency', 'trial_end', 'backdate_start_date', 'collection_method', 'days_until_due', 'payment_behavior', 'proration_behavior']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    const customerId = str(params, 'customer');
    if (customerId === undefined) throw invalid('Missing required param: customer.', 'customer', 'parameter_missing');
    const customer = customerOr404(customerId, 'customer', 400);
    const items = params.items;
    if (items === undefined) throw invalid('Missing required param: items.', 'items', 'parameter_missing');
    if (!Array.isArray(items) || items.length === 0) throw invalid('Invalid array', 'items');
    if (items.length > 1) throw invalid('The Strata sandbox supports one item per subscription.', 'items');
    const item = items[0]!;
    if (typeof item !== 'object' || Array.isArray(item)) throw invalid('Invalid hash', 'items[0]');
    onlyParams(item, ['price', 'quantity', 'metadata']);
    const priceId = typeof item.price === 'string' ? item.price : undefined;
    if (!priceId) throw invalid('Missing required param: items[0][price].', 'items[0][price]', 'parameter_missing');
    const price = account.prices.get(priceId);
    if (!price) throw noSuch('price', priceId, 'items[0][price]', 400);
    const quantity = int(item.quantity, 'items[0][quantity]') ?? 1;
    if (quantity < 0) throw invalid('This value must be greater than or equal to 0.', 'items[0][quantity]');
    const requestedCurrency = str(params, 'currency')?.toLowerCase();
    if (requestedCurrency !== undefined && !/^[a-z]{3}$/.test(requestedCurrency)) throw invalid(`Invalid currency: ${requestedCurrency.slice(0, 10)}`, 'currency');
    if (customer.currency && requestedCurrency && requestedCurrency !== customer.currency) {
      throw invalid(`You cannot combine currencies on a single customer. This customer has had a subscription or payment in ${customer.currency}, but you are trying to pay in ${requestedCurrency}.`, 'currency');
    }
    const currency = customer.currency ?? requestedCurrency ?? price.currency;
    const unitAmount = price.amounts[currency];
    if (unitAmount === undefined) throw invalid(`The price specified (${price.id}) does not support currency ${currency}.`, 'items[0][price]');
    const metadata = metadataOf(params) ?? {};
    const now = seconds(clock.now());
    const trialEnd = params.trial_end === 'now' ? undefined : int(params.trial_end, 'trial_end');
    if (trialEnd !== undefined && trialEnd <= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
    const backdate = int(params.backdate_start_date, 'backdate_start_date');
    if (backdate !== undefined && backdate >= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the past.', 'backdate_start_date');
    const collectionMethod = str(params, 'collection_method') ?? 'charge_automatically';
    if (collectionMethod !== 'charge_automatically' && collectionMethod !== 'send_invoice') throw invalid('Invalid collection_method', 'collection_method');
    const daysUntilDue = int(params.days_until_due, 'days_until_due');
    if (collectionMethod === 'send_invoice' && daysUntilDue === undefined) throw invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');

    const anchor = trialEnd ?? now;
    const step = (a: number, n: number) => addIntervals(a, price.interval, price.intervalCount, n);
    const subscription: SandboxSubscription = {
      id: randomId('sub'),
      customer: customer.id,
      status: trialEnd !== undefined ? 'trialing' : 'active',
      item: { id: randomId('si'), price: price.id, quantity, created: now },
      currency,
      created: now,
      startDate: backdate ?? now,
      billingCycleAnchor: anchor,
      currentPeriodStart: now,
      currentPeriodEnd: trialEnd ?? seconds(step(now * 1000, 1)),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      trialStart: trialEnd !== undefined ? now : null,
      trialEnd: trialEnd ?? null,
      collectionMethod,
      daysUntilDue: collectionMethod === 'send_invoice' ? daysUntilDue! : null,
      metadata,
      latestInvoice: null,
    };
    account.subscriptions.set(subscription.id, subscription);
    searchableAt.set(subscription.id, clock.now() + searchLagMs);
    customer.currency ??= currency;
    if (subscription.status === 'active') {
      addInvoice(account, customer, subscription, {
        created: now,
        periodStart: subscription.currentPeriodStart,
        periodEnd: subscription.currentPeriodEnd,
        unitAmount,
        paid: true,
        attemptCount: 1,
        nextPaymentAttempt: null,
      });
    }
    return c.json(renderSubscription(account, subscription, expand));
  });

  app.get('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    return c.json(renderSubscription(account, subscriptionOr404(c.req.param('id')), expand));
  });

  app.post('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['cancel_at_period_end', 'cancel_at', 'metadata', 'expand', 'proration_behavior', 'cancellation_details']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    const subscription = subscriptionOr404(c.req.param('id'));
    const atPeriodEnd = bool(params.cancel_at_period_end, 'cancel_at_period_end');
    const cancelAt = params.cancel_at === '' ? null : int(params.cancel_at, 'cancel_at');
    if (atPeriodEnd !== undefined && cancelAt !== undefined) throw invalid('You may only specify one of these parameters: cancel_at, cancel_at_period_end.', 'cancel_at');
    const changesBilling = atPeriodEnd !== undefined || cancelAt !== undefined || params.proration_behavior !== undefined;
    if (subscription.status === 'canceled' && changesBilling) throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
    if (typeof cancelAt === 'number' && cancelAt <= seconds(clock.now())) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'cancel_at');
    if (atPeriodEnd !== undefined) {
      // Stripe shows a period-end cancellation in `cancel_at` as well.
      subscription.cancelAtPeriodEnd = atPeriodEnd;
      subscription.cancelAt = atPeriodEnd ? subscription.currentPeriodEnd : null;
    }
    if (cancelAt !== undefined) {
      subscription.cancelAtPeriodEnd = false;
      subscription.cancelAt = cancelAt;
    }
    if (atPeriodEnd === true || typeof cancelAt === 'number') subscription.canceledAt = seconds(clock.now());
    if (atPeriodEnd === false || cancelAt === null) subscription.canceledAt = null;
    const metadata = metadataOf(params);
    if (metadata !== undefined) {
      const merged = params.metadata === '' ? {} : { ...subscription.metadata, ...metadata };
      for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
      subscription.metadata = merged;
    }
    return c.json(renderSubscription(account, subscription, expand));
  });

  app.delete('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand', 'invoice_now', 'prorate', 'cancellation_details']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    bool(params.invoice_now, 'invoice_now');
    bool(params.prorate, 'prorate');
    const subscription = subscriptionOr404(c.req.param('id'));
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') throw invalid('This subscription has already been canceled.');
    const now = seconds(clock.now());
    subscription.status = 'canceled';
    subscription.canceledAt = now;
    subscription.endedAt = now;
    subscription.cancelAtPeriodEnd = false;
    subscription.cancelAt = null;
    return c.json(renderSubscription(account, subscription, expand));
  });

  // ---------------------------------------------------------------------------------------------
  // Invoices

  const LIST_INVOICE_EXPAND = EXPANDABLE.invoice.map((p) => `data.${p}`);
  app.get('/v1/invoices', (c) => {
    const params = c.get('params');
    onlyParams(params, ['customer', 'subscription', 'status', 'collection_method', 'limit', 'starting_after', 'ending_before', 'expand']);
    const expand = new Set([...expandOf(params, LIST_INVOICE_EXPAND)].map((p) => p.slice('data.'.length)));
    const customer = str(params, 'customer');
    if (customer !== undefined) customerOr404(customer, 'customer', 400);
    const subscription = str(params, 'subscription');
    if (subscription !== undefined && !account.subscriptions.has(subscription)) throw noSuch('subscription', subscription, 'subscription', 400);
    const status = str(params, 'status');
    if (status !== undefined && !['draft', 'open', 'paid', 'uncollectible', 'void'].includes(status)) throw invalid('Invalid status', 'status');
    const collection = str(params, 'collection_method');
    const all = [...account.invoices.values()]
      .filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (subscription === undefined || i.subscription === subscription) &&
          (status === undefined || i.status === status) &&
          (collection === undefined || i.collectionMethod === collection),
      )
      .sort(newestFirst);
    return c.json(listOf(all, params, '/v1/invoices', (i) => renderInvoice(account, i, expand)));
  });

  app.get('/v1/invoices/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    const expand = expandOf(params, EXPANDABLE.invoice);
    const id = c.req.param('id');
    const invoice = account.invoices.get(id);
    if (!invoice) throw noSuch('invoice', id, 'id', 404);
    return c.json(renderInvoice(account, invoice, expand));
  });

  app.all('/v1/*', () => {
    throw new StripeHttpError(404, 'invalid_request_error', 'Unrecognized request URL. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.');
  });
  return app;
};

export type StripeSandbox = ReturnType<typeof createStripeSandbox>;
/** A middleware type re-export for the sandbox server's own wiring. */
export type StripeSandboxMiddleware = MiddlewareHandler<Env>;
