/**
 * The Stripe sandbox's wire objects, typed with the types generated from Stripe's OpenAPI spec (so a
 * required field the sandbox forgets is a compile error) and checked against the spec's JSON schemas
 * by the conformance test. Every field Stripe always sends is present (`null` where it has no
 * value), as in Stripe's own responses.
 */
import type {
  StripeCustomer,
  StripeDeletedCustomer,
  StripeInvoice,
  StripeLineItem,
  StripePrice,
  StripeProduct,
  StripeSubscription,
  StripeSubscriptionItem,
} from '../../../../openapi/vendors/stripe/types.js';
import type { SandboxAccount, SandboxCustomer, SandboxInvoice, SandboxPrice, SandboxSubscription } from './sandbox-data.js';

/** Expansions the sandbox serves, per resource (relative to the resource). */
export const EXPANDABLE = {
  customer: [] as string[],
  subscription: ['customer', 'latest_invoice', 'items.data.price.product', 'items.data.price.currency_options'],
  invoice: ['customer', 'subscription'],
} as const;

const ACCOUNT_ID = 'acct_1StrataSandbox01';
const sub = (expand: ReadonlySet<string>, prefix: string): Set<string> =>
  new Set([...expand].filter((p) => p.startsWith(`${prefix}.`)).map((p) => p.slice(prefix.length + 1)));

export const renderDeletedCustomer = (id: string): StripeDeletedCustomer => ({ id, object: 'customer', deleted: true });

export const renderCustomer = (account: SandboxAccount, c: SandboxCustomer): StripeCustomer => ({
  id: c.id,
  object: 'customer',
  address: c.address,
  balance: 0,
  created: c.created,
  currency: c.currency,
  default_source: null,
  delinquent: [...account.invoices.values()].some((i) => i.customer === c.id && i.status === 'open' && i.attemptCount > 1),
  description: c.description,
  discount: null,
  email: c.email,
  invoice_prefix: c.invoicePrefix,
  invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
  livemode: false,
  metadata: { ...c.metadata },
  name: c.name,
  next_invoice_sequence: c.nextInvoiceSequence,
  phone: c.phone,
  preferred_locales: [],
  shipping: null,
  tax_exempt: 'none',
  test_clock: null,
});

const renderProduct = (account: SandboxAccount, id: string): StripeProduct => {
  const p = account.products.get(id)!;
  return {
    id: p.id,
    object: 'product',
    active: true,
    created: p.created,
    default_price: null,
    description: null,
    features: [],
    images: [],
    livemode: false,
    metadata: {},
    name: p.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: 'seat',
    updated: p.created,
    url: null,
  };
};

export const renderPrice = (account: SandboxAccount, p: SandboxPrice, expand: ReadonlySet<string>): StripePrice => ({
  id: p.id,
  object: 'price',
  active: true,
  billing_scheme: 'per_unit',
  created: p.created,
  currency: p.currency,
  ...(expand.has('currency_options')
    ? {
        currency_options: Object.fromEntries(
          Object.entries(p.amounts).map(([currency, amount]) => [currency, { custom_unit_amount: null, tax_behavior: 'unspecified' as const, unit_amount: amount, unit_amount_decimal: String(amount) }]),
        ),
      }
    : {}),
  custom_unit_amount: null,
  livemode: false,
  lookup_key: null,
  metadata: {},
  nickname: p.nickname,
  product: expand.has('product') ? renderProduct(account, p.product) : p.product,
  recurring: { aggregate_usage: null, interval: p.interval, interval_count: p.intervalCount, usage_type: 'licensed' },
  tax_behavior: 'unspecified',
  tiers_mode: null,
  transform_quantity: null,
  type: 'recurring',
  unit_amount: p.amounts[p.currency]!,
  unit_amount_decimal: String(p.amounts[p.currency]!),
});

export const renderSubscription = (account: SandboxAccount, s: SandboxSubscription, expand: ReadonlySet<string> = new Set()): StripeSubscription => {
  const priceExpand = sub(expand, 'items.data.price');
  const item: StripeSubscriptionItem = {
    id: s.item.id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: s.item.created,
    metadata: {},
    price: renderPrice(account, account.prices.get(s.item.price)!, priceExpand),
    quantity: s.item.quantity,
    subscription: s.id,
    tax_rates: [],
  };
  const customer = account.customers.get(s.customer)!;
  const latest = s.latestInvoice ? account.invoices.get(s.latestInvoice) : undefined;
  return {
    id: s.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false },
    billing_cycle_anchor: s.billingCycleAnchor,
    billing_thresholds: null,
    cancel_at: s.cancelAt,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    canceled_at: s.canceledAt,
    cancellation_details: { comment: null, feedback: null, reason: s.canceledAt !== null || s.cancelAtPeriodEnd || s.cancelAt !== null ? 'cancellation_requested' : null },
    collection_method: s.collectionMethod,
    created: s.created,
    currency: s.currency,
    current_period_end: s.currentPeriodEnd,
    current_period_start: s.currentPeriodStart,
    customer: expand.has('customer') ? (customer.deleted ? renderDeletedCustomer(customer.id) : renderCustomer(account, customer)) : s.customer,
    days_until_due: s.daysUntilDue,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discount: null,
    ended_at: s.endedAt,
    items: { object: 'list', data: [item], has_more: false, url: `/v1/subscription_items?subscription=${s.id}` },
    latest_invoice: latest && expand.has('latest_invoice') ? renderInvoice(account, latest) : (s.latestInvoice ?? null),
    livemode: false,
    metadata: { ...s.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: s.startDate,
    status: s.status,
    test_clock: null,
    transfer_data: null,
    trial_end: s.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: s.trialStart,
  };
};

const renderLine = (account: SandboxAccount, i: SandboxInvoice): StripeLineItem => ({
  id: `il_${i.id.slice(3)}`,
  object: 'line_item',
  amount: i.total,
  amount_excluding_tax: i.total,
  currency: i.currency,
  description: `${i.quantity} seat × ${account.prices.get(i.price)?.nickname ?? i.price}`,
  discount_amounts: [],
  discountable: true,
  discounts: [],
  livemode: false,
  metadata: {},
  period: { start: i.periodStart, end: i.periodEnd },
  price: renderPrice(account, account.prices.get(i.price)!, new Set()),
  proration: false,
  proration_details: { credited_items: null },
  quantity: i.quantity,
  subscription: i.subscription,
  subscription_item: i.subscriptionItem,
  tax_amounts: [],
  tax_rates: [],
  type: 'subscription',
  unit_amount_excluding_tax: String(i.unitAmount),
});

export const renderInvoice = (account: SandboxAccount, i: SandboxInvoice, expand: ReadonlySet<string> = new Set()): StripeInvoice => {
  const customer = account.customers.get(i.customer)!;
  const subscription = account.subscriptions.get(i.subscription)!;
  const first = i.periodStart === subscription.startDate;
  return {
    id: i.id,
    object: 'invoice',
    account_country: 'IE',
    account_name: 'Strata Sandbox',
    account_tax_ids: null,
    amount_due: i.total,
    amount_paid: i.amountPaid,
    amount_remaining: i.total - i.amountPaid,
    amount_shipping: 0,
    application: null,
    application_fee_amount: null,
    attempt_count: i.attemptCount,
    attempted: i.attempted,
    auto_advance: i.status === 'open' && i.collectionMethod === 'charge_automatically',
    automatic_tax: { enabled: false, status: null },
    billing_reason: first ? 'subscription_create' : 'subscription_cycle',
    charge: null,
    collection_method: i.collectionMethod,
    created: i.created,
    currency: i.currency,
    custom_fields: null,
    customer: expand.has('customer') ? (customer.deleted ? renderDeletedCustomer(customer.id) : renderCustomer(account, customer)) : i.customer,
    customer_address: customer.address,
    customer_email: i.customerEmail,
    customer_name: i.customerName,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discount: null,
    discounts: [],
    due_date: i.dueDate,
    effective_at: i.created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/${ACCOUNT_ID}/test_${i.id.slice(3)}`,
    invoice_pdf: `https://pay.stripe.com/invoice/${ACCOUNT_ID}/test_${i.id.slice(3)}/pdf`,
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [renderLine(account, i)], has_more: false, url: `/v1/invoices/${i.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: i.nextPaymentAttempt,
    number: i.number,
    on_behalf_of: null,
    paid: i.status === 'paid',
    paid_out_of_band: false,
    payment_intent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: i.created,
    period_start: i.created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    quote: null,
    receipt_number: null,
    rendering_options: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: i.status,
    status_transitions: { finalized_at: i.created, marked_uncollectible_at: null, paid_at: i.paidAt, voided_at: null },
    subscription: expand.has('subscription') ? renderSubscription(account, subscription) : i.subscription,
    subscription_details: { metadata: { ...subscription.metadata } },
    subtotal: i.total,
    subtotal_excluding_tax: i.total,
    tax: null,
    test_clock: null,
    total: i.total,
    total_discount_amounts: [],
    total_excluding_tax: i.total,
    total_tax_amounts: [],
    transfer_data: null,
    webhooks_delivered_at: i.created,
  };
};
