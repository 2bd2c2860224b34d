/**
 * zod schemas of the Stripe response fields the billing adapter reads. Every Stripe body is parsed
 * with one of these (through `parseVendorJson`); object schemas strip unknown keys, so nothing the
 * adapter did not ask for travels further. Each schema is checked at compile time against the types
 * generated from Stripe's own OpenAPI document (`stripe.d.ts`): if a field we read changes type or
 * disappears in a regenerated spec, `tsc` fails here, not a user at run time.
 */
import { z } from 'zod';
import type {
  StripeApiError,
  StripeCurrencyOption,
  StripeCustomer,
  StripeDeletedCustomer,
  StripeInvoice,
  StripePrice,
  StripeSubscription,
  StripeSubscriptionItem,
} from './types.js';

/** Compile-time proof that what we parse is what Stripe's spec says those fields are. */
type Conforms<Ours, Theirs> = [Ours] extends [Theirs] ? true : false;
type Assert<T extends true> = T;

const StripeString = z.string().max(5000);
const UnixTime = z.number().int().min(0);
/** `metadata`: up to 50 keys, values up to 500 characters. */
const Metadata = z.record(z.string().max(40), z.string().max(500));
/** An expandable reference: the id, or the expanded object (of which we only read the id). */
const expandable = (prefix: string) => z.union([StripeString, z.object({ id: StripeString })]).refine((v) => (typeof v === 'string' ? v : v.id).startsWith(prefix));

export const StripeCustomerSchema = z.object({
  id: StripeString,
  object: z.literal('customer'),
  created: UnixTime,
  livemode: z.boolean(),
  name: StripeString.nullable().optional(),
  email: StripeString.nullable().optional(),
  currency: StripeString.nullable().optional(),
  metadata: Metadata.optional(),
});
export type _Proof1 = Assert<Conforms<z.output<typeof StripeCustomerSchema>, Pick<StripeCustomer, 'id' | 'object' | 'created' | 'livemode' | 'name' | 'email' | 'currency' | 'metadata'>>>;

export const StripeDeletedCustomerSchema = z.object({ id: StripeString, object: z.literal('customer'), deleted: z.literal(true) });
export type _Proof2 = Assert<Conforms<z.output<typeof StripeDeletedCustomerSchema>, StripeDeletedCustomer>>;

/** `GET /v1/customers/{customer}` answers a customer, or a deleted-customer stub. */
export const StripeCustomerOrDeletedSchema = z.union([StripeDeletedCustomerSchema, StripeCustomerSchema]);

const CurrencyOptionSchema = z.object({
  unit_amount: z.number().int().nullable().optional(),
  unit_amount_decimal: z.string().regex(/^\d{1,15}(\.\d{1,12})?$/).nullable().optional(),
});
export type _Proof3 = Assert<Conforms<z.output<typeof CurrencyOptionSchema>, Pick<StripeCurrencyOption, 'unit_amount' | 'unit_amount_decimal'>>>;

export const StripePriceSchema = z.object({
  id: StripeString,
  object: z.literal('price'),
  currency: z.string().regex(/^[a-z]{3}$/),
  billing_scheme: z.enum(['per_unit', 'tiered']),
  unit_amount: z.number().int().nullable().optional(),
  unit_amount_decimal: z.string().regex(/^\d{1,15}(\.\d{1,12})?$/).nullable().optional(),
  recurring: z.object({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: z.number().int().min(1) }).nullable().optional(),
  /** Only present when expanded (`expand[]=items.data.price.currency_options`). */
  currency_options: z.record(z.string().regex(/^[a-z]{3}$/), CurrencyOptionSchema).optional(),
});
export type _Proof4 = Assert<
  Conforms<
    Omit<z.output<typeof StripePriceSchema>, 'recurring' | 'currency_options'>,
    Pick<StripePrice, 'id' | 'object' | 'currency' | 'billing_scheme' | 'unit_amount' | 'unit_amount_decimal'>
  >
>;
export type _Proof5 = Assert<Conforms<NonNullable<z.output<typeof StripePriceSchema>['recurring']>, Pick<NonNullable<StripePrice['recurring']>, 'interval' | 'interval_count'>>>;

export const StripeSubscriptionItemSchema = z.object({
  id: StripeString,
  object: z.literal('subscription_item'),
  quantity: z.number().int().min(0).optional(),
  price: StripePriceSchema,
});
export type _Proof6 = Assert<Conforms<Omit<z.output<typeof StripeSubscriptionItemSchema>, 'price'>, Pick<StripeSubscriptionItem, 'id' | 'object' | 'quantity'>>>;

export const STRIPE_SUBSCRIPTION_STATUSES = ['active', 'canceled', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const;

export const StripeSubscriptionSchema = z.object({
  id: StripeString,
  object: z.literal('subscription'),
  customer: expandable('cus_'),
  status: z.enum(STRIPE_SUBSCRIPTION_STATUSES),
  currency: z.string().regex(/^[a-z]{3}$/),
  created: UnixTime,
  start_date: UnixTime,
  current_period_start: UnixTime,
  current_period_end: UnixTime,
  cancel_at_period_end: z.boolean(),
  cancel_at: UnixTime.nullable().optional(),
  canceled_at: UnixTime.nullable().optional(),
  ended_at: UnixTime.nullable().optional(),
  trial_end: UnixTime.nullable().optional(),
  pause_collection: z.object({ behavior: z.enum(['keep_as_draft', 'mark_uncollectible', 'void']) }).nullable().optional(),
  metadata: Metadata,
  items: z.object({ object: z.literal('list'), data: z.array(StripeSubscriptionItemSchema).max(20), has_more: z.boolean() }),
});
export type _Proof7 = Assert<
  Conforms<
    Omit<z.output<typeof StripeSubscriptionSchema>, 'customer' | 'items' | 'pause_collection'>,
    Pick<
      StripeSubscription,
      | 'id'
      | 'object'
      | 'status'
      | 'currency'
      | 'created'
      | 'start_date'
      | 'current_period_start'
      | 'current_period_end'
      | 'cancel_at_period_end'
      | 'cancel_at'
      | 'canceled_at'
      | 'ended_at'
      | 'trial_end'
      | 'metadata'
    >
  >
>;
export type _Proof8 = Assert<Conforms<z.output<typeof StripeSubscriptionSchema>['customer'], string | { id: string }>>;
export type _Proof9 = Assert<Conforms<NonNullable<z.output<typeof StripeSubscriptionSchema>['pause_collection']>, Pick<NonNullable<StripeSubscription['pause_collection']>, 'behavior'>>>;

export const StripeInvoiceSchema = z.object({
  id: StripeString,
  object: z.literal('invoice'),
  number: StripeString.nullable().optional(),
  customer: expandable('cus_').nullable().optional(),
  subscription: expandable('sub_').nullable().optional(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).nullable().optional(),
  collection_method: z.enum(['charge_automatically', 'send_invoice']),
  currency: z.string().regex(/^[a-z]{3}$/),
  created: UnixTime,
  due_date: UnixTime.nullable().optional(),
  status_transitions: z.object({ finalized_at: UnixTime.nullable().optional() }),
  total: z.number().int(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  amount_remaining: z.number().int(),
  attempted: z.boolean(),
  attempt_count: z.number().int().min(0),
  paid: z.boolean(),
});
export type _Proof10 = Assert<
  Conforms<
    Omit<z.output<typeof StripeInvoiceSchema>, 'customer' | 'subscription' | 'status_transitions'>,
    Pick<
      StripeInvoice,
      | 'id'
      | 'object'
      | 'number'
      | 'status'
      | 'collection_method'
      | 'currency'
      | 'created'
      | 'due_date'
      | 'total'
      | 'amount_due'
      | 'amount_paid'
      | 'amount_remaining'
      | 'attempted'
      | 'attempt_count'
      | 'paid'
    >
  >
>;
export type _Proof11 = Assert<Conforms<z.output<typeof StripeInvoiceSchema>['status_transitions'], Pick<StripeInvoice['status_transitions'], 'finalized_at'>>>;

const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item).max(100), has_more: z.boolean(), url: StripeString });
const searchResult = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.literal('search_result'), data: z.array(item).max(100), has_more: z.boolean(), next_page: StripeString.nullable().optional(), url: StripeString });

export const StripeCustomerSearchSchema = searchResult(StripeCustomerSchema);
export const StripeSubscriptionListSchema = list(StripeSubscriptionSchema);
export const StripeSubscriptionSearchSchema = searchResult(StripeSubscriptionSchema);
export const StripeInvoiceListSchema = list(StripeInvoiceSchema);

/** `{error: {type, code?, message?, param?}}`; the message is never passed on (nor logged). */
export const StripeErrorSchema = z.object({
  error: z.object({
    type: z.enum(['api_error', 'card_error', 'idempotency_error', 'invalid_request_error']),
    code: z.string().max(100).optional(),
    param: z.string().max(200).optional(),
    message: z.string().max(40000).optional(),
  }),
});
export type _Proof12 = Assert<Conforms<z.output<typeof StripeErrorSchema>['error'], Pick<StripeApiError, 'type' | 'code' | 'param' | 'message'>>>;

export type ParsedStripeCustomer = z.output<typeof StripeCustomerSchema>;
export type ParsedStripeSubscription = z.output<typeof StripeSubscriptionSchema>;
export type ParsedStripePrice = z.output<typeof StripePriceSchema>;
export type ParsedStripeInvoice = z.output<typeof StripeInvoiceSchema>;
export type ParsedStripeError = z.output<typeof StripeErrorSchema>['error'];
