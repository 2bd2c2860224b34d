import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import { v2Collection, v2Entity, v4Collection, V2ErrorSchema, V4ErrorSchema } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import type { SapS4hanaConfig } from './config.js';
import { createCsrfSession, type CsrfSession } from './csrf-session.js';

export const DOMAIN = 'erp';
export const VENDOR = 'sap-s4hana';

export interface SapClientDeps {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly budget?: OutboundBudget;
}

/** What SAP told us went wrong, reduced to what may be logged and matched: codes and targets, never messages. */
export interface SapFault {
  readonly status: number;
  readonly codes: readonly string[];
  readonly targets: readonly string[];
}

const V2_JSON = 'application/json';
/** V4: decimals as strings (OData JSON Format §3.2), so amounts never pass through a float. */
const V4_JSON = 'application/json;IEEE754Compatible=true';
const SAFE_CODE = /^[A-Za-z0-9_/.:-]{1,80}$/;
/** SAP Gateway's V2 message for a key that matches no entity ("Resource not found for segment …"). */
const ENTITY_NOT_FOUND = '/IWBEP/CM_MGW_RT/020';

/**
 * The adapter's OData transport to one tenant: every call through the shared vendor caller (deadline,
 * retries for reads, Retry-After, breaker, outbound budget), with the communication user's credentials
 * and the right `Accept` for V2 or V4; writes through the per-service CSRF session; bodies checked by
 * zod (`parseVendorJson`); collection reads follow SAP's server-side paging (`__next`,
 * `@odata.nextLink`) up to the number asked for, never to another host or service.
 */
export const createSapODataClient = (config: SapS4hanaConfig, deps: SapClientDeps) => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({
    vendor: VENDOR,
    domain: DOMAIN,
    http,
    clock,
    ...(logger ? { logger } : {}),
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...config.resilience,
  });
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };
  const base = new URL(`${config.baseUrl}/`);
  const basePath = base.pathname.replace(/\/$/, '');
  const csrf = new Map<string, CsrfSession>();

  /** One call with credentials; a 401 gets one more attempt only when the scheme can refresh (OAuth). */
  const send = async (call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const authorization = await config.auth.authorization(ctx);
      if (!authorization.ok) return authorization;
      const sent = await caller.call({ ...call, headers: { ...call.headers, authorization: authorization.value } }, ctx);
      if (!sent.ok || sent.value.status !== 401) return sent;
      if (attempt > 0 || !config.auth.rejected(authorization.value)) {
        logger?.error({ vendor: VENDOR, status: 401 }, 'sap refused the communication user; check SAP_USERNAME/SAP_PASSWORD and the communication arrangement');
        return fail('vendor.error', { vendor: DOMAIN });
      }
    }
  };

  const sessionFor = (serviceRoot: string, accept: string): CsrfSession => {
    let session = csrf.get(serviceRoot);
    if (!session) {
      session = createCsrfSession({ serviceRoot, accept, send, vendor: VENDOR, domain: DOMAIN, ...(logger ? { logger } : {}) });
      csrf.set(serviceRoot, session);
    }
    return session;
  };

  /** The codes and targets of an OData error body (V2 or V4), for logs and for mapping to domain codes. */
  const faultOf = (response: HttpResponse): SapFault => {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return { status: response.status, codes: [], targets: [] };
    }
    const v2 = V2ErrorSchema.safeParse(body);
    if (v2.success) {
      const details = v2.data.error.innererror?.errordetails ?? [];
      return { status: response.status, codes: [v2.data.error.code, ...details.map((d) => d.code)], targets: details.flatMap((d) => [d.target ?? '', d.propertyref ?? '']).filter(Boolean) };
    }
    const v4 = V4ErrorSchema.safeParse(body);
    if (v4.success) {
      const all = [v4.data.error, ...(v4.data.error.details ?? [])];
      return { status: response.status, codes: all.map((d) => d.code), targets: all.map((d) => d.target ?? '').filter(Boolean) };
    }
    return { status: response.status, codes: [], targets: [] };
  };

  /** Any answer we do not expect: logged with SAP's codes only (never its message), answered as vendor.error. */
  const unexpected = (response: HttpResponse, ctx: CallContext, what: string): Result<never> => {
    const fault = faultOf(response);
    logger?.warn({ vendor: VENDOR, status: response.status, sapCodes: fault.codes.filter((c) => SAFE_CODE.test(c)).slice(0, 5), what, traceId: ctx.trace.traceId }, 'unexpected sap response');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** A 200 body against `schema`; 404 → `notFound` (an entity read) ; anything else → vendor.error. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, schema: S, notFound: ErrorCode | undefined, ctx: CallContext, what: string): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    if (sent.value.status === 404 && notFound) return fail(notFound);
    if (sent.value.status !== 200) return unexpected(sent.value, ctx, what);
    return parseVendorJson(sent.value, schema, meta);
  };

  /** A `__next` / `@odata.nextLink` as a path for the HttpClient: same origin, same service, else refused. */
  const nextPath = (link: string, serviceRoot: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(link, new URL(`${basePath}${serviceRoot}/`, base));
    } catch {
      return undefined;
    }
    if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}${serviceRoot}/`)) return undefined;
    return url.pathname.slice(basePath.length) + url.search;
  };

  const get = (path: string, accept: string, ctx: CallContext) => send({ method: 'GET', path, headers: { accept }, retry: true }, ctx);

  /** Reads pages of a collection until `limit` items or the last page. */
  const list = async <S extends z.ZodType>(
    version: 'v2' | 'v4',
    serviceRoot: string,
    path: string,
    item: S,
    limit: number,
    ctx: CallContext,
  ): Promise<Result<z.output<S>[]>> => {
    const items: z.output<S>[] = [];
    let next: string | undefined = `${serviceRoot}/${path}`;
    for (let page = 0; next && items.length < limit; page++) {
      if (page >= 50) {
        logger?.warn({ vendor: VENDOR, service: serviceRoot }, 'sap paging did not end after 50 pages');
        return fail('vendor.invalid_response', { vendor: DOMAIN });
      }
      const sent = await get(next, version === 'v2' ? V2_JSON : V4_JSON, ctx);
      if (version === 'v2') {
        const body = read(sent, v2Collection(item), undefined, ctx, path.split('?')[0]!);
        if (!body.ok) return body;
        items.push(...(body.value.d.results as z.output<S>[]));
        next = body.value.d.__next === undefined ? undefined : nextPath(body.value.d.__next, serviceRoot) ?? 'invalid';
      } else {
        const body = read(sent, v4Collection(item), undefined, ctx, path.split('?')[0]!);
        if (!body.ok) return body;
        items.push(...(body.value.value as z.output<S>[]));
        const link = body.value['@odata.nextLink'];
        next = link === undefined ? undefined : nextPath(link, serviceRoot) ?? 'invalid';
      }
      if (next === 'invalid') {
        logger?.warn({ vendor: VENDOR, service: serviceRoot }, 'sap next link points outside the service; not followed');
        return fail('vendor.invalid_response', { vendor: DOMAIN });
      }
    }
    return ok(items.slice(0, limit));
  };

  return {
    breaker: caller.breaker,
    faultOf,
    unexpected,
    /** `GET` of one V2 entity (`{"d": {...}}`). */
    async getV2<S extends z.ZodType>(serviceRoot: string, path: string, entity: S, notFound: ErrorCode, ctx: CallContext): Promise<Result<z.output<S>>> {
      const body = read(await get(`${serviceRoot}/${path}`, V2_JSON, ctx), v2Entity(entity), notFound, ctx, path.split('?')[0]!);
      return body.ok ? ok((body.value as { d: z.output<S> }).d) : body;
    },
    /**
     * `GET` of one V2 entity that may not exist: undefined on SAP Gateway's "resource not found for
     * segment" (404 `/IWBEP/CM_MGW_RT/020`), and vendor.error on any other 404 — a service that is not
     * activated for the communication user must not read as "no such entity".
     */
    async findV2<S extends z.ZodType>(serviceRoot: string, path: string, entity: S, ctx: CallContext): Promise<Result<z.output<S> | undefined>> {
      const sent = await get(`${serviceRoot}/${path}`, V2_JSON, ctx);
      if (sent.ok && sent.value.status === 404 && faultOf(sent.value).codes[0] === ENTITY_NOT_FOUND) return ok(undefined);
      const body = read(sent, v2Entity(entity), undefined, ctx, path.split('?')[0]!);
      return body.ok ? ok((body.value as { d: z.output<S> }).d) : body;
    },
    /** `GET` of one V4 entity (the object itself). */
    async getV4<S extends z.ZodType>(serviceRoot: string, path: string, entity: S, notFound: ErrorCode, ctx: CallContext): Promise<Result<z.output<S>>> {
      return read(await get(`${serviceRoot}/${path}`, V4_JSON, ctx), entity, notFound, ctx, path.split('?')[0]!);
    },
    /** A V2 collection (`{"d": {"results": [...]}}`), following `__next`, at most `limit` items. */
    listV2: <S extends z.ZodType>(serviceRoot: string, path: string, item: S, limit: number, ctx: CallContext) => list('v2', serviceRoot, path, item, limit, ctx),
    /** A V4 collection (`{"value": [...]}`), following `@odata.nextLink`, at most `limit` items. */
    listV4: <S extends z.ZodType>(serviceRoot: string, path: string, item: S, limit: number, ctx: CallContext) => list('v4', serviceRoot, path, item, limit, ctx),
    /**
     * A modifying call with the CSRF token and session cookies. Never retried after a timeout or 5xx
     * (`retry: false`): the adapter makes writes safe by looking up before creating (E2).
     */
    write(version: 'v2' | 'v4', serviceRoot: string, method: Exclude<HttpMethod, 'GET'>, path: string, body: unknown, ctx: CallContext, headers: Readonly<Record<string, string>> = {}) {
      const json = version === 'v2' ? V2_JSON : V4_JSON;
      return sessionFor(serviceRoot, json).write({ method, path: `${serviceRoot}/${path}`, headers: { accept: json, 'content-type': json, ...headers }, body: JSON.stringify(body), retry: false }, ctx);
    },
    /** Parses a write's response body (201 with the created entity). */
    parse: <S extends z.ZodType>(response: HttpResponse, schema: S) => parseVendorJson(response, schema, meta),
    logger,
  };
};

export type SapODataClient = ReturnType<typeof createSapODataClient>;
