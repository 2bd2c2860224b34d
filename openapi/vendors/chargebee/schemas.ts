/**
 * Zod schemas for the Chargebee API v2 responses the billing adapter reads (runtime validation through
 * `parseVendorJson`). Only the fields the mapper uses are modelled; unknown fields are dropped (zod's
 * default), so nothing unasked-for travels further. Each schema's output is checked at compile time
 * against the types of `types.ts` (generated from the official subset, plus the v2 delta), so the
 * runtime schema and the spec cannot drift apart silently. Limits are Chargebee's (`maxLength` in the
 * spec).
 */
import { z } from 'zod';
import type {
  ChargebeeContractTerm,
  ChargebeeCustomer,
  ChargebeeErrorBody,
  ChargebeeInvoice,
  ChargebeeItemPrice,
  ChargebeeSubscription,
  ChargebeeSubscriptionItem,
} from './types.js';

/** Unix seconds (Chargebee's `unix-time`), up to the year 9999. */
const UnixTime = z.number().int().min(0).max(253_402_300_799);
const Minor = z.number().int().min(0).max(1e15);
const Currency = z.string().regex(/^[A-Z]{3}$/);
/** `meta_data`: free JSON on Chargebee's side; Strata reads only its own key. */
const MetaData = z.object({ strata_external_ref: z.string().max(64).optional() });

export const ChargebeeCustomerSchema = z.object({
  id: z.string().min(1).max(50),
  first_name: z.string().max(150).optional(),
  last_name: z.string().max(150).optional(),
  company: z.string().max(250).optional(),
  email: z.string().max(70).optional(),
  preferred_currency_code: Currency.optional(),
  created_at: UnixTime,
  meta_data: MetaData.optional(),
  deleted: z.boolean().optional(),
});

export const ChargebeeSubscriptionItemSchema = z.object({
  item_price_id: z.string().min(1).max(100),
  item_type: z.enum(['plan', 'addon', 'charge']),
  quantity: z.number().int().min(0).optional(),
  unit_price: Minor.optional(),
  amount: Minor.optional(),
});

export const ChargebeeContractTermSchema = z.object({
  status: z.enum(['active', 'completed', 'cancelled', 'terminated']),
  contract_start: UnixTime,
  contract_end: UnixTime,
  action_at_term_end: z.enum(['renew', 'evergreen', 'cancel', 'renew_once']),
});

export const ChargebeeSubscriptionSchema = z.object({
  id: z.string().min(1).max(50),
  customer_id: z.string().min(1).max(50),
  currency_code: Currency,
  status: z.enum(['future', 'in_trial', 'active', 'non_renewing', 'paused', 'cancelled']),
  subscription_items: z.array(ChargebeeSubscriptionItemSchema).max(250).optional(),
  mrr: Minor.optional(),
  start_date: UnixTime.optional(),
  started_at: UnixTime.optional(),
  current_term_start: UnixTime.optional(),
  current_term_end: UnixTime.optional(),
  next_billing_at: UnixTime.optional(),
  trial_end: UnixTime.optional(),
  cancelled_at: UnixTime.optional(),
  created_at: UnixTime.optional(),
  due_invoices_count: z.number().int().min(0).optional(),
  contract_term: ChargebeeContractTermSchema.optional(),
  meta_data: MetaData.optional(),
  deleted: z.boolean().optional(),
});

export const ChargebeeInvoiceSchema = z.object({
  id: z.string().min(1).max(50),
  customer_id: z.string().min(1).max(50),
  subscription_id: z.string().min(1).max(50).optional(),
  status: z.enum(['paid', 'posted', 'payment_due', 'not_paid', 'voided', 'pending']),
  date: UnixTime.optional(),
  due_date: UnixTime.optional(),
  currency_code: Currency,
  total: Minor.optional(),
  sub_total: Minor,
  tax: Minor,
  amount_paid: Minor.optional(),
  amount_due: Minor.optional(),
  dunning_status: z.enum(['in_progress', 'exhausted', 'stopped', 'success']).optional(),
  deleted: z.boolean().optional(),
});

export const ChargebeeItemPriceSchema = z.object({
  id: z.string().min(1).max(100),
  item_type: z.enum(['plan', 'addon', 'charge']).optional(),
  status: z.enum(['active', 'archived', 'deleted']).optional(),
  currency_code: Currency,
  period: z.number().int().min(1).max(1200).optional(),
  period_unit: z.enum(['day', 'week', 'month', 'year']).optional(),
});

/** The error envelope. Only `api_error_code`, `param` and the status are ever read; `message` never travels. */
export const ChargebeeErrorSchema = z.object({
  message: z.string().max(4096),
  type: z.string().max(64).optional(),
  api_error_code: z.string().min(1).max(100),
  param: z.string().max(200).optional(),
  error_code: z.string().max(100).optional(),
  http_status_code: z.number().int().optional(),
});

const NextOffset = z.string().min(1).max(1000).optional();

export const ChargebeeCustomerResponseSchema = z.object({ customer: ChargebeeCustomerSchema });
export const ChargebeeSubscriptionResponseSchema = z.object({ subscription: ChargebeeSubscriptionSchema });
export const ChargebeeItemPriceResponseSchema = z.object({ item_price: ChargebeeItemPriceSchema });
export const ChargebeeSubscriptionListSchema = z.object({ list: z.array(z.object({ subscription: ChargebeeSubscriptionSchema })).max(100), next_offset: NextOffset });
export const ChargebeeInvoiceListSchema = z.object({ list: z.array(z.object({ invoice: ChargebeeInvoiceSchema })).max(100), next_offset: NextOffset });

export type ChargebeeCustomerRead = z.output<typeof ChargebeeCustomerSchema>;
export type ChargebeeSubscriptionRead = z.output<typeof ChargebeeSubscriptionSchema>;
export type ChargebeeInvoiceRead = z.output<typeof ChargebeeInvoiceSchema>;
export type ChargebeeItemPriceRead = z.output<typeof ChargebeeItemPriceSchema>;
export type ChargebeeErrorRead = z.output<typeof ChargebeeErrorSchema>;

// Compile-time drift checks: each read shape must be a projection of the spec's type (same names,
// compatible types). `meta_data` is free JSON in the spec, a known key here.
type Projection<Read, Spec> = { [K in keyof Read]-?: K extends keyof Spec ? (NonNullable<Read[K]> extends NonNullable<Spec[K]> ? true : K extends 'meta_data' ? true : false) : false };
type AllTrue<T> = T[keyof T] extends true ? true : false;
type Check<T extends true> = T;
export type ChargebeeSchemaDriftChecks = [
  Check<AllTrue<Projection<ChargebeeCustomerRead, ChargebeeCustomer>>>,
  Check<AllTrue<Projection<Omit<ChargebeeSubscriptionRead, 'subscription_items' | 'contract_term'>, ChargebeeSubscription>>>,
  Check<AllTrue<Projection<z.output<typeof ChargebeeSubscriptionItemSchema>, ChargebeeSubscriptionItem>>>,
  Check<AllTrue<Projection<z.output<typeof ChargebeeContractTermSchema>, ChargebeeContractTerm>>>,
  Check<AllTrue<Projection<ChargebeeInvoiceRead, ChargebeeInvoice>>>,
  Check<AllTrue<Projection<ChargebeeItemPriceRead, ChargebeeItemPrice>>>,
  Check<AllTrue<Projection<Omit<ChargebeeErrorRead, 'api_error_code' | 'type'>, ChargebeeErrorBody>>>,
];
