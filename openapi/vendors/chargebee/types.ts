/**
 * Chargebee API v2 (Product Catalog 2.0) request and resource types used by the billing adapter and
 * its sandbox.
 *
 * Generated part: `chargebee.d.ts`, produced by openapi-typescript from the official v1 subset
 * (`chargebee-api-v1.subset.json`, chargebee/openapi @ c5273cae, MIT). Hand-written part: the v2
 * differences, exactly as `chargebee-api-v2.delta.json` states them (see README.md) — the subset is
 * v1, and Strata speaks v2. Each v2 resource type is the generated v1 type with the v1-only fields
 * removed and the v2 fields added, so a field the subset renames or retypes breaks compilation here.
 * Imported by the Chargebee adapter and sandbox only (DESIGN.md §3).
 */
import type { components, operations } from './chargebee.js';

type V1 = components['schemas'];
/**
 * The declared fields of a generated type, without its index signature (`additionalProperties: true`
 * generates `[key: string]: unknown`, which would make every name valid and `Omit` lose every field).
 */
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type FormOf<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/x-www-form-urlencoded': infer B } } } ? B : never;

export type ChargebeeStatus = 'future' | 'in_trial' | 'active' | 'non_renewing' | 'paused' | 'cancelled';
export type ChargebeeInvoiceStatus = 'paid' | 'posted' | 'payment_due' | 'not_paid' | 'voided' | 'pending';
export type ChargebeePeriodUnit = 'day' | 'week' | 'month' | 'year';

export interface ChargebeeSubscriptionItem {
  item_price_id: string;
  item_type: 'plan' | 'addon' | 'charge';
  quantity?: number;
  unit_price?: number;
  amount?: number;
  free_quantity?: number;
  billing_cycles?: number;
  object?: 'subscription_item';
}

export interface ChargebeeContractTerm {
  id: string;
  status: 'active' | 'completed' | 'cancelled' | 'terminated';
  contract_start: number;
  contract_end: number;
  billing_cycle: number;
  action_at_term_end: 'renew' | 'evergreen' | 'cancel' | 'renew_once';
  total_contract_value: number;
  cancellation_cutoff_period: number;
  created_at: number;
  subscription_id: string;
  remaining_billing_cycles?: number;
  object?: 'contract_term';
}

export interface ChargebeeInvoiceLineItem {
  id?: string;
  subscription_id?: string;
  date_from: number;
  date_to: number;
  unit_amount: number;
  quantity?: number;
  amount: number;
  pricing_model: 'flat_fee' | 'per_unit' | 'tiered' | 'volume' | 'stairstep';
  is_taxed: boolean;
  tax_amount: number;
  discount_amount: number;
  item_level_discount_amount: number;
  description: string;
  entity_type: 'adhoc' | 'plan_item_price' | 'addon_item_price' | 'charge_item_price' | 'plan_setup' | 'plan' | 'addon';
  entity_id?: string;
  customer_id?: string;
  object?: 'line_item';
}

/** v2 customer: the generated v1 `Customer` plus the v2 fields of the delta. */
export type ChargebeeCustomer = Known<V1['Customer']> & {
  object?: 'customer';
  preferred_currency_code?: string;
  net_term_days?: number;
  card_status?: 'no_card' | 'valid' | 'expiring' | 'expired' | 'pending_verification' | 'invalid';
  promotional_credits?: number;
  unbilled_charges?: number;
  updated_at?: number;
  resource_version?: number;
  deleted: boolean;
};

/** v2 subscription: item-based (no `plan_id` / `plan_quantity`), with currency, MRR and the contract term. */
export type ChargebeeSubscription = Omit<Known<V1['Subscription']>, 'plan_id' | 'plan_quantity' | 'status' | 'addons'> & {
  object?: 'subscription';
  customer_id: string;
  currency_code: string;
  status: ChargebeeStatus;
  next_billing_at?: number;
  pause_date?: number;
  resume_date?: number;
  cancel_reason_code?: string;
  mrr?: number;
  has_scheduled_advance_invoices: boolean;
  updated_at?: number;
  resource_version?: number;
  deleted: boolean;
  subscription_items?: ChargebeeSubscriptionItem[];
  contract_term?: ChargebeeContractTerm;
};

/** v2 invoice: `date` / `due_date` / `total` / `paid_at` replace v1's `start_date` / `amount` / `paid_on`. */
export type ChargebeeInvoice = Omit<Known<V1['Invoice']>, 'start_date' | 'end_date' | 'status' | 'paid_on' | 'next_retry' | 'amount' | 'line_items'> & {
  object?: 'invoice';
  status: ChargebeeInvoiceStatus;
  date?: number;
  due_date?: number;
  net_term_days?: number;
  total?: number;
  write_off_amount?: number;
  paid_at?: number;
  next_retry_at?: number;
  voided_at?: number;
  term_finalized: boolean;
  is_gifted: boolean;
  updated_at?: number;
  resource_version?: number;
  deleted: boolean;
  line_items?: ChargebeeInvoiceLineItem[];
};

export interface ChargebeeItemPrice {
  id: string;
  name: string;
  item_family_id?: string;
  item_id?: string;
  item_type?: 'plan' | 'addon' | 'charge';
  status?: 'active' | 'archived' | 'deleted';
  external_name?: string;
  pricing_model: 'flat_fee' | 'per_unit' | 'tiered' | 'volume' | 'stairstep';
  price?: number;
  period?: number;
  period_unit?: ChargebeePeriodUnit;
  currency_code: string;
  free_quantity: number;
  created_at: number;
  updated_at?: number;
  resource_version?: number;
  object?: 'item_price';
}

/** Every error: the subset's `400`…`503` schemas share this envelope (Chargebee adds `error_code` and `http_status_code`). */
export type ChargebeeErrorBody = (V1['400'] | V1['401'] | V1['403'] | V1['404'] | V1['405'] | V1['409'] | V1['422'] | V1['429'] | V1['500'] | V1['503']) & {
  error_code?: string;
  error_msg?: string;
  http_status_code?: number;
};
export type ChargebeeApiErrorCode = ChargebeeErrorBody['api_error_code'];

/** `meta_data` travels in form bodies as a JSON string (Chargebee's encoding of JSON-typed fields). */
type WithJsonMetaData<T> = Omit<T, 'meta_data'> & { meta_data?: string };

/** `POST /customers` (generated from `create_a_customer`, plus the v2 fields of the delta). */
export type ChargebeeCreateCustomerForm = WithJsonMetaData<Known<FormOf<'create_a_customer'>>> & {
  preferred_currency_code?: string;
  net_term_days?: number;
};

/** `POST /customers/{customer-id}/subscription_for_items` (delta: `create_subscription_for_items`). */
export interface ChargebeeCreateSubscriptionForItemsForm {
  id?: string;
  start_date?: number;
  billing_cycles?: number;
  auto_collection?: 'on' | 'off';
  po_number?: string;
  meta_data?: string;
  contract_term_billing_cycle_on_renewal?: number;
  contract_term?: { action_at_term_end?: ChargebeeContractTerm['action_at_term_end']; cancellation_cutoff_period?: number };
  subscription_items: { item_price_id: string[]; quantity?: number[]; unit_price?: number[]; billing_cycles?: number[] };
}

/** `POST /subscriptions/{subscription-id}/cancel_for_items` (delta: `cancel_subscription_for_items`). */
export interface ChargebeeCancelForItemsForm {
  end_of_term?: boolean;
  cancel_at?: number;
  contract_term_cancel_option?: 'terminate_immediately' | 'end_of_contract_term' | 'specific_date' | 'end_of_subscription_billing_term';
  cancel_reason_code?: string;
}

/** Paging, from the generated `list_subscriptions` query (identical on every held list operation). */
export type ChargebeeListPaging = NonNullable<operations['list_subscriptions']['parameters']['query']>;

/** `GET /subscriptions` with the v2 filters Strata sends. */
export type ChargebeeSubscriptionListQuery = ChargebeeListPaging & {
  'customer_id[is]'?: string;
  'status[is]'?: ChargebeeStatus;
  'item_price_id[is]'?: string;
  'sort_by[asc]'?: 'created_at' | 'updated_at';
  'sort_by[desc]'?: 'created_at' | 'updated_at';
};

/** `GET /invoices` with the v2 filters Strata sends. */
export type ChargebeeInvoiceListQuery = NonNullable<operations['list_invoices']['parameters']['query']> & {
  'customer_id[is]'?: string;
  'subscription_id[is]'?: string;
  'status[is]'?: ChargebeeInvoiceStatus;
  'sort_by[asc]'?: 'date' | 'updated_at';
  'sort_by[desc]'?: 'date' | 'updated_at';
};

/** The wrapped shapes Chargebee answers with. */
export interface ChargebeeCustomerResponse {
  customer: ChargebeeCustomer;
  card?: V1['Card'];
}
export interface ChargebeeSubscriptionResponse {
  subscription: ChargebeeSubscription;
  customer: ChargebeeCustomer;
  card?: V1['Card'];
  invoice?: ChargebeeInvoice;
}
export interface ChargebeeList<Entry> {
  list: Entry[];
  next_offset?: string;
}
