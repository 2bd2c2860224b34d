/**
 * The anti-corruption layer: Chargebee v2 resources in, canonical billing records out. Unix seconds
 * become RFC 3339 UTC (dates as `YYYY-MM-DD`, UTC); amounts stay in minor units (Chargebee's own
 * unit). Nothing that is not named here crosses over. The results are not yet checked against the
 * contract; the adapter does that, so an unusable vendor value is an invalid response, not a broken
 * contract.
 *
 * Status mapping (Chargebee → canonical), documented once here:
 *
 * | Chargebee | canonical | notes |
 * |---|---|---|
 * | `future` | `future` | starts on `start_date` |
 * | `in_trial` | `trialing` | |
 * | `active` | `active`, or `past_due` when `due_invoices_count > 0` | Chargebee keeps a subscription `active` through dunning; its dues say it is behind |
 * | `non_renewing` | `active` (`past_due` with dues), `cancelAtTermEnd: true`, no `renewsOn` | cancellation scheduled for the term end |
 * | `paused` | `paused` | |
 * | `cancelled` | `cancelled` | |
 *
 * The *current term* is the contract term when the subscription has one (`contract_term`: the
 * committed 12/24/36 months Strata creates), else the billing term (`current_term_start/end`).
 * `renewsOn` is that term's end unless the subscription ends there (`non_renewing`, or a contract
 * whose `action_at_term_end` is `cancel`), is cancelled, or is paused.
 *
 * MRR: Chargebee's own `mrr` when present; otherwise the plan and add-on items' amounts
 * (`amount`, or `unit_price × quantity`) over the billing term's length in months. Cancelled: 0.
 *
 * Invoices: `paid` → paid/paid; `posted` and `payment_due` → open, unpaid (partially paid when
 * something was paid; payment failed while dunning is `in_progress`); `not_paid` → open, payment
 * failed (collection was tried and given up, or the invoice is overdue without auto collection);
 * `voided` → void; `pending` (not yet closed) → draft.
 */
import { money } from '../../../../shared/canonical/money.js';
import type { BillingCustomer, BillingInvoice, Subscription } from '../contract.js';
import type { ChargebeeCustomerRead, ChargebeeInvoiceRead, ChargebeeItemPriceRead, ChargebeeSubscriptionRead } from '../../../../openapi/vendors/chargebee/schemas.js';

const isoDate = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);
const isoDateTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const present = <K extends string, V>(key: K, value: V | undefined | null | ''): { [P in K]?: V } =>
  (value === undefined || value === null || value === '' ? {} : { [key]: value }) as { [P in K]?: V };

/** A name for the customer: the company (Strata's customers are companies), else the person's name, else the id. */
const customerName = (c: ChargebeeCustomerRead): string => {
  if (c.company?.trim()) return c.company.trim();
  const person = [c.first_name, c.last_name].filter((p) => p?.trim()).join(' ');
  return person || c.id;
};

export const toBillingCustomer = (c: ChargebeeCustomerRead): BillingCustomer => ({
  id: c.id,
  name: customerName(c),
  ...present('email', c.email),
  ...present('currency', c.preferred_currency_code),
  ...present('externalRef', c.meta_data?.strata_external_ref),
  createdAt: isoDateTime(c.created_at),
});

/** Whole calendar months between two instants (UTC), e.g. a monthly billing term → 1, a yearly one → 12. */
export const monthsBetween = (fromSeconds: number, toSeconds: number): number => {
  const from = new Date(fromSeconds * 1000);
  const to = new Date(toSeconds * 1000);
  return to.getUTCFullYear() * 12 + to.getUTCMonth() - (from.getUTCFullYear() * 12 + from.getUTCMonth());
};

/** Months in one billing period of an item price; undefined for day/week periods (no whole months). */
export const periodMonths = (price: Pick<ChargebeeItemPriceRead, 'period' | 'period_unit'>): number | undefined => {
  const period = price.period ?? 1;
  if (price.period_unit === 'month') return period;
  if (price.period_unit === 'year') return 12 * period;
  return undefined;
};

/**
 * How many billing cycles of `price` make a committed term of `termMonths`: 12 months of a monthly
 * price → 12, of a yearly price → 1. Undefined when the term is not a whole number of periods.
 */
export const billingCyclesFor = (termMonths: number, price: Pick<ChargebeeItemPriceRead, 'period' | 'period_unit'>): number | undefined => {
  const months = periodMonths(price);
  if (months === undefined || termMonths % months !== 0) return undefined;
  return termMonths / months;
};

export type CanonicalStatus = Subscription['status'];

export const toCanonicalStatus = (s: Pick<ChargebeeSubscriptionRead, 'status' | 'due_invoices_count'>): CanonicalStatus => {
  const behind = (s.due_invoices_count ?? 0) > 0;
  switch (s.status) {
    case 'future':
      return 'future';
    case 'in_trial':
      return 'trialing';
    case 'paused':
      return 'paused';
    case 'cancelled':
      return 'cancelled';
    case 'active':
    case 'non_renewing':
      return behind ? 'past_due' : 'active';
  }
};

const planItem = (s: ChargebeeSubscriptionRead) => s.subscription_items?.find((i) => i.item_type === 'plan');

const computedMrr = (s: ChargebeeSubscriptionRead): number | undefined => {
  if (s.current_term_start === undefined || s.current_term_end === undefined) return undefined;
  const months = monthsBetween(s.current_term_start, s.current_term_end);
  if (months < 1) return undefined;
  let total = 0;
  for (const item of s.subscription_items ?? []) {
    if (item.item_type === 'charge') continue;
    const amount = item.amount ?? (item.unit_price !== undefined && item.quantity !== undefined ? item.unit_price * item.quantity : undefined);
    if (amount === undefined) return undefined;
    total += amount;
  }
  return Math.round(total / months);
};

const currentTermOf = (s: ChargebeeSubscriptionRead): { start: number; end: number } | undefined => {
  if (s.contract_term) return { start: s.contract_term.contract_start, end: s.contract_term.contract_end };
  if (s.current_term_start !== undefined && s.current_term_end !== undefined) return { start: s.current_term_start, end: s.current_term_end };
  if (s.status === 'future' && s.start_date !== undefined) return { start: s.start_date, end: s.next_billing_at ?? s.start_date };
  const started = s.started_at ?? s.start_date;
  if (s.status === 'cancelled' && started !== undefined && s.cancelled_at !== undefined) return { start: started, end: s.cancelled_at };
  return undefined;
};

/** A canonical subscription whose required parts may be missing (then the adapter's contract check fails it). */
export type SubscriptionCandidate = Omit<Subscription, 'planId' | 'quantity' | 'currentTerm' | 'mrr' | 'createdAt'> & {
  planId: string | undefined;
  quantity: number | undefined;
  currentTerm: Subscription['currentTerm'] | undefined;
  mrr: Subscription['mrr'] | undefined;
  createdAt: string | undefined;
};

export const toSubscription = (s: ChargebeeSubscriptionRead): SubscriptionCandidate => {
  const status = toCanonicalStatus(s);
  const ended = s.status === 'cancelled';
  const cancelAtTermEnd = !ended && (s.status === 'non_renewing' || s.contract_term?.action_at_term_end === 'cancel');
  const term = currentTermOf(s);
  const renews = !cancelAtTermEnd && !ended && s.status !== 'paused';
  const renewal = s.contract_term ? s.contract_term.contract_end : (s.current_term_end ?? s.next_billing_at);
  const mrr = ended ? 0 : (s.mrr ?? computedMrr(s));
  const plan = planItem(s);
  const created = s.created_at ?? s.started_at ?? s.start_date;
  return {
    id: s.id,
    customerId: s.customer_id,
    status,
    planId: plan?.item_price_id,
    quantity: plan?.quantity,
    currency: s.currency_code,
    currentTerm: term ? { start: isoDate(term.start), end: isoDate(term.end) } : undefined,
    ...(renews && renewal !== undefined ? { renewsOn: isoDate(renewal) } : {}),
    cancelAtTermEnd,
    mrr: mrr === undefined ? undefined : money(mrr, s.currency_code),
    createdAt: created === undefined ? undefined : isoDateTime(created),
  };
};

type InvoiceState = Pick<BillingInvoice, 'status' | 'paymentStatus'>;

const invoiceState = (i: ChargebeeInvoiceRead, paid: number): InvoiceState => {
  const unpaid = (): InvoiceState['paymentStatus'] => (paid > 0 ? 'partially_paid' : 'unpaid');
  switch (i.status) {
    case 'paid':
      return { status: 'paid', paymentStatus: 'paid' };
    case 'posted':
      return { status: 'open', paymentStatus: unpaid() };
    case 'payment_due':
      return { status: 'open', paymentStatus: i.dunning_status === 'in_progress' ? 'payment_failed' : unpaid() };
    case 'not_paid':
      return { status: 'open', paymentStatus: 'payment_failed' };
    case 'voided':
      return { status: 'void', paymentStatus: 'not_applicable' };
    case 'pending':
      return { status: 'draft', paymentStatus: 'not_applicable' };
  }
};

/** Undefined `issuedOn` (no `date`) fails the contract check: Chargebee dates every closed invoice. */
export const toBillingInvoice = (i: ChargebeeInvoiceRead): Omit<BillingInvoice, 'issuedOn'> & { issuedOn: string | undefined } => {
  const total = i.total ?? i.sub_total + i.tax;
  const paid = i.amount_paid ?? (i.status === 'paid' ? total : 0);
  const settled = i.status === 'paid' || i.status === 'voided';
  const due = i.amount_due ?? (settled ? 0 : Math.max(0, total - paid));
  return {
    id: i.id,
    // Chargebee's invoice id is the invoice number its documents show.
    number: i.id,
    ...present('subscriptionId', i.subscription_id),
    issuedOn: i.date === undefined ? undefined : isoDate(i.date),
    ...(i.due_date !== undefined ? { dueOn: isoDate(i.due_date) } : {}),
    total: money(total, i.currency_code),
    amountPaid: money(paid, i.currency_code),
    amountDue: money(due, i.currency_code),
    ...invoiceState(i, paid),
  };
};
