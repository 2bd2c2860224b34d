// Creating a subscription in the Stripe sandbox (`POST /v1/subscriptions`): Stripe's checks, the record, its first invoice.
import type { ParsedForm } from './form.js';
import { addIntervals } from './periods.js';
import { customerOr404 } from './sandbox-customers.js';
import { addInvoice, type SandboxSubscription } from './sandbox-data.js';
import { invalid, noSuch } from './sandbox-errors.js';
import { int, metadataOf, onlyParams, str } from './sandbox-params.js';
import { randomId, seconds, type SandboxRouteDeps } from './sandbox-state.js';

/** Parameters a create may carry (the route refuses others before `expand[]` is read). */
export const CREATE_SUBSCRIPTION_PARAMS = ['customer', 'items', 'metadata', 'expand', 'currency', 'trial_end', 'backdate_start_date', 'collection_method', 'days_until_due', 'payment_behavior', 'proration_behavior'];

/**
 * Validates the parameters as Stripe does and stores the new subscription: `active` with a paid first
 * invoice, or `trialing` until `trial_end`. One item, a seeded price; no payments.
 */
export const createSandboxSubscription = (deps: SandboxRouteDeps, params: ParsedForm): SandboxSubscription => {
  const { state, clock, searchLagMs } = deps;
  const account = state.account;
  const customerId = str(params, 'customer');
  if (customerId === undefined) throw invalid('Missing required param: customer.', 'customer', 'parameter_missing');
  const customer = customerOr404(account, customerId, 'customer', 400);
  const items = params.items;
  if (items === undefined) throw invalid('Missing required param: items.', 'items', 'parameter_missing');
  if (!Array.isArray(items) || items.length === 0) throw invalid('Invalid array', 'items');
  if (items.length > 1) throw invalid('The Strata sandbox supports one item per subscription.', 'items');
  const item = items[0]!;
  if (typeof item !== 'object' || Array.isArray(item)) throw invalid('Invalid hash', 'items[0]');
  onlyParams(item, ['price', 'quantity', 'metadata']);
  const priceId = typeof item.price === 'string' ? item.price : undefined;
  if (!priceId) throw invalid('Missing required param: items[0][price].', 'items[0][price]', 'parameter_missing');
  const price = account.prices.get(priceId);
  if (!price) throw noSuch('price', priceId, 'items[0][price]', 400);
  const quantity = int(item.quantity, 'items[0][quantity]') ?? 1;
  if (quantity < 0) throw invalid('This value must be greater than or equal to 0.', 'items[0][quantity]');
  const requestedCurrency = str(params, 'currency')?.toLowerCase();
  if (requestedCurrency !== undefined && !/^[a-z]{3}$/.test(requestedCurrency)) throw invalid(`Invalid currency: ${requestedCurrency.slice(0, 10)}`, 'currency');
  if (customer.currency && requestedCurrency && requestedCurrency !== customer.currency) {
    throw invalid(`You cannot combine currencies on a single customer. This customer has had a subscription or payment in ${customer.currency}, but you are trying to pay in ${requestedCurrency}.`, 'currency');
  }
  const currency = customer.currency ?? requestedCurrency ?? price.currency;
  const unitAmount = price.amounts[currency];
  if (unitAmount === undefined) throw invalid(`The price specified (${price.id}) does not support currency ${currency}.`, 'items[0][price]');
  const metadata = metadataOf(params) ?? {};
  const now = seconds(clock.now());
  const trialEnd = params.trial_end === 'now' ? undefined : int(params.trial_end, 'trial_end');
  if (trialEnd !== undefined && trialEnd <= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  const backdate = int(params.backdate_start_date, 'backdate_start_date');
  if (backdate !== undefined && backdate >= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the past.', 'backdate_start_date');
  const collectionMethod = str(params, 'collection_method') ?? 'charge_automatically';
  if (collectionMethod !== 'charge_automatically' && collectionMethod !== 'send_invoice') throw invalid('Invalid collection_method', 'collection_method');
  const daysUntilDue = int(params.days_until_due, 'days_until_due');
  if (collectionMethod === 'send_invoice' && daysUntilDue === undefined) throw invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');

  const anchor = trialEnd ?? now;
  const step = (a: number, n: number) => addIntervals(a, price.interval, price.intervalCount, n);
  const subscription: SandboxSubscription = {
    id: randomId('sub'),
    customer: customer.id,
    status: trialEnd !== undefined ? 'trialing' : 'active',
    item: { id: randomId('si'), price: price.id, quantity, created: now },
    currency,
    created: now,
    startDate: backdate ?? now,
    billingCycleAnchor: anchor,
    currentPeriodStart: now,
    currentPeriodEnd: trialEnd ?? seconds(step(now * 1000, 1)),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialStart: trialEnd !== undefined ? now : null,
    trialEnd: trialEnd ?? null,
    collectionMethod,
    daysUntilDue: collectionMethod === 'send_invoice' ? daysUntilDue! : null,
    metadata,
    latestInvoice: null,
  };
  account.subscriptions.set(subscription.id, subscription);
  state.searchableAt.set(subscription.id, clock.now() + searchLagMs);
  customer.currency ??= currency;
  if (subscription.status === 'active') {
    addInvoice(account, customer, subscription, {
      created: now,
      periodStart: subscription.currentPeriodStart,
      periodEnd: subscription.currentPeriodEnd,
      unitAmount,
      paid: true,
      attemptCount: 1,
      nextPaymentAttempt: null,
    });
  }
  return subscription;
};
