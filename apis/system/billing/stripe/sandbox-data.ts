/**
 * The Stripe sandbox's account: products, prices, customers, subscriptions and invoices, derived
 * from the shared seed companies (shared/sandbox/seed-companies.ts) relative to the sandbox's clock,
 * so the billing sandbox describes the same customers as the CRM, ERP and support sandboxes.
 *
 * - Customers: `vendorIds.stripeCustomerId`, legal name, email, phone, address, currency, and
 *   `metadata.external_ref` = the canonical customer id.
 * - Prices: one per seeded plan id (legacy Plan ids, usable as price ids). `*-annual` bills yearly
 *   (12 × the monthly unit price), the others monthly; a plan sold in several currencies carries
 *   them as `currency_options`, as a multi-currency Stripe price does.
 * - Subscriptions: `vendorIds`' subscription id, the seed's status, quantity and plan, started
 *   (`start_date`, billing anchor) `termStartedDaysAgo` days ago at 09:00 UTC, with
 *   `metadata.term_months` = the committed term. Monthly plans are charged automatically; annual
 *   ones are invoiced (`send_invoice`, 30 days to pay).
 * - Invoices: one per billing period so far (the last 12 at most), all paid — except a `past_due`
 *   subscription's latest, which is open after three failed charge attempts.
 */
import { createHash } from 'node:crypto';
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { addIntervals, cycleContaining, DAY_MS, startOfUtcDay, type Interval } from './periods.js';

export interface SandboxProduct {
  readonly id: string;
  readonly name: string;
  readonly created: number;
}

export interface SandboxPrice {
  readonly id: string;
  readonly product: string;
  readonly nickname: string;
  readonly interval: Interval;
  readonly intervalCount: number;
  /** The price's own (default) currency, lower case. */
  readonly currency: string;
  /** Unit amount per currency (minor units per interval), the default currency included. */
  readonly amounts: Readonly<Record<string, number>>;
  readonly created: number;
}

export interface SandboxCustomer {
  readonly id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  /** Set on the first subscription, as Stripe does once a customer is billed. */
  currency: string | null;
  readonly address: { line1: string; line2: null; city: string; postal_code: string; state: null; country: string } | null;
  metadata: Record<string, string>;
  readonly created: number;
  readonly invoicePrefix: string;
  nextInvoiceSequence: number;
  deleted: boolean;
}

export type SandboxSubscriptionStatus = 'active' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'past_due' | 'paused' | 'trialing' | 'unpaid';

export interface SandboxSubscription {
  readonly id: string;
  readonly customer: string;
  status: SandboxSubscriptionStatus;
  readonly item: { readonly id: string; readonly price: string; readonly quantity: number; readonly created: number };
  readonly currency: string;
  readonly created: number;
  /** Seconds, like every Stripe timestamp. */
  readonly startDate: number;
  readonly billingCycleAnchor: number;
  currentPeriodStart: number;
  currentPeriodEnd: number;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  readonly trialStart: number | null;
  readonly trialEnd: number | null;
  readonly collectionMethod: 'charge_automatically' | 'send_invoice';
  readonly daysUntilDue: number | null;
  metadata: Record<string, string>;
  latestInvoice: string | null;
}

export interface SandboxInvoice {
  readonly id: string;
  readonly customer: string;
  readonly subscription: string;
  readonly number: string;
  readonly status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  readonly collectionMethod: 'charge_automatically' | 'send_invoice';
  readonly currency: string;
  readonly created: number;
  readonly dueDate: number | null;
  /** The service period the subscription line bills (the invoice's own usage period is empty: created–created). */
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly price: string;
  readonly quantity: number;
  readonly unitAmount: number;
  readonly total: number;
  readonly amountPaid: number;
  readonly attempted: boolean;
  readonly attemptCount: number;
  readonly paidAt: number | null;
  readonly nextPaymentAttempt: number | null;
  readonly subscriptionItem: string;
  readonly customerName: string | null;
  readonly customerEmail: string | null;
}

export interface SandboxAccount {
  readonly products: Map<string, SandboxProduct>;
  readonly prices: Map<string, SandboxPrice>;
  readonly customers: Map<string, SandboxCustomer>;
  readonly subscriptions: Map<string, SandboxSubscription>;
  readonly invoices: Map<string, SandboxInvoice>;
}

export const SEED_SUBSCRIPTION_REF_SUFFIX = '-subscription';
/** The most invoices seeded per subscription. */
const INVOICE_HISTORY = 12;
const seconds = (ms: number) => Math.floor(ms / 1000);
const hex = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest('hex');

/** A deterministic Stripe-looking id: `<prefix>_1` + 22 base-62-ish characters derived from `seed`. */
export const deterministicId = (prefix: string, ...seed: string[]): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(seed.join('|')).digest();
  return `${prefix}_1${[...digest.subarray(0, 22)].map((b) => alphabet[b % 62]).join('')}`;
};

/** `Globex GmbH` → an 8-character invoice prefix, stable per customer id (Stripe's are 3–12 A–Z/0–9). */
const invoicePrefixFor = (customerId: string) => hex('prefix', customerId).slice(0, 8).toUpperCase();

/** `strata-enterprise-monthly` → product `prod_StrataEnterprise`, "Strata Enterprise". */
const productFor = (planId: string): { id: string; name: string } => {
  const words = planId.split('-').slice(0, -1);
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return { id: `prod_${name.replace(/[^A-Za-z0-9]/g, '')}`, name };
};

const intervalFor = (planId: string): Interval => (/-(annual|yearly)$/.test(planId) ? 'year' : 'month');

const seedStatus = (status: SeedCompany['subscription']['status']): SandboxSubscriptionStatus => (status === 'cancelled' ? 'canceled' : status);

/** Builds the seeded account as of `nowMs`. Throws if two seeds disagree on a plan's price. */
export const buildSandboxAccount = (nowMs: number): SandboxAccount => {
  const today = startOfUtcDay(nowMs);
  const accountCreated = seconds(today - 1000 * DAY_MS);
  const products = new Map<string, SandboxProduct>();
  const prices = new Map<string, { id: string; product: string; nickname: string; interval: Interval; currency: string; amounts: Record<string, number> }>();

  for (const company of SEED_COMPANIES) {
    const { planId, unitPriceMinor } = company.subscription;
    const product = productFor(planId);
    products.set(product.id, { ...product, created: accountCreated });
    const interval = intervalFor(planId);
    const amount = unitPriceMinor * (interval === 'year' ? 12 : 1);
    const currency = company.currency.toLowerCase();
    const price = prices.get(planId) ?? { id: planId, product: product.id, nickname: product.name + (interval === 'year' ? ' (annual)' : ' (monthly)'), interval, currency, amounts: {} };
    if (price.amounts[currency] !== undefined && price.amounts[currency] !== amount) {
      throw new Error(`seed companies disagree on the ${currency} price of ${planId}`);
    }
    price.amounts[currency] = amount;
    prices.set(planId, price);
  }

  const account: SandboxAccount = {
    products,
    prices: new Map([...prices].map(([id, p]) => [id, { ...p, intervalCount: 1, created: accountCreated }])),
    customers: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
  };

  for (const company of SEED_COMPANIES) {
    const customerId = company.vendorIds.stripeCustomerId;
    const seed = company.subscription;
    const startMs = today - seed.termStartedDaysAgo * DAY_MS + 9 * 3_600_000;
    const customer: SandboxCustomer = {
      id: customerId,
      name: company.legalName,
      email: company.email,
      phone: company.phone,
      description: null,
      currency: company.currency.toLowerCase(),
      address: { line1: company.street, line2: null, city: company.city, postal_code: company.postalCode, state: null, country: company.country },
      metadata: { external_ref: company.canonicalId },
      created: seconds(startMs - 14 * DAY_MS),
      invoicePrefix: invoicePrefixFor(customerId),
      nextInvoiceSequence: 1,
      deleted: false,
    };
    account.customers.set(customerId, customer);

    const price = account.prices.get(seed.planId)!;
    const step = (anchor: number, n: number) => addIntervals(anchor, price.interval, price.intervalCount, n);
    const current = cycleContaining(startMs, nowMs, step);
    const collectionMethod = price.interval === 'year' ? 'send_invoice' : 'charge_automatically';
    const status = seedStatus(seed.status);
    const subscription: SandboxSubscription = {
      id: seed.stripeSubscriptionId,
      customer: customerId,
      status,
      item: { id: deterministicId('si', seed.stripeSubscriptionId).slice(0, 17), price: price.id, quantity: seed.quantity, created: seconds(startMs) },
      currency: customer.currency!,
      created: seconds(startMs),
      startDate: seconds(startMs),
      billingCycleAnchor: seconds(startMs),
      currentPeriodStart: seconds(current.start),
      currentPeriodEnd: seconds(current.end),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: status === 'canceled' ? seconds(current.start) : null,
      endedAt: status === 'canceled' ? seconds(current.start) : null,
      trialStart: status === 'trialing' ? seconds(startMs) : null,
      trialEnd: status === 'trialing' ? seconds(current.end) : null,
      collectionMethod,
      daysUntilDue: collectionMethod === 'send_invoice' ? 30 : null,
      metadata: { external_ref: `${company.canonicalId}${SEED_SUBSCRIPTION_REF_SUFFIX}`, term_months: String(seed.termMonths) },
      latestInvoice: null,
    };
    account.subscriptions.set(subscription.id, subscription);

    if (status === 'trialing') continue; // nothing billed yet
    const amount = price.amounts[subscription.currency]!;
    const first = Math.max(0, current.index - INVOICE_HISTORY + 1);
    for (let n = first; n <= current.index; n++) {
      const periodStart = step(startMs, n);
      const isLatest = n === current.index;
      const failed = isLatest && status === 'past_due';
      const createdMs = periodStart + 3_600_000;
      addInvoice(account, customer, subscription, {
        created: seconds(createdMs),
        periodStart: seconds(periodStart),
        periodEnd: seconds(step(startMs, n + 1)),
        unitAmount: amount,
        paid: !failed,
        attemptCount: failed ? 3 : 1,
        nextPaymentAttempt: failed ? seconds(nowMs + 3 * DAY_MS) : null,
      });
    }
  }
  return account;
};

/** Adds the invoice of one billing period (numbered in the customer's sequence) and links it as the subscription's latest. */
export const addInvoice = (
  account: SandboxAccount,
  customer: SandboxCustomer,
  subscription: SandboxSubscription,
  period: { created: number; periodStart: number; periodEnd: number; unitAmount: number; paid: boolean; attemptCount: number; nextPaymentAttempt: number | null },
): SandboxInvoice => {
  const sequence = customer.nextInvoiceSequence++;
  const total = period.unitAmount * subscription.item.quantity;
  const invoice: SandboxInvoice = {
    id: deterministicId('in', subscription.id, String(period.periodStart), String(sequence)).slice(0, 27),
    customer: customer.id,
    subscription: subscription.id,
    number: `${customer.invoicePrefix}-${String(sequence).padStart(4, '0')}`,
    status: period.paid ? 'paid' : 'open',
    collectionMethod: subscription.collectionMethod,
    currency: subscription.currency,
    created: period.created,
    dueDate: subscription.daysUntilDue !== null ? period.created + subscription.daysUntilDue * 86_400 : null,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    price: subscription.item.price,
    quantity: subscription.item.quantity,
    unitAmount: period.unitAmount,
    total,
    amountPaid: period.paid ? total : 0,
    attempted: period.attemptCount > 0,
    attemptCount: period.attemptCount,
    paidAt: period.paid ? period.created + 3_600 : null,
    nextPaymentAttempt: period.nextPaymentAttempt,
    subscriptionItem: subscription.item.id,
    customerName: customer.name,
    customerEmail: customer.email,
  };
  account.invoices.set(invoice.id, invoice);
  subscription.latestInvoice = invoice.id;
  return invoice;
};
