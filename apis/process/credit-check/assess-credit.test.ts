import { describe, expect, it } from 'vitest';
import type { CreditProfile } from '../../system/erp/contract.js';
import { assessCredit } from './assess-credit.js';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const profile = (overrides: Partial<CreditProfile> = {}): CreditProfile => ({
  customerId: '8812',
  creditLimit: eur(50_000_00),
  openReceivables: eur(10_000_00),
  overdueReceivables: eur(0),
  unbilledOrders: eur(5_000_00),
  daysOverdue: 0,
  onCreditHold: false,
  asOf: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

describe('assessCredit', () => {
  it('when the order fits in the available credit and nothing is overdue, approves with no reasons', () => {
    const a = assessCredit(profile(), eur(35_000_00));
    expect(a).toEqual({ decision: 'approve', reasons: [], availableCredit: eur(35_000_00) });
  });

  it('when the account is on credit hold, declines with reason credit_hold', () => {
    const a = assessCredit(profile({ onCreditHold: true }), eur(1_00));
    expect(a.decision).toBe('decline');
    expect(a.reasons.map((r) => r.code)).toEqual(['credit_hold']);
  });

  it('when a balance is overdue less than 30 days, sends the order to review', () => {
    const a = assessCredit(profile({ overdueReceivables: eur(1_000_00), daysOverdue: 12 }), eur(1_00));
    expect(a.decision).toBe('review');
    expect(a.reasons[0]?.code).toBe('overdue_balance');
  });

  it('when a balance is overdue 30 days or more, declines', () => {
    expect(assessCredit(profile({ overdueReceivables: eur(1_000_00), daysOverdue: 30 }), eur(1_00)).decision).toBe('decline');
  });

  it('when the order exceeds the available credit by at most 10 % of the limit, reviews; beyond, declines', () => {
    expect(assessCredit(profile(), eur(40_000_00)).decision).toBe('review');
    expect(assessCredit(profile(), eur(40_000_01)).decision).toBe('decline');
    expect(assessCredit(profile(), eur(40_000_00)).reasons.map((r) => r.code)).toEqual(['over_limit']);
  });

  it('when the customer has no credit line, declines with reason no_credit_line', () => {
    const a = assessCredit(profile({ creditLimit: eur(0), openReceivables: eur(0), unbilledOrders: eur(0) }), eur(1_00));
    expect(a.reasons.map((r) => r.code)).toEqual(['no_credit_line']);
    expect(a.availableCredit).toEqual(eur(0));
  });

  it('when the order is in another currency, reviews instead of comparing amounts across currencies', () => {
    const a = assessCredit(profile(), { amountMinor: 1_00, currency: 'USD' });
    expect(a.decision).toBe('review');
    expect(a.reasons.map((r) => r.code)).toEqual(['currency_mismatch']);
  });

  it('reports every rule that fires, and the strictest decides', () => {
    const a = assessCredit(profile({ onCreditHold: true, overdueReceivables: eur(1_00), daysOverdue: 3 }), eur(45_000_00));
    expect(a.reasons.map((r) => r.code)).toEqual(['credit_hold', 'overdue_balance', 'over_limit']);
    expect(a.decision).toBe('decline');
  });

  it('never reports negative available credit', () => {
    expect(assessCredit(profile({ openReceivables: eur(60_000_00) }), eur(1_00)).availableCredit).toEqual(eur(0));
  });
});
