/**
 * The anti-corruption layer: Stripe objects in, canonical billing objects out. Nothing Stripe-shaped
 * (unix seconds, lower-case currencies, expandable references, metadata conventions, Stripe's
 * statuses) leaves this file. The adapter checks every result against the contract's schemas.
 *
 * Conventions Strata keeps in Stripe `metadata` (Stripe has no field for them):
 * - `external_ref` on customers and subscriptions: the canonical reference, for idempotent creates;
 * - `term_months` on subscriptions: the committed term (1, 12, 24 or 36 months);
 * - `start_on` on a subscription that starts later (`YYYY-MM-DD`; Stripe holds it as a trial until then);
 * - `preferred_currency` on customers: the currency asked for at creation (Stripe sets a customer's
 *   `currency` only once it is billed).
 */
import { money } from '../../../../shared/canonical/money.js';
import type { BillingCustomer, BillingInvoice, Subscription } from '../contract.js';
import type { ParsedStripeCustomer, ParsedStripeInvoice, ParsedStripePrice, ParsedStripeSubscription } from '../../../../openapi/vendors/stripe/schemas.js';
import { addMonths, cycleContaining, isoDate, type Interval } from './periods.js';

export const METADATA = {
  externalRef: 'external_ref',
  termMonths: 'term_months',
  startOn: 'start_on',
  preferredCurrency: 'preferred_currency',
} as const;

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const upper = (currency: string) => currency.toUpperCase();
const present = <K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } =>
  (value === null || value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };

/** The customer's currency: Stripe's once billed, otherwise the one asked for at creation. */
export const customerCurrency = (c: Pick<ParsedStripeCustomer, 'currency' | 'metadata'>): string | undefined => {
  if (c.currency && /^[a-z]{3}$/i.test(c.currency)) return upper(c.currency);
  const preferred = c.metadata?.[METADATA.preferredCurrency];
  return preferred && /^[A-Za-z]{3}$/.test(preferred) ? upper(preferred) : undefined;
};

export const toBillingCustomer = (c: ParsedStripeCustomer): BillingCustomer => ({
  id: c.id,
  name: c.name ?? '',
  ...present('email', c.email),
  ...present('currency', customerCurrency(c)),
  ...present('externalRef', c.metadata?.[METADATA.externalRef]),
  createdAt: iso(c.created),
});

/**
 * Stripe's eight statuses onto the contract's six:
 * - `trialing` → `future` when Strata created it to start later (`metadata.start_on`, trial not over), else `trialing`;
 * - `active` → `paused` while invoice collection is paused (`pause_collection`), else `active`;
 * - `past_due` and `unpaid` (retries exhausted, invoices left open) → `past_due`;
 * - `incomplete` (the first payment has not succeeded yet) → `past_due`: money is owed, nothing is paid;
 * - `paused` (a trial ended without a payment method) → `paused`;
 * - `canceled` and `incomplete_expired` (the first payment never came; terminal) → `cancelled`.
 */
export const toSubscriptionStatus = (s: Pick<ParsedStripeSubscription, 'status' | 'metadata' | 'trial_end' | 'pause_collection'>, nowMs: number): Subscription['status'] => {
  switch (s.status) {
    case 'trialing':
      return s.metadata[METADATA.startOn] && s.trial_end && s.trial_end * 1000 > nowMs ? 'future' : 'trialing';
    case 'active':
      return s.pause_collection ? 'paused' : 'active';
    case 'past_due':
    case 'unpaid':
    case 'incomplete':
      return 'past_due';
    case 'paused':
      return 'paused';
    case 'canceled':
    case 'incomplete_expired':
      return 'cancelled';
  }
};

/** A price's unit amount (minor units, may be fractional) in `currency`: its own, or a currency option. */
export const unitAmountIn = (price: ParsedStripePrice, currency: string): number | undefined => {
  const lower = currency.toLowerCase();
  const option = price.currency === lower ? price : price.currency_options?.[lower];
  if (!option) return undefined;
  if (typeof option.unit_amount === 'number') return option.unit_amount;
  return option.unit_amount_decimal ? Number(option.unit_amount_decimal) : undefined;
};

/** True when the subscription's items carry what MRR needs (a currency option only comes when expanded). */
export const hasAmounts = (s: ParsedStripeSubscription): boolean => s.items.data.every((i) => unitAmountIn(i.price, s.currency) !== undefined);

const MONTHS_PER: Record<Interval, number> = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

/**
 * Monthly recurring revenue in minor units: Σ unit amount × quantity ÷ the interval in months
 * (`interval_count` × 1 month, 12 for a year, 52/12 weeks, 365/12 days), rounded once at the end.
 * Undefined when a price has no per-unit amount in the subscription's currency (tiered prices).
 */
export const monthlyRecurringMinor = (s: ParsedStripeSubscription): number | undefined => {
  let total = 0;
  for (const item of s.items.data) {
    const unit = unitAmountIn(item.price, s.currency);
    const recurring = item.price.recurring;
    if (unit === undefined || !recurring) return undefined;
    total += (unit * (item.quantity ?? 1)) / (MONTHS_PER[recurring.interval] * recurring.interval_count);
  }
  return Math.round(total);
};

const TERM_MONTHS = /^(?:[1-9]|[1-9]\d|1[01]\d|120)$/;

/**
 * The committed term the subscription is in, as `[startMs, endMs)`. With Strata's `term_months`, the
 * terms are counted from the start (`start_on`, else `start_date`) in steps of that many months, and
 * the current one is the term holding the current billing period's start. Without it (subscriptions
 * made outside Strata), the term is Stripe's current billing period (`current_period_start/end`).
 * (API 2023-08-16 — the held spec — has these on the subscription; from 2025-03-31 they move to the
 * subscription items.)
 */
export const currentTermOf = (s: ParsedStripeSubscription): { startMs: number; endMs: number } => {
  const months = s.metadata[METADATA.termMonths];
  if (!months || !TERM_MONTHS.test(months)) return { startMs: s.current_period_start * 1000, endMs: s.current_period_end * 1000 };
  const startOn = s.metadata[METADATA.startOn];
  const anchorMs = startOn && /^\d{4}-\d{2}-\d{2}$/.test(startOn) && !Number.isNaN(Date.parse(`${startOn}T00:00:00Z`)) ? Date.parse(`${startOn}T00:00:00Z`) : s.start_date * 1000;
  const term = cycleContaining(anchorMs, s.current_period_start * 1000, (anchor, n) => addMonths(anchor, n * Number(months)));
  return { startMs: term.start, endMs: term.end };
};

/** Whether cancelling at the end of the term is Stripe's `cancel_at_period_end` (the term ends with the billing period) or needs `cancel_at`. */
export const termEndsWithPeriod = (s: ParsedStripeSubscription): boolean => isoDate(currentTermOf(s).endMs) === isoDate(s.current_period_end * 1000);

/** The subscription, or undefined when its amounts cannot be read (see `monthlyRecurringMinor`). */
export const toSubscription = (s: ParsedStripeSubscription, nowMs: number): Subscription | undefined => {
  const first = s.items.data[0];
  const mrr = monthlyRecurringMinor(s);
  if (!first || mrr === undefined) return undefined;
  const status = toSubscriptionStatus(s, nowMs);
  const cancelAtTermEnd = status !== 'cancelled' && (s.cancel_at_period_end || (s.cancel_at !== null && s.cancel_at !== undefined));
  const term = currentTermOf(s);
  const currency = upper(s.currency);
  return {
    id: s.id,
    customerId: typeof s.customer === 'string' ? s.customer : s.customer.id,
    status,
    // A subscription of several items is reported by its first item's price and quantity; MRR covers all.
    planId: first.price.id,
    quantity: first.quantity ?? 1,
    currency,
    currentTerm: { start: isoDate(term.startMs), end: isoDate(term.endMs) },
    ...(status !== 'cancelled' && !cancelAtTermEnd ? { renewsOn: isoDate(term.endMs) } : {}),
    cancelAtTermEnd,
    mrr: money(mrr, currency),
    createdAt: iso(s.created),
  };
};

/**
 * An invoice's payment status, from Stripe's `status`, amounts and collection attempts:
 * `draft`, `void` → `not_applicable`; `paid` → `paid`; `open` or `uncollectible` → `partially_paid`
 * when something was paid, `payment_failed` when an automatic charge was attempted and failed,
 * otherwise `unpaid`.
 */
export const toPaymentStatus = (i: ParsedStripeInvoice): BillingInvoice['paymentStatus'] => {
  const status = i.status ?? 'draft';
  if (status === 'draft' || status === 'void') return 'not_applicable';
  if (status === 'paid') return 'paid';
  if (i.amount_paid > 0 && i.amount_remaining > 0) return 'partially_paid';
  if (i.collection_method === 'charge_automatically' && i.attempted && i.attempt_count > 0) return 'payment_failed';
  return 'unpaid';
};

export const toBillingInvoice = (i: ParsedStripeInvoice): BillingInvoice => {
  const currency = upper(i.currency);
  const subscriptionId = i.subscription === null || i.subscription === undefined ? undefined : typeof i.subscription === 'string' ? i.subscription : i.subscription.id;
  return {
    id: i.id,
    ...present('number', i.number),
    ...(subscriptionId ? { subscriptionId } : {}),
    // Issued when finalized (a draft has no number or issue yet: its creation day stands in).
    issuedOn: isoDate((i.status_transitions.finalized_at ?? i.created) * 1000),
    ...(i.due_date ? { dueOn: isoDate(i.due_date * 1000) } : {}),
    total: money(i.total, currency),
    amountPaid: money(i.amount_paid, currency),
    amountDue: money(i.amount_remaining, currency),
    status: i.status ?? 'draft',
    paymentStatus: toPaymentStatus(i),
  };
};

/** Unix seconds of a `YYYY-MM-DD` at 00:00 UTC. */
export const unixOfDate = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000);
