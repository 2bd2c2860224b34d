// The Business Central API client the adapter's operations share: bearer calls (one retry on 401), one entity, paged lists, BC's error code.
import type { z } from 'zod';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { parseVendorJson, readJsonAs } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import { BcErrorSchema, bcApiRoot, bcCompanySegment } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { DynamicsBcAdapterDeps } from './adapter.js';
import { tokenEndpointOf, type DynamicsBcConfig } from './config.js';
import { guidLiteral, odataQuery } from './odata.js';
import { createDynamicsBcTokenProvider } from './token-provider.js';

export const VENDOR = 'dynamics-bc';
export const DOMAIN = 'erp';
/** Pages followed for one list (each up to the limit asked for); a bound, not a page size. */
const MAX_PAGES = 10;

export const createDynamicsBcClient = (config: DynamicsBcConfig, deps: DynamicsBcAdapterDeps) => {
  const { http, clock, logger } = deps;
  const log = logger ? { logger } : {};
  const caller = createVendorCaller({ vendor: VENDOR, domain: DOMAIN, http, clock, ...log, ...(deps.budget ? { budget: deps.budget } : {}), ...config.resilience });
  const endpoint = tokenEndpointOf(config);
  if (!endpoint.sharesApiClient && !deps.tokenHttp) throw new Error('createDynamicsBcErpAdapter: the token URL is not under baseUrl; pass tokenHttp pointed at its origin');
  // Entra is another service with its own health: its own caller (breaker), and none of BC's budget.
  const tokenCaller = endpoint.sharesApiClient
    ? caller
    : createVendorCaller({ vendor: `${VENDOR}-entra`, domain: DOMAIN, http: deps.tokenHttp!, clock, ...log, ...config.resilience });
  const tokens = createDynamicsBcTokenProvider(config, { caller: tokenCaller, path: endpoint.path, clock, ...log });
  /** `/v2.0/{tenant}/{environment}/api/v2.0/companies({companyId})`: every path starts here. */
  const company = `${bcApiRoot(config.tenantId, config.environment)}/${bcCompanySegment(config.companyId)}`;
  const meta = { domain: DOMAIN, vendor: VENDOR, ...log };

  /** A call with the bearer token; on a 401, one fresh token and one more try. */
  const authorized = async (call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(ctx);
      if (!token.ok) return token;
      const sent = await caller.call({ ...call, headers: { accept: 'application/json', ...call.headers, authorization: `Bearer ${token.value}` } }, ctx);
      if (!sent.ok || sent.value.status !== 401 || attempt > 0) return sent;
      tokens.invalidate(token.value);
    }
  };
  const get = (path: string, ctx: CallContext) => authorized({ method: 'GET', path, retry: true }, ctx);

  /** Any status we do not expect: logged with BC's error code only, answered as `vendor.error`. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    logger?.warn({ vendor: VENDOR, status: response.status, errorCode: bcErrorCode(response.body), traceId: ctx.trace.traceId }, 'unexpected business central response');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** One entity by key: 200 parsed, 404 → `notFound`. */
  const getEntity = async <S extends z.ZodType>(path: string, schema: S, notFound: ErrorCode, ctx: CallContext): Promise<Result<z.output<S>>> => {
    const sent = await get(path, ctx);
    if (!sent.ok) return sent;
    if (sent.value.status === 404) return fail(notFound);
    if (sent.value.status !== 200) return unexpected(sent.value, ctx);
    return parseVendorJson(sent.value, schema, meta);
  };

  /** A collection, following `@odata.nextLink` until `limit` entities (or MAX_PAGES pages). */
  const list = async <T>(path: string, schema: z.ZodType<{ value: T[]; '@odata.nextLink'?: string | undefined }>, limit: number, ctx: CallContext): Promise<Result<T[]>> => {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && items.length < limit && page < MAX_PAGES; page++) {
      const sent = await get(next, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status !== 200) return unexpected(sent.value, ctx);
      const parsed = parseVendorJson(sent.value, schema, meta);
      if (!parsed.ok) return parsed;
      items.push(...parsed.value.value);
      const link = parsed.value['@odata.nextLink'];
      if (link === undefined) break;
      next = relativeLink(link);
      if (next === undefined) {
        // A next link to another host or API would take our bearer token with it: refused.
        logger?.warn({ vendor: VENDOR, traceId: ctx.trace.traceId }, 'business central nextLink outside the configured API; not followed');
        return fail('vendor.invalid_response', { vendor: DOMAIN });
      }
    }
    return ok(items.slice(0, limit));
  };

  /** `@odata.nextLink` as a path under our HttpClient's base, or undefined when it points elsewhere. */
  const relativeLink = (link: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(link, `${config.baseUrl}/`);
    } catch {
      return undefined;
    }
    const full = url.origin + url.pathname;
    const prefix = `${config.baseUrl}${company}/`;
    if (!full.startsWith(prefix) || url.pathname.includes('..')) return undefined;
    return full.slice(config.baseUrl.length) + url.search;
  };

  const customerPath = (id: string, query: Record<string, string | undefined>) => `${company}/customers(${guidLiteral(id)})${odataQuery(query)}`;

  return { config, clock, logger, company, meta, authorized, unexpected, getEntity, list, customerPath };
};

export type DynamicsBcClient = ReturnType<typeof createDynamicsBcClient>;

/** A requested page size clamped to 1…max (max when not an integer). */
export const clamp = (limit: number, max: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), max) : max);

/** BC's error `code` (e.g. `Internal_RecordNotFound`) when the body is a clean error envelope. */
export const bcErrorCode = (body: string): string | undefined => {
  const code = readJsonAs(body, BcErrorSchema)?.error.code;
  return code && /^[A-Za-z_]{1,64}$/.test(code) ? code : undefined;
};
