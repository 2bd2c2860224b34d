/**
 * The Chargebee sandbox's records, derived from SEED_COMPANIES as of `now`: one customer per company
 * (`vendorIds.chargebeeCustomerId`), the item prices of the seeded plan ids, each company's
 * subscription (`subscription.chargebeeSubscriptionId`) on a contract term of `termMonths` that
 * started `termStartedDaysAgo`, and its recent invoices, one per billing period. Everything in Chargebee
 * v2 shapes (`types.ts`), unix seconds, minor units.
 *
 * Catalogue choices the seed leaves open: a plan id ending in `-annual` bills yearly, any other
 * monthly; an item price takes the currency and unit price of the first company on it, and a
 * subscription whose company pays another price carries its own `unit_price` (Chargebee's per-
 * subscription price override). SEED_COMPANIES puts GBP and EUR customers on one plan id, where a real
 * site would hold one item price per currency: the sandbox keeps the seed's ids and lets each
 * subscription carry its company's currency.
 */
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import type { ChargebeeCustomer, ChargebeeInvoice, ChargebeeItemPrice, ChargebeeSubscription } from '../../../../openapi/vendors/chargebee/types.js';

export const DAY_SECONDS = 86_400;
/** Net payment terms of the seeded B2B customers. */
export const NET_TERM_DAYS = 30;
/** Invoices kept per seeded subscription (the most recent billing periods). */
const INVOICES_PER_SUBSCRIPTION = 6;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** `seconds` plus whole calendar months (UTC), the day clamped to the target month's length (Jan 31 + 1 → Feb 28/29). */
export const addMonths = (seconds: number, months: number): number => {
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(year, month, 1));
  const day = Math.min(d.getUTCDate(), daysInMonth(target.getUTCFullYear(), target.getUTCMonth()));
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
};

export const periodMonthsOf = (price: Pick<ChargebeeItemPrice, 'period' | 'period_unit'>): number => (price.period_unit === 'year' ? 12 : 1) * (price.period ?? 1);

/** The billing period containing `now`, for a subscription billed every `months` from `start`. */
export const billingPeriodAt = (start: number, months: number, now: number): { start: number; end: number } => {
  let periodStart = start;
  for (let n = 1; addMonths(start, n * months) <= now; n++) periodStart = addMonths(start, n * months);
  return { start: periodStart, end: addMonths(periodStart, months) };
};

const titleCase = (s: string) => s.replace(/(^|-)([a-z])/g, (_, sep: string, ch: string) => (sep ? ' ' : '') + ch.toUpperCase());

export interface SandboxRecords {
  readonly customers: ChargebeeCustomer[];
  readonly itemPrices: ChargebeeItemPrice[];
  readonly subscriptions: ChargebeeSubscription[];
  readonly invoices: ChargebeeInvoice[];
}

const seedItemPrices = (companies: readonly SeedCompany[], catalogueSince: number): ChargebeeItemPrice[] => {
  const prices = new Map<string, ChargebeeItemPrice>();
  for (const company of companies) {
    const { planId, unitPriceMinor } = company.subscription;
    if (prices.has(planId)) continue;
    const yearly = planId.endsWith('-annual');
    prices.set(planId, {
      id: planId,
      name: titleCase(planId),
      external_name: titleCase(planId.replace(/-(monthly|annual)$/, '')),
      item_id: planId.replace(/-(monthly|annual)$/, ''),
      item_family_id: 'strata',
      item_type: 'plan',
      status: 'active',
      pricing_model: 'per_unit',
      price: unitPriceMinor * (yearly ? 12 : 1),
      period: 1,
      period_unit: yearly ? 'year' : 'month',
      currency_code: company.currency,
      free_quantity: 0,
      created_at: catalogueSince,
      updated_at: catalogueSince,
      resource_version: catalogueSince * 1000,
      object: 'item_price',
    });
  }
  // A retired price: subscriptions can no longer be created on it.
  prices.set('strata-legacy-monthly', {
    id: 'strata-legacy-monthly',
    name: 'Strata Legacy Monthly',
    item_id: 'strata-legacy',
    item_family_id: 'strata',
    item_type: 'plan',
    status: 'archived',
    pricing_model: 'per_unit',
    price: 20_00,
    period: 1,
    period_unit: 'month',
    currency_code: 'EUR',
    free_quantity: 0,
    created_at: catalogueSince,
    object: 'item_price',
  });
  return [...prices.values()];
};

const seedCustomer = (company: SeedCompany, createdAt: number): ChargebeeCustomer => {
  const contact = company.primaryContact;
  return {
    id: company.vendorIds.chargebeeCustomerId,
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: company.email,
    phone: company.phone,
    company: company.legalName,
    vat_number: company.taxId,
    auto_collection: 'off',
    net_term_days: NET_TERM_DAYS,
    allow_direct_debit: false,
    created_at: createdAt,
    taxability: 'taxable',
    billing_address: {
      first_name: contact.firstName,
      last_name: contact.lastName,
      email: contact.email,
      company: company.legalName,
      phone: contact.phone,
      line1: company.street,
      city: company.city,
      zip: company.postalCode,
      country: company.country,
    },
    preferred_currency_code: company.currency,
    card_status: 'no_card',
    account_credits: 0,
    promotional_credits: 0,
    refundable_credits: 0,
    excess_payments: 0,
    unbilled_charges: 0,
    meta_data: { strata_external_ref: company.canonicalId },
    updated_at: createdAt,
    resource_version: createdAt * 1000,
    deleted: false,
    object: 'customer',
  };
};

/** An invoice for one billing period of a subscription, in v2 shape. */
export const periodInvoice = (
  id: string,
  subscription: Pick<ChargebeeSubscription, 'id' | 'customer_id' | 'currency_code'>,
  line: { readonly itemPriceId: string; readonly description: string; readonly unitPrice: number; readonly quantity: number },
  period: { readonly start: number; readonly end: number },
  state: { readonly status: 'paid' | 'posted' | 'payment_due'; readonly paidAt?: number; readonly first: boolean },
): ChargebeeInvoice => {
  const amount = line.unitPrice * line.quantity;
  const paid = state.status === 'paid';
  return {
    id,
    customer_id: subscription.customer_id,
    subscription_id: subscription.id,
    recurring: true,
    status: state.status,
    price_type: 'tax_exclusive',
    date: period.start,
    due_date: period.start + NET_TERM_DAYS * DAY_SECONDS,
    net_term_days: NET_TERM_DAYS,
    currency_code: subscription.currency_code,
    total: amount,
    amount_paid: paid ? amount : 0,
    amount_adjusted: 0,
    write_off_amount: 0,
    credits_applied: 0,
    amount_due: paid ? 0 : amount,
    ...(paid && state.paidAt !== undefined ? { paid_at: state.paidAt } : {}),
    sub_total: amount,
    tax: 0,
    term_finalized: true,
    is_gifted: false,
    first_invoice: state.first,
    updated_at: state.paidAt ?? period.start,
    resource_version: (state.paidAt ?? period.start) * 1000,
    deleted: false,
    object: 'invoice',
    line_items: [
      {
        id: `li_${id}`,
        subscription_id: subscription.id,
        date_from: period.start,
        date_to: period.end,
        unit_amount: line.unitPrice,
        quantity: line.quantity,
        amount,
        pricing_model: 'per_unit',
        is_taxed: false,
        tax_amount: 0,
        discount_amount: 0,
        item_level_discount_amount: 0,
        description: line.description,
        entity_type: 'plan_item_price',
        entity_id: line.itemPriceId,
        customer_id: subscription.customer_id,
        object: 'line_item',
      },
    ],
  };
};

/** The seeded site as of `nowMs`. Invoice ids are numbered site-wide in date order, like Chargebee's. */
export const seedRecords = (nowMs: number, companies: readonly SeedCompany[] = SEED_COMPANIES): SandboxRecords => {
  const now = Math.floor(nowMs / 1000);
  const today = Math.floor(now / DAY_SECONDS) * DAY_SECONDS;
  const itemPrices = seedItemPrices(companies, today - 720 * DAY_SECONDS);
  const priceOf = new Map(itemPrices.map((p) => [p.id, p]));
  const customers: ChargebeeCustomer[] = [];
  const subscriptions: ChargebeeSubscription[] = [];
  const drafts: { date: number; make: (id: string) => ChargebeeInvoice }[] = [];

  companies.forEach((company, index) => {
    const seed = company.subscription;
    const price = priceOf.get(seed.planId)!;
    const months = periodMonthsOf(price);
    const unitPrice = seed.unitPriceMinor * months;
    const contractStart = today - seed.termStartedDaysAgo * DAY_SECONDS;
    const contractEnd = addMonths(contractStart, seed.termMonths);
    const cycles = seed.termMonths / months;
    const current = billingPeriodAt(contractStart, months, now);
    customers.push(seedCustomer(company, contractStart - (45 + index) * DAY_SECONDS));

    // Billing periods of this contract so far, oldest first; the latest INVOICES_PER_SUBSCRIPTION are invoiced here.
    const periods: { start: number; end: number }[] = [];
    for (let start = contractStart; start <= current.start; start = addMonths(start, months)) periods.push({ start, end: addMonths(start, months) });
    const invoiced = periods.slice(-INVOICES_PER_SUBSCRIPTION);
    const remaining = Math.max(0, cycles - periods.length);
    const behind = seed.status === 'past_due';
    // Past due: the last period before the current one is overdue and unpaid.
    const overdue = behind ? invoiced[invoiced.length - 2] ?? invoiced[invoiced.length - 1] : undefined;
    const subscription: ChargebeeSubscription = {
      id: seed.chargebeeSubscriptionId,
      customer_id: company.vendorIds.chargebeeCustomerId,
      currency_code: company.currency,
      status: seed.status === 'cancelled' ? 'cancelled' : seed.status === 'trialing' ? 'in_trial' : 'active',
      start_date: contractStart,
      started_at: contractStart,
      activated_at: contractStart,
      created_at: contractStart,
      current_term_start: current.start,
      current_term_end: current.end,
      next_billing_at: current.end,
      remaining_billing_cycles: remaining,
      has_scheduled_changes: false,
      has_scheduled_advance_invoices: false,
      ...(overdue
        ? { due_invoices_count: 1, due_since: overdue.start + NET_TERM_DAYS * DAY_SECONDS, total_dues: unitPrice * seed.quantity }
        : { due_invoices_count: 0 }),
      mrr: seed.status === 'cancelled' ? 0 : seed.unitPriceMinor * seed.quantity,
      subscription_items: [
        { item_price_id: seed.planId, item_type: 'plan', quantity: seed.quantity, unit_price: unitPrice, amount: unitPrice * seed.quantity, free_quantity: 0, object: 'subscription_item' },
      ],
      contract_term: {
        id: `ct_${seed.chargebeeSubscriptionId}`.slice(0, 50),
        status: seed.status === 'cancelled' ? 'terminated' : 'active',
        contract_start: contractStart,
        contract_end: contractEnd,
        billing_cycle: cycles,
        action_at_term_end: 'renew',
        total_contract_value: unitPrice * seed.quantity * cycles,
        cancellation_cutoff_period: 0,
        created_at: contractStart,
        subscription_id: seed.chargebeeSubscriptionId,
        remaining_billing_cycles: remaining,
        object: 'contract_term',
      },
      updated_at: current.start,
      resource_version: current.start * 1000,
      deleted: false,
      object: 'subscription',
    };
    subscriptions.push(subscription);

    for (const period of invoiced) {
      const dueDate = period.start + NET_TERM_DAYS * DAY_SECONDS;
      const status = period === overdue ? 'payment_due' : dueDate > now ? 'posted' : 'paid';
      const paidAt = status === 'paid' ? Math.min(now, period.start + 20 * DAY_SECONDS) : undefined;
      const line = { itemPriceId: price.id, description: price.name, unitPrice, quantity: seed.quantity };
      drafts.push({
        date: period.start,
        make: (id) => periodInvoice(id, subscription, line, period, { status, ...(paidAt !== undefined ? { paidAt } : {}), first: period.start === contractStart }),
      });
    }
  });

  drafts.sort((a, b) => a.date - b.date);
  const invoices = drafts.map((d, i) => d.make(`CB-${String(10_001 + i)}`));
  return { customers, itemPrices, subscriptions, invoices };
};
