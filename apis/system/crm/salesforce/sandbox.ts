import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SANDBOX_SALESFORCE_CREDENTIALS } from './config.js';
import { DESCRIBE, buildSandboxOrg, type SObjectRecord } from './sandbox-data.js';
import { SALESFORCE_FAULTS } from './sandbox-faults.js';
import { SoqlError, parseSoql, projectRecord, resolveField, runSoql } from './sandbox-soql.js';
import { applyUpdate, findRecord } from './sandbox-update.js';

export interface SalesforceSandboxOptions {
  readonly clock?: Clock;
  /**
   * The base URL clients reach the sandbox at, returned as `instance_url` (e.g.
   * `http://127.0.0.1:8081/salesforce`). Derived from the token request's own URL when absent.
   */
  readonly publicBaseUrl?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** How long an issued session stays valid (the org's session timeout). */
  readonly sessionTtlMs?: number;
  /** The org's API allocation shown in `Sforce-Limit-Info`. */
  readonly apiRequestLimit?: number;
  /** Extra Account records, e.g. a duplicated external id for a test. */
  readonly extraAccounts?: readonly SObjectRecord[];
}

/** What the sandbox remembers of each vendor request, for stats and conformance tests (never a secret or token). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** Form field names, and `grant_type`'s value, of a form-encoded body. */
  readonly form?: { readonly keys: readonly string[]; readonly grantType?: string };
  /** Property names of a JSON object body (an update's field API names), sorted; never the values. */
  readonly json?: { readonly keys: readonly string[] };
  readonly bearer: boolean;
}

const TOKEN_SUFFIX = '/services/oauth2/token';
const ORG_ID = '00DDn00000SbxOrEAA';
const INTEGRATION_USER_ID = '005Dn00000IntgAIAA';
const RECORD_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_RECORDED = 1_000;

/** What is kept of a vendor request: never the secret or the token, only whether one was sent. */
const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  let form: RecordedRequest['form'];
  if (c.req.method === 'POST' && contentType?.startsWith('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(await c.req.text());
    const grantType = params.get('grant_type');
    form = { keys: [...params.keys()].sort(), ...(grantType ? { grantType } : {}) };
  }
  let json: RecordedRequest['json'];
  if (c.req.method === 'PATCH' && contentType?.startsWith('application/json')) {
    try {
      const body = JSON.parse(await c.req.text()) as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) json = { keys: Object.keys(body).sort() };
    } catch {
      // not JSON: the handler answers JSON_PARSER_ERROR
    }
  }
  return {
    method: c.req.method,
    path: c.req.path,
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(form ? { form } : {}),
    ...(json ? { json } : {}),
    bearer: /^Bearer \S+$/.test(c.req.header('authorization') ?? ''),
  };
};

const sfError = (c: Context, status: 300 | 400 | 401 | 404 | 415, errorCode: string, message: string, fields?: readonly string[]) =>
  c.body(JSON.stringify([{ message, errorCode, ...(fields ? { fields } : {}) }]), status, { 'content-type': JSON_TYPE });
const notFound = (c: Context) => sfError(c, 404, 'NOT_FOUND', 'The requested resource does not exist');
const oauthError = (c: Context, error: string, description: string) =>
  c.body(JSON.stringify({ error, error_description: description }), 400, { 'content-type': JSON_TYPE });
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * A Salesforce org simulator speaking the REST wire format the adapter uses: the OAuth 2.0 client
 * credentials token endpoint, `GET sobjects/{type}/{id}` (with `?fields=`), `PATCH sobjects/{type}/{id}`
 * (field-checked updates, 204; sandbox-update.ts), `sobjects/Account/External_Id__c/{value}` and
 * `query?q=` with a SOQL subset — Bearer auth, Salesforce's error arrays, `Sforce-Limit-Info`, seeded
 * from the shared seed companies (Account, Contact, Opportunity; updates kept in memory per sandbox
 * instance), with fault injection. Control API (sandbox only, no auth):
 * `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE /__sandbox/stats` (and `GET /__sandbox/requests`),
 * `DELETE /__sandbox/sessions` (expires every session, to exercise `INVALID_SESSION_ID`).
 *
 * @example sandboxServer.route('/salesforce', createSalesforceSandbox({ publicBaseUrl: `http://127.0.0.1:${port}/salesforce` }))
 */
export const createSalesforceSandbox = (options: SalesforceSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const clientId = options.clientId ?? SANDBOX_SALESFORCE_CREDENTIALS.clientId;
  const clientSecret = options.clientSecret ?? SANDBOX_SALESFORCE_CREDENTIALS.clientSecret;
  const sessionTtlMs = options.sessionTtlMs ?? 2 * 60 * 60_000;
  const apiRequestLimit = options.apiRequestLimit ?? 15_000;
  const org = buildSandboxOrg(options.extraAccounts, clock.now());
  const faults = createFaultInjection(SALESFORCE_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: MAX_RECORDED, requestsInStats: true });
  const sessions = new Map<string, number>();
  let apiUsage = 0;

  const app = new Hono();

  // Control API first: it is not part of the vendor surface, so it is neither recorded nor faulted.
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/sessions', (c) => {
    sessions.clear();
    return c.body(null, 204);
  });

  app.use('/services/*', log.record);
  app.use('/services/*', faults.inject);

  app.post('/services/oauth2/token', async (c) => {
    if (!c.req.header('content-type')?.startsWith('application/x-www-form-urlencoded')) return oauthError(c, 'invalid_request', 'invalid content type');
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials') return oauthError(c, 'unsupported_grant_type', 'grant type not supported');
    if (form.get('client_id') !== clientId) return oauthError(c, 'invalid_client_id', 'client identifier invalid');
    if (!sameSecret(form.get('client_secret') ?? '', clientSecret)) return oauthError(c, 'invalid_client', 'invalid client credentials');
    const path = new URL(c.req.url).pathname;
    const instanceUrl = (options.publicBaseUrl ?? new URL(c.req.url).origin + path.slice(0, path.length - TOKEN_SUFFIX.length)).replace(/\/$/, '');
    const accessToken = `${ORG_ID.slice(0, 15)}!AQ${randomBytes(48).toString('base64url')}`;
    const issuedAt = String(clock.now());
    const id = `${instanceUrl}/id/${ORG_ID}/${INTEGRATION_USER_ID}`;
    if (sessions.size >= 10_000) sessions.delete(sessions.keys().next().value as string);
    sessions.set(accessToken, clock.now());
    return c.json({
      access_token: accessToken,
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      signature: createHmac('sha256', clientSecret).update(id + issuedAt).digest('base64'),
      scope: 'api',
    });
  });

  app.use('/services/data/*', async function bearerAuth(c, next) {
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const issued = m ? sessions.get(m[1]!) : undefined;
    if (issued === undefined || clock.now() - issued >= sessionTtlMs) return sfError(c, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    apiUsage += 1;
    await next();
    c.header('Sforce-Limit-Info', `api-usage=${apiUsage}/${apiRequestLimit}`);
  });
  app.use('/services/data/:version/*', async function apiVersion(c, next) {
    if (!/^v\d{2}\.0$/.test(c.req.param('version'))) return notFound(c);
    await next();
  });

  const objectNamed = (name: string) => Object.keys(DESCRIBE).find((o) => o.toLowerCase() === name.toLowerCase());

  app.get('/services/data/:version/sobjects/:sobject/:id', (c) => {
    const { version, sobject, id } = c.req.param();
    const object = objectNamed(sobject);
    const record = object && RECORD_ID.test(id) ? org.records[object]?.[findRecord(org, object, id)] : undefined;
    if (!object || !record) return notFound(c);
    const fieldsParam = c.req.query('fields');
    try {
      const fields = fieldsParam ? fieldsParam.split(',').map((f) => resolveField(object, f.trim())) : Object.keys(DESCRIBE[object]!.fields);
      return c.body(JSON.stringify(projectRecord(org, object, record, fields, version)), 200, { 'content-type': JSON_TYPE });
    } catch (error) {
      if (error instanceof SoqlError) return sfError(c, 400, 'INVALID_FIELD', error.message);
      throw error;
    }
  });

  app.patch('/services/data/:version/sobjects/:sobject/:id', async (c) => {
    const { sobject, id } = c.req.param();
    const object = objectNamed(sobject);
    if (!object || object === 'User' || !RECORD_ID.test(id)) return notFound(c);
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/json')) return sfError(c, 415, 'UNSUPPORTED_MEDIA_TYPE', `MediaType of '${type.split(';')[0]}' is not supported by this resource`);
    const outcome = applyUpdate(org, object, id, await c.req.text(), clock.now());
    if (outcome.status === 204) return c.body(null, 204);
    return sfError(c, outcome.status, outcome.errorCode, outcome.message, outcome.fields);
  });

  app.get('/services/data/:version/sobjects/:sobject/:field/:value', (c) => {
    const { version, sobject, field, value } = c.req.param();
    if (objectNamed(sobject) !== 'Account' || field.toLowerCase() !== 'external_id__c') {
      return sfError(c, 404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
    }
    const matches = org.records.Account!.filter((r) => typeof r.External_Id__c === 'string' && r.External_Id__c.toLowerCase() === value.toLowerCase());
    if (matches.length === 0) return notFound(c);
    if (matches.length > 1) {
      return c.body(JSON.stringify(matches.map((r) => `/services/data/${version}/sobjects/Account/${String(r.Id)}`)), 300, { 'content-type': JSON_TYPE });
    }
    const fields = Object.keys(DESCRIBE.Account!.fields);
    return c.body(JSON.stringify(projectRecord(org, 'Account', matches[0]!, fields, version)), 200, { 'content-type': JSON_TYPE });
  });

  const query = (c: Context) => {
    const q = c.req.query('q');
    if (!q) return sfError(c, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      return c.body(JSON.stringify(runSoql(org, parseSoql(q), c.req.param('version')!)), 200, { 'content-type': JSON_TYPE });
    } catch (error) {
      if (error instanceof SoqlError) return sfError(c, 400, error.errorCode, error.message);
      throw error;
    }
  };
  app.get('/services/data/:version/query', query);
  app.get('/services/data/:version/query/', query);

  app.all('/services/*', (c) => notFound(c));
  return app;
};
