// Stripe calls for the billing adapter: request encoding and headers, error answers → domain codes, parsing, pagination, lookup by reference.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import { StripeErrorSchema, type ParsedStripeError } from '../../../../openapi/vendors/stripe/schemas.js';
import type { GetCustomersSearchQuery, GetSubscriptionsSearchQuery } from '../../../../openapi/vendors/stripe/types.js';
import { MAX_BILLING_PAGE } from '../contract.js';
import { pageSizeOf, type StripeConfig } from './config.js';
import { encodeStripeForm, type FormValue } from './form.js';
import { METADATA } from './mapper.js';
import { metadataEquals } from './search-query.js';

export const DOMAIN = 'billing';
export const VENDOR = 'stripe';
/** Every subscription read asks for the prices' currency options, so MRR is known in any currency. */
export const SUBSCRIPTION_EXPAND = ['items.data.price.currency_options'];
/** Idempotency keys: one per operation and reference (Stripe scopes a key to one request; 255 chars max). */
export const idempotencyKeyFor = (operation: 'customer' | 'subscription', externalRef: string) => `strata-billing-${operation}-${externalRef}`;

export type Params = { readonly [key: string]: FormValue };
interface StripeCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Params;
  readonly form?: Params;
  readonly idempotencyKey?: string;
  readonly retry: boolean;
}
/** How a Stripe error maps: which code a `resource_missing` on the path, or on a named parameter, means. */
export interface ErrorMeaning {
  readonly missing?: ErrorCode;
  readonly params?: Readonly<Record<string, ErrorCode>>;
}

export const requestIdOf = (response: HttpResponse): string | undefined => {
  const id = response.headers['request-id'];
  return id && /^req_[A-Za-z0-9]{1,64}$/.test(id) ? id : undefined;
};

/** The adapter's Stripe client: everything the operation groups share, built once per adapter. */
export const createStripeClient = (config: StripeConfig, deps: { readonly http: HttpClient; readonly clock: Clock; readonly logger?: Logger; readonly budget?: OutboundBudget }) => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({ vendor: VENDOR, domain: DOMAIN, http, clock, ...(logger ? { logger } : {}), ...(deps.budget ? { budget: deps.budget } : {}), ...config.resilience });
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };
  const pageSize = pageSizeOf(config);
  const baseHeaders = { authorization: `Bearer ${config.secretKey}`, 'stripe-version': config.apiVersion, accept: 'application/json' };

  const send = (call: StripeCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    const query = call.query ? encodeStripeForm(call.query) : '';
    const body = call.form ? encodeStripeForm(call.form) : undefined;
    return caller.call(
      {
        method: call.method,
        path: query ? `${call.path}?${query}` : call.path,
        headers: {
          ...baseHeaders,
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        retry: call.retry,
      },
      ctx,
    );
  };

  /** A Stripe error answer → a domain failure. Logged with Stripe's type, code, param and request id only. */
  const refused = (response: HttpResponse, meaning: ErrorMeaning, ctx: CallContext): Result<never> => {
    const parsed = parseVendorJson(response, StripeErrorSchema, meta);
    if (!parsed.ok) return parsed;
    const e: ParsedStripeError = parsed.value.error;
    const log = { vendor: VENDOR, status: response.status, type: e.type, code: e.code, param: e.param, stripeRequestId: requestIdOf(response), traceId: ctx.trace.traceId };
    if (e.code === 'resource_missing') {
      const byParam = e.param ? Object.entries(meaning.params ?? {}).find(([prefix]) => e.param === prefix || e.param!.startsWith(`${prefix}[`)) : undefined;
      if (byParam) return fail(byParam[1]);
      if (response.status === 404 && meaning.missing) return fail(meaning.missing);
    }
    if (e.type === 'idempotency_error') {
      if (response.status === 409) {
        logger?.info(log, 'stripe is still running a request with this idempotency key');
        return fail('vendor.error', { vendor: DOMAIN, retryable: true });
      }
      // The reference was used before with other data (within Stripe's key retention).
      logger?.warn(log, 'idempotency key reused with different parameters');
      return fail('billing.invalid_state');
    }
    if (response.status === 401) logger?.error(log, 'stripe refused the API key');
    else logger?.warn(log, 'stripe refused the request');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** 200 → the schema's value; anything else through `refused`. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, schema: S, meaning: ErrorMeaning, ctx: CallContext): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    if (sent.value.status === 200) return parseVendorJson(sent.value, schema, meta);
    return refused(sent.value, meaning, ctx);
  };

  /** The mapped value must meet the contract's own limits, or it is an invalid vendor response. */
  const contract = <S extends z.ZodType>(schema: S, value: unknown, what: string): Result<z.output<S>> => {
    const checked = schema.safeParse(value);
    if (checked.success) return ok(checked.data);
    logger?.warn({ vendor: VENDOR, what, paths: checked.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, 'stripe object does not fit the billing contract');
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };

  /** Follows `has_more` with `starting_after` until `limit` items are collected (B6: never more than asked). */
  const collect = async <T extends { id: string }>(
    limit: number,
    page: (size: number, startingAfter: string | undefined) => Promise<Result<{ data: T[]; has_more: boolean }>>,
  ): Promise<Result<T[]>> => {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; items.length < limit && pages < Math.ceil(limit / pageSize) + 1; pages++) {
      const result = await page(Math.min(pageSize, limit - items.length), cursor);
      if (!result.ok) return result;
      items.push(...result.value.data);
      const last = result.value.data.at(-1);
      if (!result.value.has_more || !last) break;
      cursor = last.id;
    }
    return ok(items.slice(0, limit));
  };

  const clampLimit = (limit: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), MAX_BILLING_PAGE) : MAX_BILLING_PAGE);

  /** Search by `metadata['external_ref']`; the oldest match is the original when a race made two. */
  const findByReference = async <T extends { created: number }>(
    path: '/v1/customers/search' | '/v1/subscriptions/search',
    externalRef: string,
    schema: z.ZodType<{ data: T[] }>,
    ctx: CallContext,
  ): Promise<Result<T | undefined>> => {
    const query: GetCustomersSearchQuery & GetSubscriptionsSearchQuery = { query: metadataEquals(METADATA.externalRef, externalRef), limit: 10 };
    const found = read(await send({ method: 'GET', path, query, retry: true }, ctx), schema, {}, ctx);
    if (!found.ok) return found;
    if (found.value.data.length > 1) logger?.warn({ vendor: VENDOR, matches: found.value.data.length, path }, 'external reference matches several stripe records');
    return ok([...found.value.data].sort((a, b) => a.created - b.created)[0]);
  };

  /** The `param` of a Stripe error answer, if it parses. */
  const errorParamOf = (response: HttpResponse): string | undefined => {
    const e = parseVendorJson(response, StripeErrorSchema, meta);
    return e.ok ? e.value.error.param : undefined;
  };

  return { clock, logger, send, read, contract, collect, clampLimit, findByReference, errorParamOf };
};

export type StripeClient = ReturnType<typeof createStripeClient>;
