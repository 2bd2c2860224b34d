import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SN_LEVELS, SN_SUPPORT_TIER_FIELD, SN_TABLES, SN_TABLE_PATH, SN_TOKEN_PATH, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';
import { SANDBOX_SERVICENOW_CREDENTIALS } from './config.js';
import { priorityOf, toGlideDateTime } from './mapper.js';
import {
  COLUMNS,
  INTEGRATION_USER,
  REFERENCES,
  WRITABLE,
  buildSandboxInstance,
  companyTier,
  incidentDefaults,
  incidentNumber,
  madeSla,
  slaFor,
  type Row,
  type SandboxInstance,
} from './sandbox-data.js';
import { SANDBOX_RATE_LIMIT_RULE, SERVICENOW_FAULTS, invalidQuery, invalidUri, noRecordFound, notAuthenticated, rateLimitHeaders, snErrorResponse } from './sandbox-faults.js';
import { QueryError, parseEncodedQuery, runQuery } from './sandbox-query.js';

export interface ServicenowSandboxOptions {
  /** Record times, SLA clocks, token expiry and the rate-limit window; default the system clock. */
  readonly clock?: Clock;
  /** Added to every ServiceNow call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** The integration user the password grant accepts. */
  readonly username?: string;
  readonly password?: string;
  /** The application registry's access token lifespan. Default 1,800 s. */
  readonly tokenLifespanSeconds?: number;
  /** The integration user's inbound REST rate-limit rule, requests per hour (`X-RateLimit-Limit`). Default 5,000. */
  readonly requestsPerHour?: number;
  /** Answer 429 once the hour's requests are spent, as the rule does. Default false (benchmarks drive far more). */
  readonly enforceRateLimit?: boolean;
  /**
   * Whether `core_company` has Strata's custom columns (`u_external_ref`, `u_support_tier`). Default
   * true; false is an instance nobody prepared, to show the adapter noticing.
   */
  readonly customColumns?: boolean;
  /** A query condition on a column the table lacks: refused (default, stricter than ServiceNow) or ignored (what an instance does). */
  readonly unknownColumns?: 'reject' | 'ignore';
}

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never a secret or a token). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the instance URL: `/api/now/table/…`, `/oauth_token.do`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The JSON body as sent (a string when it was not JSON); for the token request, only the form's field names and grant. */
  readonly body?: unknown;
  readonly form?: { readonly keys: readonly string[]; readonly grantType?: string };
  readonly bearer: boolean;
}

type Json = Record<string, unknown>;
const JSON_TYPE = 'application/json;charset=UTF-8';
const API_PREFIX = '/api/now/';
/** Any record segment: an id that is no sys_id is simply not found, as on an instance. */
const SYS_ID = ':sys_id';

/** `/servicenow/api/now/table/incident` → `/api/now/table/incident`: paths as the vendor documents them. */
const relativePath = (path: string): string => {
  for (const marker of [API_PREFIX, SN_TOKEN_PATH, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
/** The instance URL the client used, up to the mount point: links, `Location` and reference links are built from it. */
const baseUrlOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const path = relativePath(url.pathname);
  return url.origin + url.pathname.slice(0, url.pathname.length - path.length);
};

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  const path = relativePath(c.req.path);
  let body: unknown;
  let form: RecordedRequest['form'];
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const text = await c.req.text();
    if (path === SN_TOKEN_PATH) {
      // The token request carries secrets: only its field names and grant type are kept.
      const params = new URLSearchParams(text);
      const grantType = params.get('grant_type');
      form = { keys: [...params.keys()].sort(), ...(grantType ? { grantType } : {}) };
    } else {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
  }
  return {
    method: c.req.method,
    path,
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined && body !== '' ? { body } : {}),
    ...(form ? { form } : {}),
    bearer: /^Bearer \S+$/.test(c.req.header('authorization') ?? ''),
  };
};

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
const oauthError = (status: 400 | 401, error: string, description: string) => json({ error_description: description, error }, status);
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTable = (name: string): name is SnTable => (SN_TABLES as readonly string[]).includes(name);

/**
 * A ServiceNow instance simulator speaking the Table API wire format the adapter uses: the OAuth 2.0
 * token endpoint `/oauth_token.do` (client credentials, password and refresh-token grants, form
 * encoded) and bearer tokens; `GET /api/now/table/{table}` with `sysparm_query` (an encoded-query
 * subset, sandbox-query.ts), `sysparm_fields`, `sysparm_limit` / `sysparm_offset` paging with
 * `Link` (first, prev, next, last) and `X-Total-Count`, `sysparm_display_value=false`,
 * `sysparm_exclude_reference_link`; `GET` and `PATCH /api/now/table/{table}/{sys_id}`; `POST
 * /api/now/table/{table}` (201 + Location) — for `core_company` and `incident`, seeded from
 * SEED_COMPANIES, writes kept in memory per instance; ServiceNow's error envelope; an inbound REST
 * rate-limit rule with `X-RateLimit-*` headers (429 + Retry-After when enforced); the SLA engine
 * clearing `made_sla` when a first-response target passes; the instance's priority lookup
 * (impact × urgency).
 *
 * Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE
 * /__sandbox/stats`, `GET /__sandbox/requests`, `DELETE /__sandbox/tokens` (expires every token),
 * `POST /__sandbox/reset` (faults, log, tokens and data back to the seed).
 *
 * @example sandboxServer.route('/servicenow', createServicenowSandbox()) // then …/servicenow/api/now/table/core_company/a1b2…8812
 */
export const createServicenowSandbox = (options: ServicenowSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const clientId = options.clientId ?? SANDBOX_SERVICENOW_CREDENTIALS.clientId;
  const clientSecret = options.clientSecret ?? SANDBOX_SERVICENOW_CREDENTIALS.clientSecret;
  const username = options.username ?? SANDBOX_SERVICENOW_CREDENTIALS.username;
  const password = options.password ?? SANDBOX_SERVICENOW_CREDENTIALS.password;
  const lifespanSeconds = options.tokenLifespanSeconds ?? 1_800;
  const perHour = options.requestsPerHour ?? 5_000;
  const customColumns = options.customColumns ?? true;
  const unknownColumns = options.unknownColumns ?? 'reject';
  const faults = createFaultInjection(SERVICENOW_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 1_000 });
  const tokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const customColumnNames = new Set(['u_external_ref', SN_SUPPORT_TIER_FIELD]);
  const columnsOf = (table: SnTable) => (customColumns ? COLUMNS[table] : COLUMNS[table].filter((c) => !customColumnNames.has(c)));
  const columnSets = { core_company: new Set(columnsOf('core_company')), incident: new Set(columnsOf('incident')) } as const;
  const writable = (table: SnTable) => WRITABLE[table].filter((c) => columnSets[table].has(c));
  const fresh = () => {
    const instance = buildSandboxInstance(clock.now());
    if (!customColumns) for (const row of instance.tables.core_company.values()) for (const c of customColumnNames) delete row[c];
    return instance;
  };
  let instance: SandboxInstance = fresh();
  let window = { hour: -1, used: 0 };

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // redirect fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/tokens', (c) => {
    tokens.clear();
    return c.body(null, 204);
  });
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    tokens.clear();
    refreshTokens.clear();
    instance = fresh();
    window = { hour: -1, used: 0 };
    return c.body(null, 204);
  });

  // Every ServiceNow call: recorded, the base latency, then any fault.
  for (const path of ['/api/*', SN_TOKEN_PATH]) {
    app.use(path, log.record);
    app.use(path, async function baseLatency(_c, next) {
      if (latencyMs > 0) await sleep(latencyMs);
      await next();
    });
    app.use(path, faults.inject);
  }

  // ----- OAuth 2.0 token endpoint ------------------------------------------------------------

  const issue = (withRefresh: boolean) => {
    const accessToken = randomBytes(64).toString('base64url');
    if (tokens.size >= 10_000) tokens.delete(tokens.keys().next().value as string);
    tokens.set(accessToken, clock.now() + lifespanSeconds * 1000);
    const refresh = withRefresh ? randomBytes(64).toString('base64url') : undefined;
    if (refresh) refreshTokens.add(refresh);
    // ServiceNow answers one second under the lifespan.
    return json({ access_token: accessToken, ...(refresh ? { refresh_token: refresh } : {}), scope: 'useraccount', token_type: 'Bearer', expires_in: lifespanSeconds - 1 });
  };

  app.post(SN_TOKEN_PATH, async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request', 'Unsupported content type');
    const form = new URLSearchParams(await c.req.text());
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials' && grant !== 'password' && grant !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'Unsupported grant type');
    // ServiceNow answers every refused credential alike: 401 server_error / access_denied.
    const denied = () => oauthError(401, 'server_error', 'access_denied');
    if (form.get('client_id') !== clientId || !sameSecret(form.get('client_secret') ?? '', clientSecret)) return denied();
    if (grant === 'password') {
      if (form.get('username') !== username || !sameSecret(form.get('password') ?? '', password)) return denied();
      return issue(true);
    }
    if (grant === 'refresh_token') {
      if (!refreshTokens.has(form.get('refresh_token') ?? '')) return denied();
      return issue(false);
    }
    return issue(false);
  });

  // ----- Table API: auth and the rate-limit rule ----------------------------------------------

  app.use('/api/*', async function bearerAuth(c, next) {
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const expiresAt = m ? tokens.get(m[1]!) : undefined;
    if (expiresAt === undefined || clock.now() >= expiresAt) return notAuthenticated();
    await next();
  });
  app.use('/api/*', async function rateLimitRule(c, next) {
    const now = clock.now();
    const hour = Math.floor(now / 3_600_000);
    if (window.hour !== hour) window = { hour, used: 0 };
    window.used += 1;
    const headers = rateLimitHeaders(perHour, (hour + 1) * 3_600, SANDBOX_RATE_LIMIT_RULE);
    if (options.enforceRateLimit && window.used > perHour) {
      return snErrorResponse(429, 'Too Many Requests', 'The rate limit rule for this user has been exceeded', { ...headers, 'retry-after': String(Math.max(1, Math.ceil(((hour + 1) * 3_600_000 - now) / 1000))) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });

  // ----- rendering ---------------------------------------------------------------------------

  /** A row as the Table API renders it: `sysparm_fields` projection (unknown names left out), references bare or as `{link, value}`. */
  const render = (c: Context, table: SnTable, row: Row): Json => {
    const fieldsParam = c.req.query('sysparm_fields');
    const wanted = fieldsParam ? fieldsParam.split(',').map((f) => f.trim()).filter((f) => columnSets[table].has(f)) : columnsOf(table);
    const bare = c.req.query('sysparm_exclude_reference_link') === 'true';
    const base = baseUrlOf(c);
    const out: Json = {};
    for (const field of wanted) {
      let value = row[field] ?? '';
      if (table === 'incident' && field === 'made_sla') value = madeSla(row, instance.slas.get(row.sys_id!), clock.now());
      const target = REFERENCES[table][field];
      out[field] = target && value !== '' && !bare ? { link: `${base}${SN_TABLE_PATH}/${target}/${value}`, value } : value;
    }
    return out;
  };

  /** Refuses what the sandbox does not render (display values), in ServiceNow's envelope. */
  const unsupportedRendering = (c: Context): Response | undefined => {
    const display = c.req.query('sysparm_display_value');
    if (display !== undefined && display !== 'false') return snErrorResponse(400, 'Invalid parameter', 'The sandbox renders raw values only: sysparm_display_value=false');
    return undefined;
  };

  const tableOf = (c: Context): SnTable | Response => {
    const name = c.req.param('table')!;
    return isTable(name) ? name : snErrorResponse(400, `Invalid table ${name}`, null);
  };

  // ----- Table API: list ----------------------------------------------------------------------

  const nonNegative = (value: string | undefined, fallback: number): number | undefined => {
    if (value === undefined) return fallback;
    return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
  };

  app.get(`${SN_TABLE_PATH}/:table`, (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const limit = nonNegative(c.req.query('sysparm_limit'), 10_000);
    const offset = nonNegative(c.req.query('sysparm_offset'), 0);
    if (limit === undefined || limit < 1 || offset === undefined) return snErrorResponse(400, 'Invalid parameter', 'sysparm_limit must be a positive integer and sysparm_offset a non-negative integer');
    let rows: Row[];
    try {
      rows = runQuery(instance.tables[table].values(), parseEncodedQuery(c.req.query('sysparm_query') ?? '', columnSets[table], unknownColumns));
    } catch (error) {
      if (error instanceof QueryError) return invalidQuery(error.message);
      throw error;
    }
    const total = rows.length;
    const page = rows.slice(offset, offset + limit);
    const base = `${baseUrlOf(c)}${SN_TABLE_PATH}/${table}`;
    const link = (at: number, rel: string) => {
      const params = new URLSearchParams(c.req.query());
      params.set('sysparm_limit', String(limit));
      params.set('sysparm_offset', String(at));
      return `<${base}?${params}>;rel="${rel}"`;
    };
    const links = [link(0, 'first')];
    if (offset > 0) links.push(link(Math.max(0, offset - limit), 'prev'));
    if (offset + limit < total) links.push(link(offset + limit, 'next'));
    links.push(link(total === 0 ? 0 : Math.floor((total - 1) / limit) * limit, 'last'));
    return json({ result: page.map((row) => render(c, table, row)) }, 200, { link: links.join(','), 'x-total-count': String(total) });
  });

  // ----- Table API: one record ------------------------------------------------------------------

  app.get(`${SN_TABLE_PATH}/:table/${SYS_ID}`, (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const row = instance.tables[table].get(c.req.param('sys_id')!);
    return row ? json({ result: render(c, table, row) }) : noRecordFound();
  });

  /** The JSON object body of a write, or ServiceNow's answer to a bad one. */
  const readBody = async (c: Context): Promise<Json | Response> => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return snErrorResponse(415, 'Unsupported Media Type', 'The request body must be application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return snErrorResponse(400, 'Exception while reading request', 'The payload is not valid JSON.');
    }
    return isObject(body) ? body : snErrorResponse(400, 'Exception while reading request', 'The payload must be a JSON object.');
  };
  /** The writable columns of a body as strings; other columns and non-scalar values are ignored, as the Table API does. */
  const writableValues = (table: SnTable, body: Json): Row => {
    const out: Row = {};
    for (const column of writable(table)) {
      const value = body[column];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[column] = String(value);
    }
    return out;
  };
  const touch = (row: Row) => {
    row.sys_updated_on = toGlideDateTime(clock.now());
    row.sys_updated_by = INTEGRATION_USER.userName;
    row.sys_mod_count = String(Number(row.sys_mod_count ?? '0') + 1);
  };

  app.post(`${SN_TABLE_PATH}/:table`, async (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const values = writableValues(table, body);
    const now = clock.now();
    const sysId = randomBytes(16).toString('hex');
    let row: Row;
    if (table === 'core_company') {
      // The instance's data policy on Company makes the name mandatory.
      if (!values.name?.trim()) return snErrorResponse(403, 'Operation Failed', 'Data Policy Exception: \n\tThe following fields are mandatory: Name');
      const created = toGlideDateTime(now);
      row = Object.fromEntries(columnsOf('core_company').map((col) => [col, '']));
      Object.assign(row, { customer: 'false', vendor: 'false', manufacturer: 'false', primary: 'false' }, values, {
        sys_id: sysId,
        sys_created_on: created,
        sys_created_by: INTEGRATION_USER.userName,
        sys_updated_on: created,
        sys_updated_by: INTEGRATION_USER.userName,
        sys_mod_count: '0',
      });
    } else {
      row = { ...incidentDefaults(sysId, incidentNumber(instance.nextIncidentNumber++), now), ...values, caller_id: values.caller_id ?? '' };
      // Choice columns keep any value in the database; the priority lookup only knows 1..3.
      const level = (v: string | undefined) => ((SN_LEVELS as readonly string[]).includes(v ?? '') ? (v as (typeof SN_LEVELS)[number]) : '3');
      const impact = level(row.impact);
      const urgency = level(row.urgency);
      const priority = priorityOf(impact, urgency);
      Object.assign(row, { impact, urgency, priority });
      const sla = slaFor(companyTier(instance.tables.core_company.get(row.company ?? '')), priority, now);
      if (sla) {
        instance.slas.set(sysId, sla);
        row.sla_due = toGlideDateTime(sla.dueAt);
      }
    }
    instance.tables[table].set(sysId, row);
    return json({ result: render(c, table, row) }, 201, { location: `${baseUrlOf(c)}${SN_TABLE_PATH}/${table}/${sysId}` });
  });

  app.patch(`${SN_TABLE_PATH}/:table/${SYS_ID}`, async (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const row = instance.tables[table].get(c.req.param('sys_id')!);
    if (!row) return noRecordFound();
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const values = writableValues(table, body);
    if (table === 'core_company' && 'name' in values && !values.name!.trim()) return snErrorResponse(403, 'Operation Failed', 'Data Policy Exception: \n\tThe following fields are mandatory: Name');
    const changed = Object.entries(values).some(([k, v]) => row[k] !== v);
    Object.assign(row, values);
    // An update that changes nothing is not written (no new sys_mod_count), as on an instance.
    if (changed) touch(row);
    return json({ result: render(c, table, row) });
  });

  app.all('/api/*', () => invalidUri());
  return app;
};
