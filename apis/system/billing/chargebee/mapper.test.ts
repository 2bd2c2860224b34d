import { describe, expect, it } from 'vitest';
import type { ChargebeeInvoiceRead, ChargebeeSubscriptionRead } from '../../../../openapi/vendors/chargebee/schemas.js';
import { billingCyclesFor, monthsBetween, toBillingCustomer, toBillingInvoice, toCanonicalStatus, toSubscription } from './mapper.js';

const at = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const sub = (over: Partial<ChargebeeSubscriptionRead> = {}): ChargebeeSubscriptionRead => ({
  id: 'sub_1',
  customer_id: 'cus_1',
  currency_code: 'EUR',
  status: 'active',
  subscription_items: [{ item_price_id: 'pro-monthly', item_type: 'plan', quantity: 10, unit_price: 30_00, amount: 300_00 }],
  current_term_start: at('2026-11-01'),
  current_term_end: at('2026-12-01'),
  created_at: at('2026-01-01'),
  ...over,
});
const contract = { status: 'active' as const, contract_start: at('2026-01-01'), contract_end: at('2027-01-01'), action_at_term_end: 'renew' as const };

describe('toCanonicalStatus', () => {
  it.each([
    ['future', 0, 'future'],
    ['in_trial', 0, 'trialing'],
    ['active', 0, 'active'],
    ['active', 2, 'past_due'],
    ['non_renewing', 0, 'active'],
    ['non_renewing', 1, 'past_due'],
    ['paused', 0, 'paused'],
    ['cancelled', 3, 'cancelled'],
  ] as const)('%s with %i due invoices → %s', (status, dues, expected) => {
    expect(toCanonicalStatus({ status, due_invoices_count: dues })).toBe(expected);
  });
});

describe('toSubscription', () => {
  it('uses the contract term as the current term and renews at its end', () => {
    expect(toSubscription(sub({ contract_term: contract, mrr: 300_00 }))).toMatchObject({
      currentTerm: { start: '2026-01-01', end: '2027-01-01' },
      renewsOn: '2027-01-01',
      cancelAtTermEnd: false,
      planId: 'pro-monthly',
      quantity: 10,
      mrr: { amountMinor: 300_00, currency: 'EUR' },
    });
  });

  it('without a contract term, the billing term; without mrr, the items over the billing term in months', () => {
    const yearly = sub({ current_term_start: at('2026-03-01'), current_term_end: at('2027-03-01'), subscription_items: [{ item_price_id: 'ent-annual', item_type: 'plan', quantity: 2, unit_price: 1200_00 }, { item_price_id: 'setup', item_type: 'charge', amount: 999_00 }] });
    expect(toSubscription(yearly)).toMatchObject({ currentTerm: { start: '2026-03-01', end: '2027-03-01' }, renewsOn: '2027-03-01', mrr: { amountMinor: 200_00 } });
  });

  it('non_renewing, or a contract that cancels at its end: cancelAtTermEnd and no renewsOn', () => {
    const scheduled = toSubscription(sub({ status: 'non_renewing', contract_term: contract }));
    expect(scheduled).toMatchObject({ status: 'active', cancelAtTermEnd: true });
    expect(scheduled.renewsOn).toBeUndefined();
    expect(toSubscription(sub({ contract_term: { ...contract, action_at_term_end: 'cancel' } })).cancelAtTermEnd).toBe(true);
  });

  it('cancelled: MRR 0, nothing pending, no renewal; paused: no renewal', () => {
    const cancelled = toSubscription(sub({ status: 'cancelled', mrr: 0, cancelled_at: at('2026-11-15') }));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelAtTermEnd: false, mrr: { amountMinor: 0 } });
    expect(cancelled.renewsOn).toBeUndefined();
    expect(toSubscription(sub({ status: 'paused' })).renewsOn).toBeUndefined();
  });

  it('a future subscription without terms starts on start_date; a record without any term leaves currentTerm undefined', () => {
    const future = sub({ status: 'future', current_term_start: undefined, current_term_end: undefined, start_date: at('2027-02-01'), next_billing_at: at('2027-02-01') });
    expect(toSubscription(future).currentTerm).toEqual({ start: '2027-02-01', end: '2027-02-01' });
    expect(toSubscription(sub({ current_term_start: undefined, current_term_end: undefined })).currentTerm).toBeUndefined();
  });
});

describe('billing cycles and months', () => {
  it.each([
    [12, 'month', 1, 12],
    [12, 'year', 1, 1],
    [36, 'year', 1, 3],
    [24, 'month', 3, 8],
    [1, 'year', 1, undefined],
    [12, 'week', 1, undefined],
  ] as const)('%i months of a %s×%i price → %s cycles', (term, unit, period, expected) => {
    expect(billingCyclesFor(term, { period_unit: unit, period })).toBe(expected);
  });

  it('counts calendar months between unix times', () => {
    expect(monthsBetween(at('2026-01-31'), at('2026-02-28'))).toBe(1);
    expect(monthsBetween(at('2026-03-01'), at('2027-03-01'))).toBe(12);
  });
});

describe('toBillingInvoice', () => {
  const inv = (over: Partial<ChargebeeInvoiceRead>): ChargebeeInvoiceRead => ({ id: 'CB-1', customer_id: 'c', status: 'paid', currency_code: 'GBP', sub_total: 100_00, tax: 20_00, date: at('2026-10-01'), ...over });
  it.each([
    [{ status: 'paid', amount_paid: 120_00, amount_due: 0 }, 'paid', 'paid'],
    [{ status: 'posted', amount_paid: 0, amount_due: 120_00 }, 'open', 'unpaid'],
    [{ status: 'payment_due', amount_paid: 20_00, amount_due: 100_00 }, 'open', 'partially_paid'],
    [{ status: 'payment_due', dunning_status: 'in_progress' }, 'open', 'payment_failed'],
    [{ status: 'not_paid' }, 'open', 'payment_failed'],
    [{ status: 'voided' }, 'void', 'not_applicable'],
    [{ status: 'pending' }, 'draft', 'not_applicable'],
  ] as const)('%j → %s / %s', (over, status, paymentStatus) => {
    expect(toBillingInvoice(inv(over))).toMatchObject({ status, paymentStatus });
  });

  it('totals default to sub_total + tax; what is due to the unpaid rest; dates are UTC days', () => {
    expect(toBillingInvoice(inv({ status: 'posted', due_date: at('2026-10-31') }))).toMatchObject({
      number: 'CB-1',
      issuedOn: '2026-10-01',
      dueOn: '2026-10-31',
      total: { amountMinor: 120_00, currency: 'GBP' },
      amountPaid: { amountMinor: 0 },
      amountDue: { amountMinor: 120_00 },
    });
  });
});

describe('toBillingCustomer', () => {
  it('names the customer by company, else by person, else by id', () => {
    const base = { id: 'c1', created_at: at('2026-01-01') };
    expect(toBillingCustomer({ ...base, company: 'Acme SE', first_name: 'A' }).name).toBe('Acme SE');
    expect(toBillingCustomer({ ...base, first_name: 'Ada', last_name: 'Lovelace' }).name).toBe('Ada Lovelace');
    expect(toBillingCustomer(base)).toEqual({ id: 'c1', name: 'c1', createdAt: '2026-01-01T00:00:00.000Z' });
  });
});
