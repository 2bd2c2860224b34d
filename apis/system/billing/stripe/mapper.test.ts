import { describe, expect, it } from 'vitest';
import type { ParsedStripeInvoice, ParsedStripePrice, ParsedStripeSubscription } from '../../../../openapi/vendors/stripe/schemas.js';
import { currentTermOf, monthlyRecurringMinor, termEndsWithPeriod, toBillingCustomer, toBillingInvoice, toPaymentStatus, toSubscription, toSubscriptionStatus } from './mapper.js';
import { addMonths, cycleContaining } from './periods.js';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = Date.parse('2026-11-20T12:00:00Z');

const price = (overrides: Partial<ParsedStripePrice> = {}): ParsedStripePrice => ({
  id: 'strata-pro-monthly',
  object: 'price',
  currency: 'gbp',
  billing_scheme: 'per_unit',
  unit_amount: 3000,
  unit_amount_decimal: '3000',
  recurring: { interval: 'month', interval_count: 1 },
  ...overrides,
});

const subscription = (overrides: Partial<ParsedStripeSubscription> = {}, item: { quantity?: number; price?: ParsedStripePrice } = {}): ParsedStripeSubscription => ({
  id: 'sub_Test000000001',
  object: 'subscription',
  customer: 'cus_Test000000001',
  status: 'active',
  currency: 'gbp',
  created: at('2026-01-10T09:00:00Z'),
  start_date: at('2026-01-10T09:00:00Z'),
  current_period_start: at('2026-11-10T09:00:00Z'),
  current_period_end: at('2026-12-10T09:00:00Z'),
  cancel_at_period_end: false,
  cancel_at: null,
  canceled_at: null,
  ended_at: null,
  trial_end: null,
  pause_collection: null,
  metadata: { term_months: '12' },
  items: { object: 'list', has_more: false, data: [{ id: 'si_Test0000001', object: 'subscription_item', quantity: item.quantity ?? 10, price: item.price ?? price() }] },
  ...overrides,
});

describe('Stripe → canonical mapping', () => {
  describe('subscription status', () => {
    it.each([
      ['trialing', {}, 'trialing'],
      ['trialing', { metadata: { start_on: '2026-12-01' }, trial_end: at('2026-12-01T00:00:00Z') }, 'future'],
      ['trialing', { metadata: { start_on: '2026-11-01' }, trial_end: at('2026-11-01T00:00:00Z') }, 'trialing'],
      ['active', {}, 'active'],
      ['active', { pause_collection: { behavior: 'void' as const } }, 'paused'],
      ['past_due', {}, 'past_due'],
      ['unpaid', {}, 'past_due'],
      ['incomplete', {}, 'past_due'],
      ['paused', {}, 'paused'],
      ['canceled', {}, 'cancelled'],
      ['incomplete_expired', {}, 'cancelled'],
    ] as const)('%s %j → %s', (status, extra, expected) => {
      expect(toSubscriptionStatus({ status, metadata: {}, trial_end: null, pause_collection: null, ...extra }, NOW)).toBe(expected);
    });
  });

  describe('MRR', () => {
    it.each([
      ['monthly', { interval: 'month' as const, interval_count: 1 }, 3000, 10, 30_000],
      ['quarterly (every 3 months)', { interval: 'month' as const, interval_count: 3 }, 9000, 10, 30_000],
      ['yearly', { interval: 'year' as const, interval_count: 1 }, 36_000, 10, 30_000],
      ['weekly', { interval: 'week' as const, interval_count: 1 }, 700, 1, 3033], // 700 × 52 / 12
      ['daily', { interval: 'day' as const, interval_count: 1 }, 100, 1, 3042], // 100 × 365 / 12
    ])('%s: unit amount × quantity, normalised to a month', (_name, recurring, unitAmount, quantity, expected) => {
      expect(monthlyRecurringMinor(subscription({}, { quantity, price: price({ recurring, unit_amount: unitAmount }) }))).toBe(expected);
    });

    it("uses the currency option when the subscription is not in the price's own currency, and is undefined when that option was not expanded", () => {
      const multi = price({ currency: 'eur', unit_amount: 4000, currency_options: { eur: { unit_amount: 4000 }, usd: { unit_amount: 3500 } } });
      expect(monthlyRecurringMinor(subscription({ currency: 'usd' }, { quantity: 2, price: multi }))).toBe(7000);
      expect(monthlyRecurringMinor(subscription({ currency: 'usd' }, { price: price({ currency: 'eur' }) }))).toBeUndefined();
    });

    it('reads unit_amount_decimal when there is no integer amount, and is undefined for a tiered price', () => {
      expect(monthlyRecurringMinor(subscription({}, { quantity: 3, price: price({ unit_amount: null, unit_amount_decimal: '33.5' }) }))).toBe(101);
      expect(monthlyRecurringMinor(subscription({}, { price: price({ billing_scheme: 'tiered', unit_amount: null, unit_amount_decimal: null }) }))).toBeUndefined();
      expect(toSubscription(subscription({}, { price: price({ billing_scheme: 'tiered', unit_amount: null, unit_amount_decimal: null }) }), NOW)).toBeUndefined();
    });
  });

  describe('committed term', () => {
    it('counts terms of term_months from the start, and takes the one holding the current billing period', () => {
      const sub = subscription({ start_date: at('2024-03-15T09:00:00Z'), current_period_start: at('2026-11-15T09:00:00Z'), current_period_end: at('2026-12-15T09:00:00Z') });
      const term = currentTermOf(sub);
      expect(new Date(term.startMs).toISOString()).toBe('2026-03-15T09:00:00.000Z');
      expect(new Date(term.endMs).toISOString()).toBe('2027-03-15T09:00:00.000Z');
      expect(termEndsWithPeriod(sub)).toBe(false);
    });

    it('without term_months (made outside Strata), is the current billing period', () => {
      const sub = subscription({ metadata: {} });
      expect(currentTermOf(sub)).toEqual({ startMs: sub.current_period_start * 1000, endMs: sub.current_period_end * 1000 });
      expect(termEndsWithPeriod(sub)).toBe(true);
    });

    it('for a subscription that starts later, starts on start_on', () => {
      const sub = subscription({ status: 'trialing', metadata: { term_months: '12', start_on: '2026-12-01' }, trial_end: at('2026-12-01T00:00:00Z'), current_period_start: at('2026-11-20T10:00:00Z') });
      expect(toSubscription(sub, NOW)).toMatchObject({ status: 'future', currentTerm: { start: '2026-12-01', end: '2027-12-01' }, renewsOn: '2027-12-01' });
    });

    it('steps months from the anchor, clamping to shorter months without drifting (Jan 31 → Feb 28 → Mar 31)', () => {
      const jan31 = Date.parse('2026-01-31T09:00:00Z');
      expect(new Date(addMonths(jan31, 1)).toISOString()).toBe('2026-02-28T09:00:00.000Z');
      expect(new Date(addMonths(jan31, 2)).toISOString()).toBe('2026-03-31T09:00:00.000Z');
      expect(new Date(addMonths(Date.parse('2024-02-29T00:00:00Z'), 12)).toISOString()).toBe('2025-02-28T00:00:00.000Z');
      const cycle = cycleContaining(jan31, Date.parse('2026-03-01T00:00:00Z'), (a, n) => addMonths(a, n));
      expect(cycle).toEqual({ index: 1, start: Date.parse('2026-02-28T09:00:00Z'), end: Date.parse('2026-03-31T09:00:00Z') });
    });
  });

  describe('subscription', () => {
    it('maps plan, quantity, currency, renewal and creation; cancel at term end (cancel_at or cancel_at_period_end) drops the renewal', () => {
      expect(toSubscription(subscription(), NOW)).toEqual({
        id: 'sub_Test000000001',
        customerId: 'cus_Test000000001',
        status: 'active',
        planId: 'strata-pro-monthly',
        quantity: 10,
        currency: 'GBP',
        currentTerm: { start: '2026-01-10', end: '2027-01-10' },
        renewsOn: '2027-01-10',
        cancelAtTermEnd: false,
        mrr: { amountMinor: 30_000, currency: 'GBP' },
        createdAt: '2026-01-10T09:00:00.000Z',
      });
      const ending = toSubscription(subscription({ cancel_at: at('2027-01-10T09:00:00Z') }), NOW);
      expect(ending).toMatchObject({ cancelAtTermEnd: true });
      expect(ending).not.toHaveProperty('renewsOn');
      expect(toSubscription(subscription({ cancel_at_period_end: true }), NOW)).toMatchObject({ cancelAtTermEnd: true });
      const cancelled = toSubscription(subscription({ status: 'canceled', cancel_at_period_end: true }), NOW);
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelAtTermEnd: false });
      expect(cancelled).not.toHaveProperty('renewsOn');
      expect(toSubscription(subscription({ customer: { id: 'cus_Expanded0001' } }), NOW)?.customerId).toBe('cus_Expanded0001');
    });
  });

  describe('customer', () => {
    it("takes Stripe's currency once billed, else the requested one from metadata; empty fields are absent", () => {
      const base = { id: 'cus_Test000000001', object: 'customer' as const, created: at('2026-01-01T00:00:00Z'), livemode: false };
      expect(toBillingCustomer({ ...base, name: 'A', email: null, currency: 'eur', metadata: { external_ref: 'r1', preferred_currency: 'GBP' } })).toEqual({
        id: 'cus_Test000000001',
        name: 'A',
        currency: 'EUR',
        externalRef: 'r1',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      expect(toBillingCustomer({ ...base, name: null, email: '', currency: null, metadata: { preferred_currency: 'GBP' } })).toEqual({
        id: 'cus_Test000000001',
        name: '',
        currency: 'GBP',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    });
  });

  describe('invoice', () => {
    const invoice = (overrides: Partial<ParsedStripeInvoice> = {}): ParsedStripeInvoice => ({
      id: 'in_1Test0000000000000001',
      object: 'invoice',
      number: 'ABCD1234-0007',
      customer: 'cus_Test000000001',
      subscription: 'sub_Test000000001',
      status: 'open',
      collection_method: 'charge_automatically',
      currency: 'eur',
      created: at('2026-11-01T08:00:00Z'),
      due_date: null,
      status_transitions: { finalized_at: at('2026-11-02T08:00:00Z') },
      total: 5000,
      amount_due: 5000,
      amount_paid: 0,
      amount_remaining: 5000,
      attempted: false,
      attempt_count: 0,
      paid: false,
      ...overrides,
    });

    it.each([
      ['draft', {}, 'not_applicable'],
      ['void', {}, 'not_applicable'],
      ['paid', { amount_paid: 5000, amount_remaining: 0 }, 'paid'],
      ['open', {}, 'unpaid'],
      ['open', { amount_paid: 2000, amount_remaining: 3000 }, 'partially_paid'],
      ['open', { attempted: true, attempt_count: 2 }, 'payment_failed'],
      ['open', { attempted: true, attempt_count: 1, collection_method: 'send_invoice' as const }, 'unpaid'],
      ['uncollectible', { attempted: true, attempt_count: 4 }, 'payment_failed'],
    ] as const)('%s %j → %s', (status, extra, expected) => {
      expect(toPaymentStatus(invoice({ status, ...extra }))).toBe(expected);
    });

    it('maps amounts (what is still owed as amountDue), issue and due days, number and subscription', () => {
      expect(toBillingInvoice(invoice({ due_date: at('2026-12-02T08:00:00Z'), amount_paid: 2000, amount_remaining: 3000 }))).toEqual({
        id: 'in_1Test0000000000000001',
        number: 'ABCD1234-0007',
        subscriptionId: 'sub_Test000000001',
        issuedOn: '2026-11-02',
        dueOn: '2026-12-02',
        total: { amountMinor: 5000, currency: 'EUR' },
        amountPaid: { amountMinor: 2000, currency: 'EUR' },
        amountDue: { amountMinor: 3000, currency: 'EUR' },
        status: 'open',
        paymentStatus: 'partially_paid',
      });
      const draft = toBillingInvoice(invoice({ status: null, number: null, subscription: null, status_transitions: { finalized_at: null } }));
      expect(draft).toMatchObject({ status: 'draft', issuedOn: '2026-11-01', paymentStatus: 'not_applicable' });
      expect(draft).not.toHaveProperty('number');
      expect(draft).not.toHaveProperty('subscriptionId');
    });
  });
});
