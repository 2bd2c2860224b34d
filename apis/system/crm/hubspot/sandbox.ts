import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import {
  HS_OBJECT_ID,
  HS_OBJECT_TYPE_IDS,
  HubspotBatchReadRequestSchema,
  HubspotSearchRequestSchema,
  type HubspotObjectType,
} from '../../../../openapi/vendors/hubspot/types.js';
import { SANDBOX_HUBSPOT_ACCESS_TOKEN } from './config.js';
import {
  ALWAYS_RETURNED,
  DEFAULT_PROPERTIES,
  MODIFIED_PROPERTY,
  buildSandboxPortal,
  type Portal,
  type PortalObject,
  type PropertyDefinition,
} from './sandbox-data.js';
import { HUBSPOT_FAULTS, hubspotError, rateLimitError } from './sandbox-faults.js';
import { SearchValidationError, runSearch } from './sandbox-search.js';

export interface HubspotSandboxOptions {
  readonly clock?: Clock;
  /** The private-app token the sandbox accepts. */
  readonly accessToken?: string;
  /** Scopes granted to that token; every scope the CRM objects and owners APIs need when absent. */
  readonly scopes?: readonly string[];
  /**
   * The portal's limits, shown in the `X-HubSpot-RateLimit-*` headers of every response (defaults:
   * Professional, 190 per 10 s and 650 000 a day). Only with `enforce` are requests over them refused
   * with HubSpot's 429 — off by default so a benchmark can run the sandbox flat out.
   */
  readonly rateLimit?: { readonly max?: number; readonly intervalMs?: number; readonly daily?: number; readonly enforce?: boolean };
  /** Changes the seeded portal before it serves, e.g. a duplicated external id for a test. */
  readonly customize?: (portal: Portal) => void;
}

/** What the sandbox remembers of each vendor request, for stats and conformance tests (never the token). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The JSON body of a POST or PATCH (search filters, property values: no secrets). */
  readonly body?: unknown;
  readonly bearer: boolean;
}

const JSON_TYPE = 'application/json;charset=utf-8';
const MAX_RECORDED = 1_000;
const DAY_MS = 86_400_000;
export const ALL_SCOPES = [
  'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.objects.owners.read',
] as const;
const OBJECT_TYPES = Object.keys(HS_OBJECT_TYPE_IDS) as HubspotObjectType[];

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  let body: unknown;
  if (c.req.method === 'POST' || c.req.method === 'PATCH') {
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      body = '<not JSON>';
    }
  }
  return {
    method: c.req.method,
    path: c.req.path,
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined ? { body } : {}),
    bearer: /^Bearer \S+$/.test(c.req.header('authorization') ?? ''),
  };
};

const json = (c: Context, value: unknown, status: 200 | 207 = 200) => c.body(JSON.stringify(value), status, { 'content-type': JSON_TYPE });
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const validationError = (message: string, errors?: unknown[]) => hubspotError(400, { message, category: 'VALIDATION_ERROR', ...(errors ? { errors } : {}) });
const objectNotFound = (id: string) => hubspotError(404, { message: 'Object not found.  objectId are usually numeric.', category: 'OBJECT_NOT_FOUND', context: { id: [id.slice(0, 64)] } });

const typeOf = (segment: string | undefined): HubspotObjectType | undefined =>
  OBJECT_TYPES.find((t) => t === segment || HS_OBJECT_TYPE_IDS[t] === segment);

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter(Boolean);

/** The object as HubSpot serialises it: the asked-for properties (null when unset) plus the ones always sent. */
const toWire = (definitions: Portal['definitions'], type: HubspotObjectType, object: PortalObject, requested: readonly string[] | undefined, associations: readonly string[] = [], extra: readonly string[] = []) => {
  const defined = definitions[type];
  const names = requested ? [...requested.filter((n) => Object.hasOwn(defined, n)), ...ALWAYS_RETURNED[type]] : DEFAULT_PROPERTIES[type];
  const properties = Object.fromEntries([...new Set([...names, ...extra])].sort().map((n) => [n, object.properties[n] ?? null]));
  const linked = Object.fromEntries(
    associations
      .map((to) => typeOf(to))
      .filter((to): to is HubspotObjectType => to !== undefined && (object.associations[to]?.length ?? 0) > 0)
      .map((to) => [to, { results: object.associations[to]!.map((a) => ({ id: a.id, type: a.type })) }]),
  );
  return {
    id: object.id,
    properties,
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: false,
    ...(Object.keys(linked).length > 0 ? { associations: linked } : {}),
  };
};

interface InvalidProperty {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** Checks one written value against the property's definition; the stored form, or why it is refused. */
const checkValue = (name: string, definition: PropertyDefinition | undefined, raw: unknown): { value: string | null } | InvalidProperty => {
  if (!definition) return { name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` };
  if (definition.readOnly) return { name, code: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return { name, code: 'INVALID_VALUE', message: `${name} must be a string` };
  const value = String(raw);
  if (value === '') return { value: null }; // an empty string clears the property
  switch (definition.type) {
    case 'enumeration':
      return !definition.options || definition.options.includes(value)
        ? { value }
        : { name, code: 'INVALID_OPTION', message: `${value} was not one of the allowed options: [${definition.options.join(', ')}]` };
    case 'number':
      return /^-?\d{1,15}(?:\.\d{1,12})?$/.test(value) ? { value } : { name, code: 'INVALID_DECIMAL', message: `${value} is not a valid number` };
    case 'bool':
      return value === 'true' || value === 'false' ? { value } : { name, code: 'INVALID_BOOLEAN', message: `${value} is not a valid boolean` };
    case 'datetime': {
      const ms = /^\d{10,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? { name, code: 'INVALID_DATETIME', message: `${value} is not a valid datetime` } : { value: new Date(ms).toISOString() };
    }
    default:
      return value.length <= 65_536 ? { value } : { name, code: 'INVALID_VALUE', message: `${name} is too long` };
  }
};

/**
 * A HubSpot portal simulator speaking the CRM v3 wire format the adapter uses: companies, contacts
 * and deals by id (`?properties=&associations=`, by name or objectTypeId), `PATCH` with property
 * validation, search (`EQ`, `CONTAINS_TOKEN` with wildcards, sorts, `after` paging), contact batch
 * read, and owners — private-app Bearer auth with scopes, HubSpot's error envelope, the
 * `X-HubSpot-RateLimit-*` headers on every response, seeded from the shared seed companies, with
 * fault injection. Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`,
 * `GET|DELETE /__sandbox/stats`, `GET /__sandbox/requests`.
 *
 * @example sandboxServer.route('/hubspot', createHubspotSandbox())
 */
export const createHubspotSandbox = (options: HubspotSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const accessToken = options.accessToken ?? SANDBOX_HUBSPOT_ACCESS_TOKEN;
  const scopes = new Set<string>(options.scopes ?? ALL_SCOPES);
  const limits = { max: 190, intervalMs: 10_000, daily: 650_000, enforce: false, ...options.rateLimit };
  const portal = buildSandboxPortal(clock.now());
  options.customize?.(portal);
  const faults = createFaultInjection(HUBSPOT_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: MAX_RECORDED, requestsInStats: true });

  // The rolling window: request times in order, `head` the first still inside it.
  let window: number[] = [];
  let head = 0;
  let day = -1;
  let usedToday = 0;

  const rateLimitHeaders: MiddlewareHandler = async function rateLimitHeaders(c, next) {
    const now = clock.now();
    while (head < window.length && now - window[head]! >= limits.intervalMs) head++;
    if (head > 1_024 && head * 2 > window.length) {
      window = window.slice(head);
      head = 0;
    }
    if (Math.floor(now / DAY_MS) !== day) {
      day = Math.floor(now / DAY_MS);
      usedToday = 0;
    }
    const headers = () => ({
      'X-HubSpot-RateLimit-Max': String(limits.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, limits.max - (window.length - head))),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(limits.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(limits.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, limits.daily - usedToday)),
    });
    if (limits.enforce && usedToday >= limits.daily) return rateLimitError('DAILY', headers());
    if (limits.enforce && window.length - head >= limits.max) return rateLimitError('TEN_SECONDLY_ROLLING', headers());
    window.push(now);
    usedToday += 1;
    await next();
    for (const [name, value] of Object.entries(headers())) c.res.headers.set(name, value);
  };

  const requiredScope = (c: Context): string | undefined => {
    const objects = /\/crm\/v3\/objects\/([^/]+)(\/.*)?$/.exec(c.req.path);
    if (objects) {
      const type = typeOf(objects[1]);
      if (!type) return undefined; // answered as an unknown object type
      return `crm.objects.${type}.${c.req.method === 'PATCH' ? 'write' : 'read'}`;
    }
    return /\/crm\/v3\/owners(\/|$)/.test(c.req.path) ? 'crm.objects.owners.read' : undefined;
  };

  const bearerAuth: MiddlewareHandler = async function bearerAuth(c, next) {
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!m) {
      return hubspotError(401, { message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and private app access tokens.', category: 'INVALID_AUTHENTICATION' });
    }
    if (!sameSecret(m[1]!, accessToken)) return hubspotError(401, { message: 'The access token provided is not valid.', category: 'INVALID_AUTHENTICATION' });
    const scope = requiredScope(c);
    if (scope && !scopes.has(scope)) {
      return hubspotError(403, {
        message: "This app hasn't been granted all required scopes to make this call.",
        category: 'MISSING_SCOPES',
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } }],
      });
    }
    await next();
  };

  const readBody = async (c: Context): Promise<unknown> => {
    if (!c.req.header('content-type')?.toLowerCase().startsWith('application/json')) return undefined;
    try {
      return JSON.parse(await c.req.text());
    } catch {
      return undefined;
    }
  };

  const app = new Hono();
  // Control API first: not part of the vendor surface, so neither recorded, limited nor faulted.
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);

  app.use('/crm/*', log.record);
  app.use('/crm/*', rateLimitHeaders);
  app.use('/crm/*', faults.inject);
  app.use('/crm/*', bearerAuth);

  app.get('/crm/v3/objects/:type/:id', (c) => {
    const type = typeOf(c.req.param('type'));
    if (!type) return validationError(`Unable to infer object type from: ${c.req.param('type').slice(0, 64)}`);
    const id = c.req.param('id');
    const object = HS_OBJECT_ID.test(id) ? portal.objects[type].get(id) : undefined;
    if (!object) return objectNotFound(id);
    return json(c, toWire(portal.definitions, type, object, list(c.req.query('properties')), list(c.req.query('associations'))));
  });

  app.patch('/crm/v3/objects/:type/:id', async (c) => {
    const type = typeOf(c.req.param('type'));
    if (!type) return validationError(`Unable to infer object type from: ${c.req.param('type').slice(0, 64)}`);
    const body = await readBody(c);
    const properties = (body as { properties?: unknown } | undefined)?.properties;
    if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return validationError('Invalid input JSON: expected {"properties": {…}}');
    const id = c.req.param('id');
    const object = HS_OBJECT_ID.test(id) ? portal.objects[type].get(id) : undefined;
    if (!object) return objectNotFound(id);
    const updates: Record<string, string | null> = {};
    const invalid: InvalidProperty[] = [];
    for (const [name, raw] of Object.entries(properties)) {
      const checked = checkValue(name, Object.hasOwn(portal.definitions[type], name) ? portal.definitions[type][name] : undefined, raw);
      if ('code' in checked) invalid.push(checked);
      else updates[name] = checked.value;
    }
    if (invalid.length > 0) {
      const details = invalid.map((i) => ({ isValid: false, message: i.message, error: i.code, name: i.name }));
      return validationError(
        `Property values were not valid: ${JSON.stringify(details)}`,
        invalid.map((i) => ({ message: i.message, code: i.code, context: { propertyName: [i.name] } })),
      );
    }
    const now = new Date(clock.now()).toISOString();
    object.properties = { ...object.properties, ...updates, [MODIFIED_PROPERTY[type]]: now };
    object.updatedAt = now;
    return json(c, toWire(portal.definitions, type, object, undefined, [], Object.keys(updates)));
  });

  app.post('/crm/v3/objects/:type/search', async (c) => {
    const type = typeOf(c.req.param('type'));
    if (!type) return validationError(`Unable to infer object type from: ${c.req.param('type').slice(0, 64)}`);
    const parsed = HubspotSearchRequestSchema.safeParse(await readBody(c));
    if (!parsed.success) return validationError(`Invalid input JSON: ${parsed.error.issues.map((i) => i.path.join('.') || 'body').slice(0, 3).join(', ')}`);
    try {
      const outcome = runSearch(portal.objects[type].values(), portal.definitions[type], parsed.data);
      return json(c, {
        total: outcome.total,
        results: outcome.results.map((o) => toWire(portal.definitions, type, o, parsed.data.properties)),
        ...(outcome.nextAfter ? { paging: { next: { after: outcome.nextAfter, link: `?after=${outcome.nextAfter}` } } } : {}),
      });
    } catch (error) {
      if (error instanceof SearchValidationError) return validationError(error.message);
      throw error;
    }
  });

  app.post('/crm/v3/objects/:type/batch/read', async (c) => {
    const type = typeOf(c.req.param('type'));
    if (!type) return validationError(`Unable to infer object type from: ${c.req.param('type').slice(0, 64)}`);
    const parsed = HubspotBatchReadRequestSchema.safeParse(await readBody(c));
    if (!parsed.success) return validationError(`Invalid input JSON: ${parsed.error.issues.map((i) => i.path.join('.') || 'body').slice(0, 3).join(', ')}`);
    if (parsed.data.idProperty !== undefined) return validationError('The sandbox reads by record id only');
    const startedAt = new Date(clock.now()).toISOString();
    const found: PortalObject[] = [];
    const missing: string[] = [];
    for (const { id } of parsed.data.inputs) {
      const object = HS_OBJECT_ID.test(id) ? portal.objects[type].get(id) : undefined;
      if (object) found.push(object);
      else missing.push(id.slice(0, 64));
    }
    const answer = {
      status: 'COMPLETE',
      results: found.map((o) => toWire(portal.definitions, type, o, parsed.data.properties)),
      startedAt,
      completedAt: new Date(clock.now()).toISOString(),
      ...(missing.length > 0
        ? {
            numErrors: 1,
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: `Could not get some ${type.slice(0, -1).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
                context: { ids: missing },
              },
            ],
          }
        : {}),
    };
    return json(c, answer, missing.length > 0 ? 207 : 200);
  });

  app.get('/crm/v3/owners/:ownerId', (c) => {
    const key = c.req.param('ownerId');
    const byUserId = c.req.query('idProperty') === 'userId';
    const owner = portal.owners.find((o) => (byUserId ? String(o.userId) === key : o.id === key));
    if (!owner || (owner.archived && c.req.query('archived') !== 'true')) return hubspotError(404, { message: 'Owner not found', category: 'OBJECT_NOT_FOUND' });
    return json(c, owner);
  });

  app.all('/crm/*', () => hubspotError(404, { message: 'resource not found' }));
  return app;
};
