import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import {
  ChargebeeCustomerResponseSchema,
  ChargebeeErrorSchema,
  ChargebeeInvoiceListSchema,
  ChargebeeItemPriceResponseSchema,
  ChargebeeSubscriptionListSchema,
  ChargebeeSubscriptionResponseSchema,
  type ChargebeeCustomerRead,
  type ChargebeeSubscriptionRead,
} from '../../../../openapi/vendors/chargebee/schemas.js';
import type {
  ChargebeeCancelForItemsForm,
  ChargebeeCreateCustomerForm,
  ChargebeeCreateSubscriptionForItemsForm,
  ChargebeeInvoiceListQuery,
  ChargebeeSubscriptionListQuery,
} from '../../../../openapi/vendors/chargebee/types.js';
import { BillingCustomerSchema, BillingInvoiceSchema, MAX_BILLING_PAGE, SubscriptionSchema, type BillingPort, type Subscription } from '../contract.js';
import type { ChargebeeConfig } from './config.js';
import { billingCyclesFor, toBillingCustomer, toBillingInvoice, toSubscription } from './mapper.js';
import {
  CHARGEBEE_API_PREFIX,
  CHARGEBEE_ID,
  CHARGEBEE_ITEM_PRICE_ID,
  EXTERNAL_REF_KEY,
  basicAuthorization,
  chargebeeIdFor,
  encodeForm,
  encodeQuery,
  type FormValue,
} from './wire.js';

export interface ChargebeeAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl: config.baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The gateway's share of Chargebee's per-site limit (`CHARGEBEE_LIMITS`), shared through Redis. */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'billing';
const VENDOR = 'chargebee';
/** Chargebee's largest page. */
const PAGE_MAX = 100;

/** A Chargebee refusal (4xx other than 429) the operation may have a meaning for. */
interface Refusal {
  readonly status: number;
  readonly apiErrorCode: string;
  readonly param: string | undefined;
}
type Reply<T> = { readonly kind: 'body'; readonly value: T } | ({ readonly kind: 'refused' } & Refusal);

interface Request {
  readonly method: 'GET' | 'POST';
  /** Relative to `/api/v2`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly form?: { readonly [key: string]: FormValue };
  /** Reads; and writes that are idempotent by construction (deterministic id, or a state a repeat reaches again). */
  readonly retry: boolean;
}

/**
 * The billing port over Chargebee API v2 with Product Catalog 2.0: customers, item-based
 * subscriptions (`subscription_for_items`, `cancel_for_items`) with a contract term for the committed
 * term, and invoices — form-encoded requests, HTTP Basic with the site API key, wrapped responses
 * (`{customer: …}`, lists `{list: [{subscription: …}], next_offset}` followed up to the limit).
 *
 * Idempotency (RELIABILITY.md D, E2): Chargebee has no idempotency-key header, but it lets the caller
 * choose a record's id. Strata's creates send `id = chargebeeIdFor(externalRef)`, so a repeat — the
 * vendor caller's own retry after a timeout, or the client's — meets `400 duplicate_entry`; the adapter
 * then reads the record back and returns it if its `meta_data.strata_external_ref` is the same
 * reference (else it is someone else's record: `vendor.error`, logged). That makes these writes safe to
 * send again, so they carry `retry: true` like Stripe's keyed writes. Cancelling reads the subscription
 * first (an already reached state answers without a write) and reconciles a `409
 * invalid_state_for_request` by reading again, so it too is safe to repeat.
 *
 * Ids that cannot be Chargebee ids are `…_not_found` without a call (B7). Vendor faults are the shared
 * `vendor.*` codes; `403 request_blocked` (a site blocked for exceeding its limit) pauses all calls for
 * `requestBlockedPauseMs`. Vendor messages are never passed on or logged, only `api_error_code` and
 * `param` (a field name).
 *
 * @example const billing = createChargebeeBillingAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createChargebeeBillingAdapter = (config: ChargebeeConfig, deps: ChargebeeAdapterDeps): BillingPort => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({
    vendor: VENDOR,
    domain: DOMAIN,
    http,
    clock,
    ...(logger ? { logger } : {}),
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...(config.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: config.attemptTimeoutMs } : {}),
    ...(config.retries !== undefined ? { retries: config.retries } : {}),
    ...(config.backoffMs !== undefined ? { backoffMs: config.backoffMs } : {}),
    ...(config.breaker ? { breaker: config.breaker } : {}),
  });
  const authorization = basicAuthorization(config.apiKey);
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };

  /** One Chargebee call: 2xx → the schema's value; 4xx → a refusal for the operation to interpret. */
  const call = async <S extends z.ZodType>(request: Request, schema: S, ctx: CallContext): Promise<Result<Reply<z.output<S>>>> => {
    const query = request.query ? encodeQuery(request.query) : '';
    const sent = await caller.call(
      {
        method: request.method,
        path: `${CHARGEBEE_API_PREFIX}${request.path}${query ? `?${query}` : ''}`,
        headers: { authorization, accept: 'application/json', ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(request.form ? { body: encodeForm(request.form) } : {}),
        retry: request.retry,
      },
      ctx,
    );
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status >= 200 && response.status < 300) {
      const body = parseVendorJson(response, schema, meta);
      return body.ok ? ok({ kind: 'body', value: body.value }) : body;
    }
    const error = parseVendorJson(response, ChargebeeErrorSchema, meta);
    if (!error.ok) return error;
    const refusal: Refusal = { status: response.status, apiErrorCode: error.value.api_error_code, param: error.value.param };
    if (response.status === 401) {
      logger?.error({ vendor: VENDOR, status: 401, apiErrorCode: refusal.apiErrorCode, traceId: ctx.trace.traceId }, 'chargebee rejected the API key');
      return fail('vendor.error', { vendor: DOMAIN });
    }
    if (response.status === 403 && refusal.apiErrorCode === 'request_blocked') {
      caller.breaker.pause(config.requestBlockedPauseMs);
      logger?.warn({ vendor: VENDOR, status: 403, apiErrorCode: refusal.apiErrorCode }, 'chargebee blocked the site for exceeding its limit; pausing calls');
      return fail('vendor.rate_limited', { vendor: DOMAIN, retryable: true, retryAfterSeconds: Math.ceil(config.requestBlockedPauseMs / 1000) });
    }
    return ok({ kind: 'refused', ...refusal });
  };

  /** A refusal the operation has no meaning for: logged by code and field only, answered as `vendor.error`. */
  const unexpected = (refusal: Refusal, ctx: CallContext): Result<never> => {
    logger?.warn({ vendor: VENDOR, status: refusal.status, apiErrorCode: refusal.apiErrorCode, param: refusal.param, traceId: ctx.trace.traceId }, 'chargebee refused the request');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** The mapped record must meet the contract's own limits, or the vendor sent something we cannot use. */
  const contract = <S extends z.ZodType>(schema: S, candidate: unknown, what: string): Result<z.output<S>> => {
    const checked = schema.safeParse(candidate);
    if (checked.success) return ok(checked.data);
    logger?.warn({ vendor: VENDOR, what, paths: checked.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, 'chargebee record does not fit the billing contract');
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };

  const customerRecord = async (customerId: string, ctx: CallContext): Promise<Result<ChargebeeCustomerRead>> => {
    const reply = await call({ method: 'GET', path: `/customers/${customerId}`, retry: true }, ChargebeeCustomerResponseSchema, ctx);
    if (!reply.ok) return reply;
    if (reply.value.kind === 'refused') return reply.value.status === 404 ? fail('billing.customer_not_found') : unexpected(reply.value, ctx);
    if (reply.value.value.customer.deleted) return fail('billing.customer_not_found');
    return ok(reply.value.value.customer);
  };

  const subscriptionRecord = async (subscriptionId: string, ctx: CallContext): Promise<Result<ChargebeeSubscriptionRead>> => {
    const reply = await call({ method: 'GET', path: `/subscriptions/${subscriptionId}`, retry: true }, ChargebeeSubscriptionResponseSchema, ctx);
    if (!reply.ok) return reply;
    if (reply.value.kind === 'refused') return reply.value.status === 404 ? fail('billing.subscription_not_found') : unexpected(reply.value, ctx);
    if (reply.value.value.subscription.deleted) return fail('billing.subscription_not_found');
    return ok(reply.value.value.subscription);
  };

  const toCanonical = (s: ChargebeeSubscriptionRead): Result<Subscription> => contract(SubscriptionSchema, toSubscription(s), 'subscription');

  /** After `duplicate_entry` on our deterministic id: the record is ours only if it carries our reference. */
  const ours = (record: { meta_data?: { strata_external_ref?: string | undefined } | undefined }, externalRef: string, what: string): boolean => {
    if (record.meta_data?.strata_external_ref === externalRef) return true;
    logger?.warn({ vendor: VENDOR, what }, 'a chargebee record with the id derived from this reference belongs to another reference');
    return false;
  };

  /** Follows `next_offset` until `limit` entries (Chargebee's pages hold at most 100). */
  const collect = async <S extends z.ZodType<{ list: unknown[]; next_offset?: string | undefined }>, E>(
    path: string,
    query: Readonly<Record<string, string | number | undefined>>,
    schema: S,
    pick: (page: z.output<S>) => E[],
    limit: number,
    ctx: CallContext,
  ): Promise<Result<E[]>> => {
    const entries: E[] = [];
    const seen = new Set<string>();
    let offset: string | undefined;
    while (entries.length < limit) {
      const reply = await call({ method: 'GET', path, query: { ...query, limit: Math.min(PAGE_MAX, limit - entries.length), offset }, retry: true }, schema, ctx);
      if (!reply.ok) return reply;
      if (reply.value.kind === 'refused') return unexpected(reply.value, ctx);
      const page = reply.value.value;
      entries.push(...pick(page));
      const next = page.next_offset;
      // An empty page or a repeated offset ends the walk: a misbehaving cursor cannot loop us.
      if (!next || page.list.length === 0 || seen.has(next)) break;
      seen.add(next);
      offset = next;
    }
    return ok(entries.slice(0, limit));
  };

  const clampLimit = (limit: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), MAX_BILLING_PAGE) : MAX_BILLING_PAGE);
  const todayUtc = () => new Date(clock.now()).toISOString().slice(0, 10);

  return {
    async getCustomer(customerId, ctx) {
      if (!CHARGEBEE_ID.test(customerId)) return fail('billing.customer_not_found');
      const record = await customerRecord(customerId, ctx);
      return record.ok ? contract(BillingCustomerSchema, toBillingCustomer(record.value), 'customer') : record;
    },

    async createCustomer(input, ctx) {
      const id = chargebeeIdFor(input.externalRef);
      const form: ChargebeeCreateCustomerForm = {
        id,
        company: input.name,
        ...(input.email ? { email: input.email } : {}),
        ...(input.currency ? { preferred_currency_code: input.currency } : {}),
        // B2B customers pay against invoices; Chargebee would otherwise expect a payment method.
        auto_collection: 'off',
        meta_data: JSON.stringify({ [EXTERNAL_REF_KEY]: input.externalRef }),
      };
      const reply = await call({ method: 'POST', path: '/customers', form: { ...form }, retry: true }, ChargebeeCustomerResponseSchema, ctx);
      if (!reply.ok) return reply;
      if (reply.value.kind === 'body') return contract(BillingCustomerSchema, toBillingCustomer(reply.value.value.customer), 'customer');
      if (reply.value.apiErrorCode !== 'duplicate_entry') return unexpected(reply.value, ctx);
      const existing = await customerRecord(id, ctx);
      if (!existing.ok) return existing;
      if (!ours(existing.value, input.externalRef, 'customer')) return fail('vendor.error', { vendor: DOMAIN });
      return contract(BillingCustomerSchema, toBillingCustomer(existing.value), 'customer');
    },

    async createSubscription(input, ctx) {
      if (!CHARGEBEE_ID.test(input.customerId)) return fail('billing.customer_not_found');
      if (!CHARGEBEE_ITEM_PRICE_ID.test(input.planId)) return fail('billing.plan_not_found');
      // The item price says how long one billing cycle is: the committed term is a number of them.
      const price = await call({ method: 'GET', path: `/item_prices/${input.planId}`, retry: true }, ChargebeeItemPriceResponseSchema, ctx);
      if (!price.ok) return price;
      if (price.value.kind === 'refused') return price.value.status === 404 ? fail('billing.plan_not_found') : unexpected(price.value, ctx);
      const itemPrice = price.value.value.item_price;
      if ((itemPrice.status ?? 'active') !== 'active' || (itemPrice.item_type ?? 'plan') !== 'plan') return fail('billing.plan_not_found');
      const cycles = billingCyclesFor(input.termMonths, itemPrice);
      if (cycles === undefined) {
        logger?.info({ vendor: VENDOR, termMonths: input.termMonths, periodUnit: itemPrice.period_unit, period: itemPrice.period }, 'term is not a whole number of the plan\'s billing periods');
        return fail('billing.plan_not_found');
      }
      const id = chargebeeIdFor(input.externalRef);
      const form: ChargebeeCreateSubscriptionForItemsForm = {
        id,
        subscription_items: { item_price_id: [input.planId], quantity: [input.quantity] },
        billing_cycles: cycles,
        contract_term: { action_at_term_end: 'renew' },
        contract_term_billing_cycle_on_renewal: cycles,
        ...(input.startOn && input.startOn !== todayUtc() ? { start_date: Date.parse(`${input.startOn}T00:00:00Z`) / 1000 } : {}),
        meta_data: JSON.stringify({ [EXTERNAL_REF_KEY]: input.externalRef }),
      };
      const reply = await call(
        { method: 'POST', path: `/customers/${input.customerId}/subscription_for_items`, form: { ...form }, retry: true },
        ChargebeeSubscriptionResponseSchema,
        ctx,
      );
      if (!reply.ok) return reply;
      if (reply.value.kind === 'body') return toCanonical(reply.value.value.subscription);
      const refusal = reply.value;
      if (refusal.status === 404) return refusal.param?.startsWith('subscription_items[item_price_id]') ? fail('billing.plan_not_found') : fail('billing.customer_not_found');
      if (refusal.apiErrorCode !== 'duplicate_entry') return unexpected(refusal, ctx);
      const existing = await subscriptionRecord(id, ctx);
      if (!existing.ok) return existing;
      if (!ours(existing.value, input.externalRef, 'subscription') || existing.value.customer_id !== input.customerId) return fail('vendor.error', { vendor: DOMAIN });
      return toCanonical(existing.value);
    },

    async getSubscription(subscriptionId, ctx) {
      if (!CHARGEBEE_ID.test(subscriptionId)) return fail('billing.subscription_not_found');
      const record = await subscriptionRecord(subscriptionId, ctx);
      return record.ok ? toCanonical(record.value) : record;
    },

    async listSubscriptions(customerId, options, ctx) {
      if (!CHARGEBEE_ID.test(customerId)) return fail('billing.customer_not_found');
      const query: ChargebeeSubscriptionListQuery = { 'customer_id[is]': customerId, 'sort_by[desc]': 'created_at' };
      const found = await collect('/subscriptions', query, ChargebeeSubscriptionListSchema, (page) => page.list.map((e) => e.subscription), clampLimit(options.limit), ctx);
      if (!found.ok) return found;
      // Chargebee answers an empty list for an unknown customer too: tell "none" from "no customer".
      if (found.value.length === 0) {
        const exists = await customerRecord(customerId, ctx);
        if (!exists.ok) return exists;
      }
      const subscriptions: Subscription[] = [];
      for (const record of found.value) {
        if (record.deleted) continue;
        const mapped = toCanonical(record);
        if (!mapped.ok) return mapped;
        subscriptions.push(mapped.value);
      }
      return ok(subscriptions);
    },

    async listInvoices(customerId, options, ctx) {
      if (!CHARGEBEE_ID.test(customerId)) return fail('billing.customer_not_found');
      const query: ChargebeeInvoiceListQuery = { 'customer_id[is]': customerId, 'sort_by[desc]': 'date' };
      const found = await collect('/invoices', query, ChargebeeInvoiceListSchema, (page) => page.list.map((e) => e.invoice), clampLimit(options.limit), ctx);
      if (!found.ok) return found;
      if (found.value.length === 0) {
        const exists = await customerRecord(customerId, ctx);
        if (!exists.ok) return exists;
      }
      const invoices = [];
      for (const record of found.value) {
        if (record.deleted) continue;
        const mapped = contract(BillingInvoiceSchema, toBillingInvoice(record), 'invoice');
        if (!mapped.ok) return mapped;
        invoices.push(mapped.value);
      }
      return ok(invoices);
    },

    async cancelSubscription(subscriptionId, options, ctx) {
      if (!CHARGEBEE_ID.test(subscriptionId)) return fail('billing.subscription_not_found');
      const reached = (s: ChargebeeSubscriptionRead) => s.status === 'cancelled' || (options.atTermEnd && toSubscription(s).cancelAtTermEnd);
      const current = await subscriptionRecord(subscriptionId, ctx);
      if (!current.ok) return current;
      if (reached(current.value)) return toCanonical(current.value);
      // With a running contract term, Chargebee decides the end by contract_term_cancel_option; end_of_term is for the others.
      const form: ChargebeeCancelForItemsForm =
        current.value.contract_term?.status === 'active'
          ? { contract_term_cancel_option: options.atTermEnd ? 'end_of_contract_term' : 'terminate_immediately' }
          : { end_of_term: options.atTermEnd };
      const reply = await call({ method: 'POST', path: `/subscriptions/${subscriptionId}/cancel_for_items`, form: { ...form }, retry: true }, ChargebeeSubscriptionResponseSchema, ctx);
      if (!reply.ok) return reply;
      if (reply.value.kind === 'body') return toCanonical(reply.value.value.subscription);
      const refusal = reply.value;
      if (refusal.status === 404) return fail('billing.subscription_not_found');
      if (refusal.apiErrorCode !== 'invalid_state_for_request') return unexpected(refusal, ctx);
      // A repeat of a cancel that already took effect (or a concurrent one): the state tells.
      const after = await subscriptionRecord(subscriptionId, ctx);
      if (!after.ok) return after;
      return reached(after.value) ? toCanonical(after.value) : fail('billing.invalid_state');
    },
  };
};
