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
import {
  StripeCustomerOrDeletedSchema,
  StripeCustomerSchema,
  StripeCustomerSearchSchema,
  StripeErrorSchema,
  StripeInvoiceListSchema,
  StripeSubscriptionListSchema,
  StripeSubscriptionSchema,
  StripeSubscriptionSearchSchema,
  type ParsedStripeCustomer,
  type ParsedStripeError,
  type ParsedStripeSubscription,
} from '../../../../openapi/vendors/stripe/schemas.js';
import {
  STRIPE_CUSTOMER_ID,
  STRIPE_PRICE_ID,
  STRIPE_SUBSCRIPTION_ID,
  type DeleteSubscriptionBody,
  type GetCustomersSearchQuery,
  type GetInvoicesQuery,
  type GetSubscriptionQuery,
  type GetSubscriptionsQuery,
  type GetSubscriptionsSearchQuery,
  type PostCustomersBody,
  type PostSubscriptionBody,
  type PostSubscriptionsBody,
} from '../../../../openapi/vendors/stripe/types.js';
import {
  BillingCustomerSchema,
  BillingInvoiceSchema,
  MAX_BILLING_PAGE,
  SubscriptionSchema,
  type BillingCustomer,
  type BillingInvoice,
  type BillingPort,
  type Subscription,
} from '../contract.js';
import { pageSizeOf, type StripeConfig } from './config.js';
import { encodeStripeForm, type FormValue } from './form.js';
import { currentTermOf, hasAmounts, METADATA, termEndsWithPeriod, toBillingCustomer, toBillingInvoice, toSubscription, unixOfDate } from './mapper.js';
import { isoDate } from './periods.js';
import { metadataEquals } from './search-query.js';

export interface StripeAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The gateway's share of Stripe's rate limits (`stripeLimitsFor(config)`), shared through Redis. */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'billing';
const VENDOR = 'stripe';
/** Every subscription read asks for the prices' currency options, so MRR is known in any currency. */
const SUBSCRIPTION_EXPAND = ['items.data.price.currency_options'];
/** Idempotency keys: one per operation and reference (Stripe scopes a key to one request; 255 chars max). */
export const idempotencyKeyFor = (operation: 'customer' | 'subscription', externalRef: string) => `strata-billing-${operation}-${externalRef}`;

type Params = { readonly [key: string]: FormValue };
interface StripeCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Params;
  readonly form?: Params;
  readonly idempotencyKey?: string;
  readonly retry: boolean;
}
/** How a Stripe error maps: which code a `resource_missing` on the path, or on a named parameter, means. */
interface ErrorMeaning {
  readonly missing?: ErrorCode;
  readonly params?: Readonly<Record<string, ErrorCode>>;
}

/**
 * The billing port over Stripe's REST API (the Billing objects: customers, subscriptions,
 * invoices), pinned to `Stripe-Version` 2023-08-16 — the version of the held OpenAPI spec whose
 * generated types (`openapi/vendors/stripe`) the requests and parsers are written against.
 *
 * Wire: `Authorization: Bearer sk_…`; form-encoded bodies and query strings in Stripe's bracket
 * notation (`items[0][price]`, `metadata[external_ref]`, `expand[]`); cursor pagination
 * (`limit`, `starting_after`, `has_more`) followed up to the caller's limit; `{error: {type, code,
 * param, message}}` bodies mapped to domain codes by type, code and param — the message is never
 * passed on or logged.
 *
 * Idempotency: creates look the reference up first (Search, `metadata['external_ref']:'…'`) and
 * then POST with an `Idempotency-Key` derived from it (`idempotencyKeyFor`), so they are sent with
 * `retry: true`: Stripe replays the first answer to a retried request, and Search — eventually
 * consistent — covers the time after Stripe's 24 h key retention. Updates (cancel at term end) are
 * idempotent by their nature and carry no key (a key would replay a stale answer after an
 * un-cancel); cancelling now reads first and treats "already cancelled" as done.
 *
 * Ids that cannot be Stripe ids are `…_not_found` without a call (RELIABILITY.md B7).
 *
 * @example const billing = createStripeBillingAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createStripeBillingAdapter = (config: StripeConfig, deps: StripeAdapterDeps): BillingPort => {
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

  const subscriptionOut = (s: ParsedStripeSubscription): Result<Subscription> => {
    const mapped = toSubscription(s, clock.now());
    if (!mapped) {
      logger?.warn({ vendor: VENDOR, subscription: s.id }, 'stripe subscription has no per-unit price in its currency (tiered or metered)');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return contract(SubscriptionSchema, mapped, 'subscription');
  };

  const getCustomerRecord = async (customerId: string, ctx: CallContext): Promise<Result<ParsedStripeCustomer>> => {
    if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
    const sent = await send({ method: 'GET', path: `/v1/customers/${customerId}`, retry: true }, ctx);
    const record = read(sent, StripeCustomerOrDeletedSchema, { missing: 'billing.customer_not_found' }, ctx);
    if (!record.ok) return record;
    if ('deleted' in record.value) return fail('billing.customer_not_found');
    return ok(record.value);
  };

  const getSubscriptionRecord = async (subscriptionId: string, ctx: CallContext): Promise<Result<ParsedStripeSubscription>> => {
    if (!STRIPE_SUBSCRIPTION_ID.test(subscriptionId)) return fail('billing.subscription_not_found');
    const query: GetSubscriptionQuery = { expand: SUBSCRIPTION_EXPAND };
    const sent = await send({ method: 'GET', path: `/v1/subscriptions/${subscriptionId}`, query, retry: true }, ctx);
    return read(sent, StripeSubscriptionSchema, { missing: 'billing.subscription_not_found' }, ctx);
  };

  /** An update of one subscription (`POST /v1/subscriptions/{id}`), naturally idempotent: retried, no key. */
  const updateSubscription = async (subscriptionId: string, form: PostSubscriptionBody, ctx: CallContext) =>
    read(
      await send({ method: 'POST', path: `/v1/subscriptions/${subscriptionId}`, form: form as Params, retry: true }, ctx),
      StripeSubscriptionSchema,
      { missing: 'billing.subscription_not_found' },
      ctx,
    );

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

  /** A subscription with its amounts: list answers lack currency options (Stripe expands at most 4 levels), so those are read one by one. */
  const withAmounts = async (s: ParsedStripeSubscription, ctx: CallContext): Promise<Result<ParsedStripeSubscription>> =>
    hasAmounts(s) ? ok(s) : getSubscriptionRecord(s.id, ctx);

  return {
    async getCustomer(customerId, ctx) {
      const record = await getCustomerRecord(customerId, ctx);
      return record.ok ? contract(BillingCustomerSchema, toBillingCustomer(record.value), 'customer') : record;
    },

    async createCustomer(input, ctx): Promise<Result<BillingCustomer>> {
      const existing = await findByReference('/v1/customers/search', input.externalRef, StripeCustomerSearchSchema, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return contract(BillingCustomerSchema, toBillingCustomer(existing.value), 'customer');
      const form: PostCustomersBody = {
        name: input.name,
        ...(input.email ? { email: input.email } : {}),
        metadata: { [METADATA.externalRef]: input.externalRef, ...(input.currency ? { [METADATA.preferredCurrency]: input.currency } : {}) },
      };
      const sent = await send({ method: 'POST', path: '/v1/customers', form: form as Params, idempotencyKey: idempotencyKeyFor('customer', input.externalRef), retry: true }, ctx);
      const created = read(sent, StripeCustomerSchema, {}, ctx);
      if (!created.ok) return created;
      if (sent.ok && sent.value.headers['idempotent-replayed'] === 'true') logger?.info({ vendor: VENDOR, stripeRequestId: requestIdOf(sent.value) }, 'stripe replayed an earlier customer creation');
      return contract(BillingCustomerSchema, toBillingCustomer(created.value), 'customer');
    },

    async createSubscription(input, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(input.customerId)) return fail('billing.customer_not_found');
      if (!STRIPE_PRICE_ID.test(input.planId)) return fail('billing.plan_not_found');
      const existing = await findByReference('/v1/subscriptions/search', input.externalRef, StripeSubscriptionSearchSchema, ctx);
      if (!existing.ok) return existing;
      if (existing.value) {
        const owner = typeof existing.value.customer === 'string' ? existing.value.customer : existing.value.customer.id;
        // The reference is already another customer's subscription: not a retry of this request.
        if (owner !== input.customerId) return fail('billing.invalid_state');
        const full = await withAmounts(existing.value, ctx);
        return full.ok ? subscriptionOut(full.value) : full;
      }
      const customer = await getCustomerRecord(input.customerId, ctx);
      if (!customer.ok) return customer;
      const today = isoDate(clock.now());
      const startOn = input.startOn ?? today;
      // The currency asked for when the customer was created, if any. Never derived from the
      // customer's own `currency`: Stripe sets that with this very subscription, and a retry must
      // send the same body as the first attempt (or Stripe refuses the idempotency key).
      const preferred = customer.value.metadata?.[METADATA.preferredCurrency];
      const form: PostSubscriptionsBody = {
        customer: input.customerId,
        items: [{ price: input.planId, quantity: input.quantity }],
        metadata: {
          [METADATA.externalRef]: input.externalRef,
          [METADATA.termMonths]: String(input.termMonths),
          ...(startOn > today ? { [METADATA.startOn]: startOn } : {}),
        },
        ...(preferred && /^[A-Za-z]{3}$/.test(preferred) ? { currency: preferred.toLowerCase() } : {}),
        // Starts later: a trial until then (subscription schedules are outside the held spec). Earlier: backdated.
        ...(startOn > today ? { trial_end: unixOfDate(startOn) } : {}),
        ...(startOn < today ? { backdate_start_date: unixOfDate(startOn) } : {}),
        expand: SUBSCRIPTION_EXPAND,
      };
      const sent = await send(
        { method: 'POST', path: '/v1/subscriptions', form: form as Params, idempotencyKey: idempotencyKeyFor('subscription', input.externalRef), retry: true },
        ctx,
      );
      const created = read(sent, StripeSubscriptionSchema, { params: { customer: 'billing.customer_not_found', items: 'billing.plan_not_found' } }, ctx);
      if (!created.ok) {
        // The plan exists but not in the customer's currency ("You cannot combine currencies on a
        // single customer", or a price without that currency option): a conflict with the customer.
        if (!sent.ok || sent.value.status !== 400 || created.error.code !== 'vendor.error') return created;
        const e = parseVendorJson(sent.value, StripeErrorSchema, meta);
        const param = e.ok ? e.value.error.param : undefined;
        return param === 'currency' || param?.startsWith('items[') ? fail('billing.invalid_state') : created;
      }
      return subscriptionOut(created.value);
    },

    async getSubscription(subscriptionId, ctx) {
      const record = await getSubscriptionRecord(subscriptionId, ctx);
      return record.ok ? subscriptionOut(record.value) : record;
    },

    async listSubscriptions(customerId, options, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
      const limit = clampLimit(options.limit);
      const records = await collect(limit, async (size, startingAfter) => {
        // `status=all`: cancelled subscriptions too (Stripe's default leaves them out).
        const query: GetSubscriptionsQuery = { customer: customerId, status: 'all', limit: size, ...(startingAfter ? { starting_after: startingAfter } : {}) };
        return read(await send({ method: 'GET', path: '/v1/subscriptions', query, retry: true }, ctx), StripeSubscriptionListSchema, { params: { customer: 'billing.customer_not_found' } }, ctx);
      });
      if (!records.ok) return records;
      if (records.value.length === 0) {
        // Stripe answers an unknown customer filter with resource_missing; a deleted customer lists nothing: tell them apart.
        const probe = await getCustomerRecord(customerId, ctx);
        if (!probe.ok) return probe;
      }
      const out: Subscription[] = [];
      for (const record of records.value) {
        const full = await withAmounts(record, ctx);
        if (!full.ok) return full;
        const mapped = subscriptionOut(full.value);
        if (!mapped.ok) return mapped;
        out.push(mapped.value);
      }
      return ok(out);
    },

    async listInvoices(customerId, options, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
      const limit = clampLimit(options.limit);
      const records = await collect(limit, async (size, startingAfter) => {
        const query: GetInvoicesQuery = { customer: customerId, limit: size, ...(startingAfter ? { starting_after: startingAfter } : {}) };
        return read(await send({ method: 'GET', path: '/v1/invoices', query, retry: true }, ctx), StripeInvoiceListSchema, { params: { customer: 'billing.customer_not_found' } }, ctx);
      });
      if (!records.ok) return records;
      if (records.value.length === 0) {
        const probe = await getCustomerRecord(customerId, ctx);
        if (!probe.ok) return probe;
      }
      const out: BillingInvoice[] = [];
      for (const record of records.value) {
        const mapped = contract(BillingInvoiceSchema, toBillingInvoice(record), 'invoice');
        if (!mapped.ok) return mapped;
        out.push(mapped.value);
      }
      // Stripe lists by creation; the contract promises newest issue first (they differ only for late-finalized drafts).
      return ok(out.map((invoice, index) => ({ invoice, index })).sort((a, b) => b.invoice.issuedOn.localeCompare(a.invoice.issuedOn) || a.index - b.index).map((x) => x.invoice));
    },

    async cancelSubscription(subscriptionId, options, ctx) {
      const current = await getSubscriptionRecord(subscriptionId, ctx);
      if (!current.ok) return current;
      const before = subscriptionOut(current.value);
      if (!before.ok) return before;
      // Idempotent: an ended subscription, or one already ending at term end, is answered as it is.
      if (before.value.status === 'cancelled') return before;
      if (options.atTermEnd && before.value.cancelAtTermEnd) return before;

      let updated: Result<ParsedStripeSubscription>;
      if (options.atTermEnd) {
        const form: PostSubscriptionBody = termEndsWithPeriod(current.value)
          ? { cancel_at_period_end: true, expand: SUBSCRIPTION_EXPAND }
          : // The committed term outlasts the billing period: cancel at the term's end, without a proration.
            { cancel_at: Math.floor(currentTermOf(current.value).endMs / 1000), proration_behavior: 'none', expand: SUBSCRIPTION_EXPAND };
        updated = await updateSubscription(subscriptionId, form, ctx);
      } else {
        const form: DeleteSubscriptionBody = { expand: SUBSCRIPTION_EXPAND };
        const sent = await send({ method: 'DELETE', path: `/v1/subscriptions/${subscriptionId}`, form: form as Params, retry: true }, ctx);
        updated = read(sent, StripeSubscriptionSchema, { missing: 'billing.subscription_not_found' }, ctx);
      }
      if (!updated.ok && updated.error.code === 'vendor.error' && !updated.error.retryable) {
        // A retried cancel whose first attempt went through is refused as "already canceled": read it back.
        const after = await getSubscriptionRecord(subscriptionId, ctx);
        if (after.ok) {
          const mapped = subscriptionOut(after.value);
          if (mapped.ok && (mapped.value.status === 'cancelled' || (options.atTermEnd && mapped.value.cancelAtTermEnd))) return mapped;
        }
      }
      return updated.ok ? subscriptionOut(updated.value) : updated;
    },
  };
};

const requestIdOf = (response: HttpResponse): string | undefined => {
  const id = response.headers['request-id'];
  return id && /^req_[A-Za-z0-9]{1,64}$/.test(id) ? id : undefined;
};
