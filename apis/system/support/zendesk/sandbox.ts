import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { ZD_MAX_PAGE_SIZE, ZD_PRIORITIES, ZD_STATUSES, ZD_SUPPORT_TIER_FIELD, ZD_TICKET_SORTS, type ZdAuditWire } from '../../../../openapi/vendors/zendesk/types.js';
import { SANDBOX_ZENDESK_CREDENTIALS, ZENDESK_PLAN_REQUESTS_PER_MINUTE } from './config.js';
import {
  SANDBOX_API_USER_ID,
  SUPPORT_TIER_OPTIONS,
  buildSandboxAccount,
  organizationTier,
  organizationWire,
  slaFor,
  ticketWire,
  zendeskTime,
  type SandboxAccount,
  type StoredOrganization,
  type StoredTicket,
} from './sandbox-data.js';
import { ZENDESK_FAULTS, couldNotAuthenticate, recordInvalid, recordNotFound, zdErrorResponse } from './sandbox-faults.js';

export interface ZendeskSandboxOptions {
  /** Case dates, SLA clocks and the rate-limit window; default the system clock. */
  readonly clock?: Clock;
  /** Added to every Zendesk call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  readonly email?: string;
  readonly apiToken?: string;
  /** The account's limit shown in `X-Rate-Limit`. Default 700 (Enterprise). */
  readonly requestsPerMinute?: number;
  /** Answer 429 once the minute's requests are spent, as Zendesk does. Default false (benchmarks drive far more). */
  readonly enforceRateLimit?: boolean;
}

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never the token). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the account's base URL: `/api/v2/…`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The JSON body as sent (a string when it was not JSON). */
  readonly body?: unknown;
  /** The request carried `Authorization: Basic` in the `{email}/token:{api_token}` form. */
  readonly apiTokenAuth: boolean;
}

type Field = string | number | boolean | null;
type Json = Record<string, unknown>;
const JSON_TYPE = 'application/json; charset=utf-8';
const API_PREFIX = '/api/v2/';
/** Numeric id, with Zendesk's optional `.json` suffix. */
const ID = ':id{[1-9][0-9]{0,15}(?:\\.json)?}';
const ID_ONLY = ':id{[1-9][0-9]{0,15}}';
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[a-z]{2,}$/i;

/** `/zendesk/api/v2/tickets` → `/api/v2/tickets`: paths as the vendor documents them. */
const relativePath = (path: string): string => {
  for (const marker of [API_PREFIX, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
/** The account URL the client used, up to the mount point: `url`, `links.next` and `Location` are built from it. */
const baseUrlOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(API_PREFIX);
  return url.origin + (at > 0 ? url.pathname.slice(0, at) : '');
};
const basicUser = (c: Context): string | undefined => {
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(c.req.header('authorization') ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
};

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  let body: unknown;
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const text = await c.req.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined && body !== '' ? { body } : {}),
    apiTokenAuth: /^[^/]+\/token:.+$/.test(basicUser(c) ?? ''),
  };
};

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
const badRequest = (error: string, description: string) => zdErrorResponse(400, { error, description });
const invalidEndpoint = () => zdErrorResponse(404, { error: 'InvalidEndpoint', description: 'Not found' });
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const idParam = (c: Context) => Number(c.req.param('id')!.replace(/\.json$/, ''));
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const paths = (...p: string[]) => p.flatMap((x) => [x, `${x}.json`]);

/** Reads `{ <wrapper>: {...} }` from a JSON request body, or answers Zendesk's 400. */
const readWrapped = async (c: Context, wrapper: string): Promise<Json | Response> => {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return zdErrorResponse(415, { error: 'UnsupportedMediaType', description: 'Send the request body as application/json' });
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return badRequest('InvalidJSON', 'The request body is not valid JSON');
  }
  if (!isObject(body) || !isObject(body[wrapper])) return badRequest('InvalidParameter', `The request body must be {"${wrapper}": {...}}`);
  return body[wrapper] as Json;
};

/**
 * A Zendesk Support account simulator speaking the v2 wire format the adapter uses: API-token Basic
 * auth (`{email}/token:{api_token}`), organizations (show, create, update, search by external id or
 * name), tickets (show, create, list by external id, an organization's tickets) with cursor
 * (`page[size]`, `page[after]`, `meta.has_more`, `links.next`) and offset pagination, `sort`, the
 * `slas` sideload, Zendesk's error envelopes, `X-Rate-Limit` / `X-Rate-Limit-Remaining` on every
 * answer (and 429 + Retry-After past the minute's limit, when enforced). Seeded from
 * SEED_COMPANIES; writes stay in memory per instance. Like Zendesk, an organization's external id
 * and name are unique (422 `DuplicateValue`), a ticket's external id is not.
 *
 * Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE
 * /__sandbox/stats`, `GET /__sandbox/requests`, `POST /__sandbox/reset` (faults, log and data back
 * to the seed).
 *
 * @example sandboxServer.route('/zendesk', createZendeskSandbox()) // then …/zendesk/api/v2/organizations/360000008812
 */
export const createZendeskSandbox = (options: ZendeskSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const email = options.email ?? SANDBOX_ZENDESK_CREDENTIALS.email;
  const apiToken = options.apiToken ?? SANDBOX_ZENDESK_CREDENTIALS.apiToken;
  const perMinute = options.requestsPerMinute ?? ZENDESK_PLAN_REQUESTS_PER_MINUTE.enterprise;
  const faults = createFaultInjection(ZENDESK_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 1_000 });
  let account: SandboxAccount = buildSandboxAccount(clock.now());
  let window = { minute: -1, used: 0 };

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // redirect fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    account = buildSandboxAccount(clock.now());
    window = { minute: -1, used: 0 };
    return c.body(null, 204);
  });

  // Every Zendesk call: recorded, the base latency, any fault, then auth and the account's rate limit.
  app.use('/api/*', log.record);
  app.use('/api/*', async function baseLatency(_c, next) {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  });
  app.use('/api/*', faults.inject);
  app.use('/api/*', async function apiTokenAuth(c, next) {
    const user = basicUser(c) ?? '';
    const at = user.indexOf('/token:');
    if (at < 0 || user.slice(0, at).toLowerCase() !== email.toLowerCase() || !sameSecret(user.slice(at + '/token:'.length), apiToken)) return couldNotAuthenticate();
    await next();
  });
  app.use('/api/*', async function rateLimit(c, next) {
    const now = clock.now();
    const minute = Math.floor(now / 60_000);
    if (window.minute !== minute) window = { minute, used: 0 };
    window.used += 1;
    const headers = { 'x-rate-limit': String(perMinute), 'x-rate-limit-remaining': String(Math.max(0, perMinute - window.used)) };
    if (options.enforceRateLimit && window.used > perMinute) {
      return ZENDESK_FAULTS.errorResponse('rate-limit', 429, { ...headers, 'retry-after': String(Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000))) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });

  // ----- organizations -----------------------------------------------------------------------

  const organizationNamed = (name: string, except?: number) =>
    [...account.organizations.values()].find((o) => o.id !== except && o.name.toLowerCase() === name.trim().toLowerCase());
  const organizationWithExternalId = (externalId: string, except?: number) =>
    [...account.organizations.values()].find((o) => o.id !== except && o.externalId !== null && o.externalId.toLowerCase() === externalId.toLowerCase());

  /** Applies the writable fields of an organization body; the 422 Zendesk would answer when one is invalid. */
  const applyOrganization = (input: Json, target: StoredOrganization | undefined): Response | ((org: StoredOrganization) => void) => {
    const errors: Record<string, [string, string][]> = {};
    const add = (field: string, error: string, description: string) => (errors[field] ??= []).push([error, description]);
    const except = target?.id;
    if ('name' in input || !target) {
      if (typeof input.name !== 'string' || input.name.trim() === '') add('name', 'BlankValue', 'Name: cannot be blank');
      else if (input.name.length > 255) add('name', 'InvalidValue', 'Name: is too long (maximum is 255 characters)');
      else if (organizationNamed(input.name, except)) add('name', 'DuplicateValue', 'Name: has already been taken');
    }
    if ('external_id' in input && input.external_id !== null) {
      if (typeof input.external_id !== 'string' || input.external_id.length > 255) add('external_id', 'InvalidValue', 'External: is invalid');
      else if (organizationWithExternalId(input.external_id, except)) add('external_id', 'DuplicateValue', 'External: has already been taken');
    }
    if ('domain_names' in input && !isStringArray(input.domain_names)) add('domain_names', 'InvalidValue', 'Domain names: is invalid');
    if ('tags' in input && !isStringArray(input.tags)) add('tags', 'InvalidValue', 'Tags: is invalid');
    const fields = input.organization_fields;
    if (fields !== undefined) {
      if (!isObject(fields)) add('organization_fields', 'InvalidValue', 'Organization fields: is invalid');
      else if (ZD_SUPPORT_TIER_FIELD in fields && fields[ZD_SUPPORT_TIER_FIELD] !== null && !SUPPORT_TIER_OPTIONS.includes(String(fields[ZD_SUPPORT_TIER_FIELD]))) {
        add(ZD_SUPPORT_TIER_FIELD, 'InvalidValue', 'Support tier: is not a valid option');
      }
    }
    if (Object.keys(errors).length > 0) return recordInvalid(errors);
    return (org) => {
      if (typeof input.name === 'string') org.name = input.name.trim();
      if ('external_id' in input) org.externalId = (input.external_id as string | null) ?? null;
      if (isStringArray(input.domain_names)) org.domainNames = [...input.domain_names];
      if (isStringArray(input.tags)) org.tags = [...input.tags];
      if ('details' in input) org.details = typeof input.details === 'string' ? input.details : null;
      if ('notes' in input) org.notes = typeof input.notes === 'string' ? input.notes : null;
      if (isObject(fields)) for (const [k, v] of Object.entries(fields)) if (['string', 'number', 'boolean'].includes(typeof v) || v === null) org.fields[k] = v as Field;
      org.updatedAt = clock.now();
    };
  };

  app.on('GET', paths('/api/v2/organizations/search'), (c) => {
    const externalId = c.req.query('external_id');
    const name = c.req.query('name');
    if (!externalId && !name) return badRequest('InvalidParameter', 'Provide external_id or name');
    const found = externalId ? organizationWithExternalId(externalId) : organizationNamed(name!);
    const organizations = found ? [organizationWire(found, baseUrlOf(c))] : [];
    return json({ organizations, next_page: null, previous_page: null, count: organizations.length });
  });

  app.get(`/api/v2/organizations/${ID}`, (c) => {
    const org = account.organizations.get(idParam(c));
    return org ? json({ organization: organizationWire(org, baseUrlOf(c)) }) : recordNotFound();
  });

  app.on('POST', paths('/api/v2/organizations'), async (c) => {
    const input = await readWrapped(c, 'organization');
    if (input instanceof Response) return input;
    const apply = applyOrganization(input, undefined);
    if (apply instanceof Response) return apply;
    const now = clock.now();
    const org: StoredOrganization = { id: account.nextOrganizationId++, name: '', externalId: null, domainNames: [], details: null, notes: null, tags: [], fields: { [ZD_SUPPORT_TIER_FIELD]: null }, createdAt: now, updatedAt: now };
    apply(org);
    account.organizations.set(org.id, org);
    const base = baseUrlOf(c);
    return json({ organization: organizationWire(org, base) }, 201, { location: `${base}/api/v2/organizations/${org.id}.json` });
  });

  app.put(`/api/v2/organizations/${ID}`, async (c) => {
    const org = account.organizations.get(idParam(c));
    if (!org) return recordNotFound();
    const input = await readWrapped(c, 'organization');
    if (input instanceof Response) return input;
    const apply = applyOrganization(input, org);
    if (apply instanceof Response) return apply;
    apply(org);
    return json({ organization: organizationWire(org, baseUrlOf(c)) });
  });

  // ----- tickets -----------------------------------------------------------------------------

  const SORTS: Record<string, (a: StoredTicket, b: StoredTicket) => number> = {
    id: (a, b) => a.id - b.id,
    status: (a, b) => ZD_STATUSES.indexOf(a.status) - ZD_STATUSES.indexOf(b.status) || a.id - b.id,
    updated_at: (a, b) => a.updatedAt - b.updatedAt || a.id - b.id,
  };
  const cursorOf = (index: number) => Buffer.from(`sbx:${index}`).toString('base64url');
  const indexOf = (cursor: string): number | undefined => {
    const m = /^sbx:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    return m ? Number(m[1]) : undefined;
  };

  /** A ticket list in the pagination the request asks for: cursor with `page[size]`/`page[after]`, else offset. */
  const ticketList = (c: Context, selected: StoredTicket[], listPath: string): Response => {
    const q = c.req.query();
    const sort = q.sort ?? 'id';
    if (!(ZD_TICKET_SORTS as readonly string[]).includes(sort)) return badRequest('InvalidPaginationParameter', 'sort is not valid');
    const compare = SORTS[sort.replace(/^-/, '')]!;
    const sorted = [...selected].sort(sort.startsWith('-') ? (a, b) => compare(b, a) : compare);
    const base = baseUrlOf(c);
    const now = clock.now();
    const slas = (q.include ?? '').split(',').includes('slas');
    const render = (t: StoredTicket) => ticketWire(t, base, { slas, now });

    if ('page[size]' in q || 'page[after]' in q || 'page[before]' in q) {
      const size = q['page[size]'] === undefined ? ZD_MAX_PAGE_SIZE : /^\d{1,3}$/.test(q['page[size]']) ? Number(q['page[size]']) : NaN;
      if (!(size >= 1 && size <= ZD_MAX_PAGE_SIZE)) return badRequest('InvalidPaginationParameter', 'page[size] must be between 1 and 100');
      const start = q['page[after]'] !== undefined ? indexOf(q['page[after]']) : 0;
      if (start === undefined) return badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
      const page = sorted.slice(start, start + size);
      const hasMore = start + page.length < sorted.length;
      const link = (params: Record<string, string>) => `${base}${listPath}.json?${new URLSearchParams({ ...params, 'page[size]': String(size), ...(q.sort ? { sort: q.sort } : {}) })}`;
      return json({
        tickets: page.map(render),
        meta: { has_more: hasMore, after_cursor: page.length > 0 ? cursorOf(start + page.length) : null, before_cursor: page.length > 0 ? cursorOf(start) : null },
        links: { prev: start > 0 ? link({ 'page[before]': cursorOf(start) }) : null, next: hasMore ? link({ 'page[after]': cursorOf(start + page.length) }) : null },
      });
    }
    const perPage = q.per_page === undefined ? ZD_MAX_PAGE_SIZE : Number(q.per_page);
    const pageNumber = q.page === undefined ? 1 : Number(q.page);
    if (!(Number.isInteger(perPage) && perPage >= 1 && perPage <= ZD_MAX_PAGE_SIZE) || !(Number.isInteger(pageNumber) && pageNumber >= 1)) {
      return badRequest('InvalidPaginationParameter', 'per_page must be between 1 and 100 and page at least 1');
    }
    const start = (pageNumber - 1) * perPage;
    const page = sorted.slice(start, start + perPage);
    const offsetLink = (n: number) => `${base}${listPath}.json?${new URLSearchParams({ page: String(n), per_page: String(perPage) })}`;
    return json({
      tickets: page.map(render),
      next_page: start + perPage < sorted.length ? offsetLink(pageNumber + 1) : null,
      previous_page: pageNumber > 1 ? offsetLink(pageNumber - 1) : null,
      count: sorted.length,
    });
  };

  app.on('GET', paths(`/api/v2/organizations/${ID_ONLY}/tickets`), (c) => {
    const id = idParam(c);
    if (!account.organizations.has(id)) return recordNotFound();
    return ticketList(c, [...account.tickets.values()].filter((t) => t.organizationId === id), `/api/v2/organizations/${id}/tickets`);
  });

  app.on('GET', paths('/api/v2/tickets'), (c) => {
    const externalId = c.req.query('external_id');
    const selected = [...account.tickets.values()].filter((t) => externalId === undefined || t.externalId === externalId);
    return ticketList(c, selected, '/api/v2/tickets');
  });

  app.get(`/api/v2/tickets/${ID}`, (c) => {
    const ticket = account.tickets.get(idParam(c));
    if (!ticket) return recordNotFound();
    return json({ ticket: ticketWire(ticket, baseUrlOf(c), { slas: (c.req.query('include') ?? '').split(',').includes('slas'), now: clock.now() }) });
  });

  app.on('POST', paths('/api/v2/tickets'), async (c) => {
    const input = await readWrapped(c, 'ticket');
    if (input instanceof Response) return input;
    const errors: Record<string, [string, string][]> = {};
    const add = (field: string, error: string, description: string) => (errors[field] ??= []).push([error, description]);
    const comment = input.comment;
    if (!isObject(comment) || typeof comment.body !== 'string' || comment.body.trim() === '') add('description', 'BlankValue', 'Description: cannot be blank');
    if ('subject' in input && typeof input.subject !== 'string') add('subject', 'InvalidValue', 'Subject: is invalid');
    if ('priority' in input && !(ZD_PRIORITIES as readonly unknown[]).includes(input.priority)) add('priority', 'InvalidValue', 'Priority: is not valid');
    if ('status' in input && !(ZD_STATUSES as readonly unknown[]).includes(input.status)) add('status', 'InvalidValue', 'Status: is not valid');
    if ('external_id' in input && input.external_id !== null && typeof input.external_id !== 'string') add('external_id', 'InvalidValue', 'External: is invalid');
    let organization: StoredOrganization | undefined;
    if ('organization_id' in input && input.organization_id !== null) {
      organization = typeof input.organization_id === 'number' ? account.organizations.get(input.organization_id) : undefined;
      if (!organization) add('organization_id', 'InvalidValue', 'Organization: is invalid');
    }
    let requesterId = SANDBOX_API_USER_ID;
    if ('requester' in input) {
      const requester = input.requester;
      if (!isObject(requester) || typeof requester.email !== 'string' || !EMAIL.test(requester.email)) add('requester', 'InvalidValue', 'Requester: Email is invalid');
      else {
        const key = requester.email.toLowerCase();
        if (!account.users.has(key)) account.users.set(key, account.nextUserId++);
        requesterId = account.users.get(key)!;
      }
    }
    if (Object.keys(errors).length > 0) return recordInvalid(errors);

    const now = clock.now();
    const priority = (input.priority as StoredTicket['priority'] | undefined) ?? null;
    const sla = slaFor(organizationTier(organization), priority, now);
    const subject = typeof input.subject === 'string' ? input.subject : ((comment as Json).body as string).slice(0, 80);
    const ticket: StoredTicket = {
      id: account.nextTicketId++,
      externalId: typeof input.external_id === 'string' ? input.external_id : null,
      subject,
      description: (comment as Json).body as string,
      priority,
      status: (input.status as StoredTicket['status'] | undefined) ?? 'new',
      requesterId,
      organizationId: organization?.id ?? null,
      tags: isStringArray(input.tags) ? [...new Set(input.tags)] : [],
      createdAt: now,
      updatedAt: now,
      ...(sla ? { sla } : {}),
      channel: 'api',
    };
    account.tickets.set(ticket.id, ticket);
    const base = baseUrlOf(c);
    const audit: ZdAuditWire = {
      id: account.nextAuditId++,
      ticket_id: ticket.id,
      created_at: zendeskTime(now),
      author_id: SANDBOX_API_USER_ID,
      metadata: { system: {}, custom: {} },
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      events: [{ id: account.nextAuditId++, type: 'Comment', author_id: requesterId, body: ticket.description, public: true }],
    };
    return json({ ticket: ticketWire(ticket, base, { slas: false, now }), audit }, 201, { location: `${base}/api/v2/tickets/${ticket.id}.json` });
  });

  app.all('/api/*', () => invalidEndpoint());
  return app;
};
