import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson, readJsonAs } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  NS_IDEMPOTENCY_KEY_HEADER,
  NS_INTERNAL_ID,
  NS_PROPERTY_NAME_VALIDATION_HEADER,
  NS_SUITEQL_MAX_LIMIT,
  NS_SUITEQL_PATH,
  NsErrorSchema,
  nsSuiteQlPageSchema,
} from '../../../../openapi/vendors/netsuite/types.js';
import type { NetsuiteConfig } from './config.js';
import { createNetsuiteTokenProvider } from './token-provider.js';

export interface NetsuiteClientDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** NetSuite's concurrency limit, shared by every gateway process (NETSUITE_LIMITS). */
  readonly budget?: OutboundBudget;
}

/** A write NetSuite refused (4xx): its status and the first `nsError` detail's code and path, when clean. */
export interface NsRejection {
  readonly status: number;
  readonly errorCode?: string;
  readonly errorPath?: string;
}

/**
 * `X-NetSuite-Idempotency-Key` for creating a record of `recordType` with this external id: a UUID
 * (RFC 9562 version 8) from a SHA-256 of both, so every attempt — a retry within the call, or a
 * client's retry after a timeout, in any gateway process — sends the same key.
 */
export const idempotencyKeyFor = (recordType: string, externalRef: string): string => {
  const h = createHash('sha256').update(`strata/netsuite/${recordType}/${externalRef}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/**
 * The internal id in a `Location` header of a created record (`…/record/v1/salesOrder/60001`),
 * checked against the record path and the id pattern. The URL itself is never followed: the record is
 * read back on our own base URL, so a Location naming another host gets no credentials.
 */
export const recordIdFromLocation = (location: string | undefined, recordPath: string): string | undefined => {
  if (!location) return undefined;
  let pathname: string;
  try {
    pathname = new URL(location, 'http://location.invalid').pathname;
  } catch {
    return undefined;
  }
  const prefix = `${recordPath}/`.toLowerCase();
  const at = pathname.toLowerCase().lastIndexOf(prefix);
  const id = at >= 0 ? pathname.slice(at + prefix.length) : '';
  return NS_INTERNAL_ID.test(id) ? id : undefined;
};

/** NetSuite's machine error code and path from an `nsError` body, when there are clean ones. */
export const nsErrorDetail = (body: string): { errorCode?: string; errorPath?: string } => {
  const detail = readJsonAs(body, NsErrorSchema)?.['o:errorDetails']?.[0];
  const code = detail?.['o:errorCode'];
  const path = detail?.['o:errorPath'];
  return {
    ...(code && /^[A-Z0-9_]{1,64}$/.test(code) ? { errorCode: code } : {}),
    ...(path && /^[A-Za-z0-9_.[\]]{1,100}$/.test(path) ? { errorPath: path } : {}),
  };
};

/**
 * NetSuite REST web services for the ERP adapter: OAuth bearer tokens (cached, one refresh on a 401),
 * record reads and writes, SuiteQL pages. Every call goes through the vendor caller (deadline,
 * retries for reads and keyed writes only, Retry-After, breaker, outbound budget); every body is
 * validated against the hand-written vendor schemas; NetSuite's texts are never logged, only its codes.
 */
export const createNetsuiteClient = (config: NetsuiteConfig, deps: NetsuiteClientDeps) => {
  const { http, clock, logger, budget } = deps;
  const caller = createVendorCaller({ vendor: 'netsuite', domain: 'erp', http, clock, ...(logger ? { logger } : {}), ...(budget ? { budget } : {}), ...config.resilience });
  const tokens = createNetsuiteTokenProvider(config, { caller, clock, ...(logger ? { logger } : {}) });
  const meta = { domain: 'erp', vendor: 'netsuite', ...(logger ? { logger } : {}) };

  /** A record or query call with the bearer token; on a 401, one fresh token and one more try. */
  const authorized = async (call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(ctx);
      if (!token.ok) return token;
      const sent = await caller.call({ ...call, headers: { accept: 'application/json', ...call.headers, authorization: `Bearer ${token.value}` } }, ctx);
      if (!sent.ok || sent.value.status !== 401 || attempt > 0) return sent;
      tokens.invalidate(token.value);
    }
  };

  /** Any status we do not expect: logged with NetSuite's error code only, answered as `vendor.error`. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    const { errorCode } = nsErrorDetail(response.body);
    logger?.warn({ vendor: 'netsuite', status: response.status, errorCode, traceId: ctx.trace.traceId }, 'unexpected netsuite response');
    return fail('vendor.error', { vendor: 'erp' });
  };

  const client = {
    unexpected,

    /** `GET` a record (path with its query); a 404 is `undefined`, for the caller to name. */
    async getRecord<S extends z.ZodType>(path: string, schema: S, ctx: CallContext): Promise<Result<z.output<S> | undefined>> {
      const sent = await authorized({ method: 'GET', path, retry: true }, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status === 404) return ok(undefined);
      if (sent.value.status !== 200) return unexpected(sent.value, ctx);
      return parseVendorJson(sent.value, schema, meta);
    },

    /** One SuiteQL page (`POST` with `Prefer: transient`: a read, so retried like one). */
    async queryPage<S extends z.ZodType>(q: string, row: S, page: { readonly limit: number; readonly offset: number }, ctx: CallContext) {
      const limit = Math.min(Math.max(Math.trunc(page.limit), 1), NS_SUITEQL_MAX_LIMIT);
      const sent = await authorized(
        {
          method: 'POST',
          path: `${NS_SUITEQL_PATH}?limit=${limit}&offset=${Math.max(0, Math.trunc(page.offset))}`,
          headers: { prefer: 'transient', 'content-type': 'application/json' },
          body: JSON.stringify({ q }),
          retry: true,
        },
        ctx,
      );
      if (!sent.ok) return sent;
      if (sent.value.status !== 200) return unexpected(sent.value, ctx);
      return parseVendorJson(sent.value, nsSuiteQlPageSchema(row), meta);
    },

    /**
     * Rows of a query, page after page (following `hasMore`), until `enough(rows)` says so, the rows
     * run out, or `maxPages` pages were read — so a caller's limit bounds the vendor calls too.
     */
    async queryRows<S extends z.ZodType>(
      q: string,
      row: S,
      options: { readonly pageSize: number; readonly maxPages: number; readonly enough: (rows: readonly z.output<S>[]) => boolean },
      ctx: CallContext,
    ): Promise<Result<z.output<S>[]>> {
      const rows: z.output<S>[] = [];
      for (let page = 0, offset = 0; page < options.maxPages; page++) {
        const result = await client.queryPage(q, row, { limit: options.pageSize, offset }, ctx);
        if (!result.ok) return result;
        rows.push(...(result.value.items as z.output<S>[]));
        if (!result.value.hasMore || result.value.items.length === 0 || options.enough(rows)) break;
        offset += result.value.items.length;
      }
      return ok(rows);
    },

    /**
     * `POST` a new record with an idempotency key: NetSuite answers 204 and the new record's URL in
     * `Location`, and a repeated key gets the first request's outcome — so the call is retried on a
     * timeout or 5xx like a read (RELIABILITY.md E2). A 4xx comes back as a rejection to interpret.
     */
    async createRecord(recordPath: string, body: unknown, idempotencyKey: string, ctx: CallContext): Promise<Result<{ readonly id: string } | { readonly rejected: NsRejection }>> {
      const sent = await authorized(
        {
          method: 'POST',
          path: recordPath,
          headers: { 'content-type': 'application/json', [NS_IDEMPOTENCY_KEY_HEADER]: idempotencyKey, [NS_PROPERTY_NAME_VALIDATION_HEADER]: 'Error' },
          body: JSON.stringify(body),
          retry: true,
        },
        ctx,
      );
      if (!sent.ok) return sent;
      const response = sent.value;
      if (response.status >= 400 && response.status < 500) return ok({ rejected: { status: response.status, ...nsErrorDetail(response.body) } });
      if (response.status < 200 || response.status >= 300) return unexpected(response, ctx);
      // A 2xx without the new record's URL (an HTML page, a proxy's answer) is nothing we can use.
      const id = response.status === 204 || response.status === 201 ? recordIdFromLocation(response.headers.location, recordPath) : undefined;
      if (!id) {
        logger?.warn({ vendor: 'netsuite', status: response.status, reason: 'no record id in Location', bytes: response.body.length, traceId: ctx.trace.traceId }, 'invalid vendor response');
        return fail('vendor.invalid_response', { vendor: 'erp' });
      }
      return ok({ id });
    },
  };
  return client;
};

export type NetsuiteClient = ReturnType<typeof createNetsuiteClient>;
