import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { BP_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import { AR_SERVICE_PATH, CREDIT_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import { SO_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import { SANDBOX_SAP_CREDENTIALS } from './config.js';
import { odataVersion, SAP_FAULTS, v2ErrorResponse } from './sandbox-faults.js';
import { createSandboxState } from './sandbox-state.js';
import { businessPartnerService, creditService, receivablesService, type ServiceRequest } from './sandbox-v2.js';
import { salesOrderService } from './sandbox-v4.js';

export interface SapSandboxOptions {
  /** Relative dates of the ledger, creation times; default the system clock. */
  readonly clock?: Clock;
  /** Added to every SAP call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  /** Server-side page size of collections (SAP pages with `__next` / `@odata.nextLink`). Default 1000. */
  readonly pageSize?: number;
  /** The communication user it accepts. Default SANDBOX_SAP_CREDENTIALS. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Service roots answered as "no service found" (a tenant without that communication arrangement). */
  readonly disabledServices?: readonly string[];
}

/** What the sandbox saw of one request (for conformance tests); credentials, tokens and cookies are masked. */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point and percent-decoded: `/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner('1000812')`. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const SERVICES = [
  { root: BP_SERVICE_PATH, version: 'v2', handle: businessPartnerService },
  { root: CREDIT_SERVICE_PATH, version: 'v2', handle: creditService },
  { root: AR_SERVICE_PATH, version: 'v2', handle: receivablesService },
  { root: SO_SERVICE_PATH, version: 'v4', handle: salesOrderService },
] as const;

const SESSION_COOKIE = 'SAP_SESSIONID_S4H_100';
const RECORDED_HEADERS = ['accept', 'content-type', 'x-csrf-token', 'cookie', 'if-match', 'authorization', 'traceparent'];
const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

const decodedPath = (c: Context): string => {
  const path = new URL(c.req.url).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};
/** The path after the mount point (`/sap-s4hana/sap/opu/…` → `/sap/opu/…`). */
const relativePath = (path: string): string => {
  for (const marker of ['/sap/opu/', '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
const mountOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf('/sap/opu/');
  return url.origin + (at > 0 ? url.pathname.slice(0, at) : '');
};
const maskHeader = (name: string, value: string): string => {
  if (name === 'authorization') return value.replace(/^(\S+)\s+\S.*$/, '$1 [credentials]');
  if (name === 'cookie') return '[session cookies]';
  if (name === 'x-csrf-token') return value.toLowerCase() === 'fetch' ? value : '[token]';
  return value;
};
const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = maskHeader(name, value);
  }
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await c.req.text();
  return { method: c.req.method, path: relativePath(decodedPath(c)), query: c.req.query(), headers, ...(body !== undefined ? { body } : {}) };
};

const cookieValue = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
};

/**
 * Faults only writes get (the shared mechanism matches paths, not methods, and a lookup before a write
 * shares the write's path): `hang-after-commit` processes the write, then holds its answer until the
 * client gives up (a response lost after the commit); `hang-before-commit` holds it unprocessed until
 * the client gives up (a request lost on the way); `error500`/`error503` refuse it before any
 * processing; `csrf-required` answers 403 `x-csrf-token: Required` as for an expired session.
 */
const WriteFaultSchema = z.strictObject({
  kind: z.enum(['hang-after-commit', 'hang-before-commit', 'error500', 'error503', 'csrf-required']),
  times: z.number().int().min(1).max(1000).default(1),
  pathPattern: z.string().min(1).max(200).optional(),
  holdMs: z.number().int().min(0).max(120_000).default(60_000),
});
export type WriteFaultInput = z.input<typeof WriteFaultSchema>;

/**
 * An SAP S/4HANA Cloud simulator serving, under one base, the four OData services the ERP adapter
 * uses: Business Partner (V2), Credit Management master data (V2), accounts-receivable line items
 * (V2) and Sales Order (V4), with SAP Gateway's wire format, seeded from SEED_COMPANIES. It checks the
 * communication user (HTTP Basic, 401 otherwise), enforces CSRF on writes (`x-csrf-token: Fetch` on a
 * GET hands out a token bound to a session cookie; a write without both gets `403` +
 * `x-csrf-token: Required`), requires `If-Match` on updates, refuses unknown or read-only properties
 * as the EDMX declares them, and pages collections with `__next` / `@odata.nextLink`.
 *
 * Control API (not SAP's): `/__sandbox/faults` (shared fault injection; error bodies in the V2 or V4
 * envelope of the service hit), `/__sandbox/stats` and `/__sandbox/requests`, `DELETE
 * /__sandbox/sessions` (expire CSRF sessions), `POST /__sandbox/write-faults` (faults for writes only:
 * a response lost after the commit — RELIABILITY.md E2 —, a 5xx before it, a CSRF refusal),
 * `POST /__sandbox/reset` (seeds, faults, logs, sessions).
 *
 * @example sandboxServer.route('/sap-s4hana', createSapS4hanaSandbox()) // then …/sap-s4hana/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner('1000812')
 */
export const createSapS4hanaSandbox = (options: SapSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const pageSize = options.pageSize ?? 1000;
  const credentials = options.credentials ?? SANDBOX_SAP_CREDENTIALS;
  const expectedAuthorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const state = createSandboxState(clock);
  const faults = createFaultInjection(SAP_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 500 });
  /** CSRF sessions: session id → token. */
  const sessions = new Map<string, string>();
  let writeFaults: { kind: z.output<typeof WriteFaultSchema>['kind']; remaining: number; pattern: RegExp | undefined; holdMs: number }[] = [];
  const app = new Hono();

  // Control API: not part of SAP's surface, so neither recorded nor faulted — but a hit on the
  // `redirect` fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/sessions', (c) => {
    sessions.clear();
    return c.body(null, 204);
  });
  app.post('/__sandbox/write-faults', async (c) => {
    const parsed = WriteFaultSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid write fault' }, 400);
    const { kind, times, pathPattern, holdMs } = parsed.data;
    writeFaults.push({ kind, remaining: times, pattern: pathPattern ? new RegExp(pathPattern) : undefined, holdMs });
    return c.body(null, 204);
  });
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    sessions.clear();
    writeFaults = [];
    state.reset();
    return c.body(null, 204);
  });

  const serviceOf = (path: string) => SERVICES.find((s) => path === s.root || path.startsWith(`${s.root}/`));

  // Every SAP call: recorded, the base latency, then faults (in the envelope of the service's OData version).
  app.use('/sap/opu/*', log.record);
  app.use('/sap/opu/*', async function baseLatency(_c, next) {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  });
  app.use('/sap/opu/*', (c, next) => odataVersion.run(serviceOf(relativePath(decodedPath(c)))?.version ?? 'v2', () => faults.inject(c, next)));

  const communicationUser: MiddlewareHandler = async function communicationUser(c, next) {
    if (c.req.header('authorization') !== expectedAuthorization) {
      return c.html('<html><head><title>Logon Error Message</title></head><body>Logon failed</body></html>', 401, { 'www-authenticate': 'Basic realm="SAP NetWeaver Application Server [S4H/100]"' });
    }
    await next();
  };
  app.use('/sap/opu/*', communicationUser);

  const csrf: MiddlewareHandler = async function csrfProtection(c, next) {
    const sessionId = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
    const token = c.req.header('x-csrf-token');
    if (MODIFYING.has(c.req.method)) {
      const expected = sessionId ? sessions.get(sessionId) : undefined;
      if (!expected || token !== expected) return c.text('CSRF token validation failed', 403, { 'x-csrf-token': 'Required' });
      return next();
    }
    if (token?.toLowerCase() !== 'fetch') return next();
    let id = sessionId && sessions.has(sessionId) ? sessionId : undefined;
    const fresh = !id;
    if (!id) {
      id = randomBytes(24).toString('base64url');
      sessions.set(id, randomBytes(18).toString('base64'));
    }
    await next();
    c.res.headers.set('x-csrf-token', sessions.get(id)!);
    if (fresh) {
      c.res.headers.append('set-cookie', `${SESSION_COOKIE}=${id}; path=/; secure; HttpOnly`);
      c.res.headers.append('set-cookie', 'sap-usercontext=sap-client=100; path=/');
    }
  };
  app.use('/sap/opu/*', async function writeFault(c, next) {
    const path = relativePath(decodedPath(c));
    const rule = MODIFYING.has(c.req.method) ? writeFaults.find((h) => !h.pattern || h.pattern.test(path)) : undefined;
    if (!rule) return next();
    if (--rule.remaining <= 0) writeFaults = writeFaults.filter((h) => h !== rule);
    if (rule.kind === 'csrf-required') return c.text('CSRF token validation failed', 403, { 'x-csrf-token': 'Required' });
    if (rule.kind === 'hang-before-commit') {
      await sleep(rule.holdMs, undefined, { signal: c.req.raw.signal, ref: false }).catch(() => undefined);
      return c.body(null, 504);
    }
    if (rule.kind !== 'hang-after-commit') {
      return odataVersion.run(serviceOf(path)?.version ?? 'v2', () => SAP_FAULTS.errorResponse(rule.kind as 'error500' | 'error503', rule.kind === 'error500' ? 500 : 503, {}));
    }
    await next();
    await sleep(rule.holdMs, undefined, { signal: c.req.raw.signal, ref: false }).catch(() => undefined);
    c.res = undefined;
    c.res = new Response(null, { status: 504 });
  });
  app.use('/sap/opu/*', csrf);

  app.all('/sap/opu/*', async (c) => {
    const path = relativePath(decodedPath(c));
    const service = serviceOf(path);
    if (!service || options.disabledServices?.includes(service.root)) {
      const name = (service?.root ?? path).split('/').filter(Boolean).slice(-1)[0] ?? '';
      return v2ErrorResponse(404, '/IWFND/MED/170', `No service found for namespace '/SAP/', name '${name}', version '0001'`);
    }
    const request: ServiceRequest = {
      c,
      state,
      resource: path.slice(service.root.length).replace(/^\//, ''),
      serviceUrl: mountOf(c) + service.root,
      pageSize,
      now: clock.now(),
    };
    return service.handle(request);
  });

  return app;
};
