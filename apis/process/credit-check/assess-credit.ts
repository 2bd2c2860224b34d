import type { Money } from '../../../shared/canonical/money.js';
import type { CreditProfile } from '../../system/erp/contract.js';

export type CreditDecision = 'approve' | 'review' | 'decline';
export type CreditReasonCode = 'credit_hold' | 'overdue_balance' | 'over_limit' | 'no_credit_line' | 'currency_mismatch';

export interface CreditReason {
  readonly code: CreditReasonCode;
  readonly decision: CreditDecision;
  readonly message: string;
}

export interface CreditAssessment {
  readonly decision: CreditDecision;
  readonly reasons: readonly CreditReason[];
  readonly availableCredit: Money;
}

/** Overdue this many days or more declines; fewer sends the order to a credit controller. */
export const OVERDUE_DECLINE_DAYS = 30;
/** An order exceeding available credit by at most this share of the limit is reviewed, beyond it declined. */
export const OVER_LIMIT_REVIEW_SHARE = 0.1;

const rank: Record<CreditDecision, number> = { approve: 0, review: 1, decline: 2 };

/**
 * The credit policy, as a pure function of the ERP's credit profile and the order amount. Every rule
 * that fires is reported (the CRM shows all of them), and the strictest decides.
 * Available credit = limit − open receivables − unbilled orders (never below zero).
 */
export const assessCredit = (profile: CreditProfile, order: Money): CreditAssessment => {
  const currency = profile.creditLimit.currency;
  const available = Math.max(0, profile.creditLimit.amountMinor - profile.openReceivables.amountMinor - profile.unbilledOrders.amountMinor);
  const reasons: CreditReason[] = [];

  if (profile.onCreditHold) reasons.push({ code: 'credit_hold', decision: 'decline', message: 'The customer is on credit hold in the ERP.' });

  if (profile.overdueReceivables.amountMinor > 0) {
    const decline = profile.daysOverdue >= OVERDUE_DECLINE_DAYS;
    reasons.push({
      code: 'overdue_balance',
      decision: decline ? 'decline' : 'review',
      message: `The customer has an overdue balance, ${profile.daysOverdue} days past due.`,
    });
  }

  if (order.currency !== currency) {
    // Without an agreed FX rate the amount cannot be compared with the limit: a person decides.
    reasons.push({ code: 'currency_mismatch', decision: 'review', message: `The order currency differs from the customer's credit currency (${currency}).` });
  } else if (profile.creditLimit.amountMinor === 0) {
    reasons.push({ code: 'no_credit_line', decision: 'decline', message: 'The customer has no credit line.' });
  } else if (order.amountMinor > available) {
    const excess = order.amountMinor - available;
    const decline = excess > profile.creditLimit.amountMinor * OVER_LIMIT_REVIEW_SHARE;
    reasons.push({ code: 'over_limit', decision: decline ? 'decline' : 'review', message: 'The order exceeds the available credit.' });
  }

  const decision = reasons.reduce<CreditDecision>((worst, r) => (rank[r.decision] > rank[worst] ? r.decision : worst), 'approve');
  return { decision, reasons, availableCredit: { amountMinor: available, currency } };
};
