import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountSummarySchema } from '../../apis/experience/crm-widgets/account-summary.js';
import { CreditCheckSchema } from '../../apis/process/credit-check/schemas.js';
import { SEED_COMPANIES, UNLINKED_SALESFORCE_ACCOUNT, seedLedger } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, expectProblem, strataType, type TestApp } from '../harness/test-app.js';

/**
 * The process and experience layers through the whole gateway, over the seeded sandbox companies:
 * credit decisions and their reasons, ERP protection (coalescing, cache), the CRM account card with
 * masking by scope, and explicit partial failure.
 */
const CREDIT_CHECKS = '/process/v1/credit-checks';
const ACCOUNT = {
  globex: '001Dn00000GlbxAIAR',
  initech: '001Dn00000InitAIAR',
  umbrella: '001Dn00000UmbrAIAR',
  stark: '001Dn00000StrkAIAR',
  wayne: '001Dn00000WaynAIAR',
  hooli: UNLINKED_SALESFORCE_ACCOUNT.id,
} as const;
const summaryPath = (crmAccountId: string) => `/experience/v1/crm-widgets/accounts/${crmAccountId}/summary`;
const recordPath = (netsuiteId: string) => `/services/rest/record/v1/customer/${netsuiteId}`;
const seed = (netsuiteId: string) => SEED_COMPANIES.find((s) => s.netsuiteCustomerId === netsuiteId)!;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
afterEach(() => t.clearFaults());

const creditCheck = (app: TestApp, crmAccountId: string, amountMinor: number, currency: string) =>
  app.post(CREDIT_CHECKS, 'credit:check', { crmAccountId, orderAmount: { amountMinor, currency } });

const decisionOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return CreditCheckSchema.parse(await res.json());
};

describe('POST /process/v1/credit-checks', () => {
  it('when Globex (healthy) orders 1 000 EUR, approves with no reasons', async () => {
    const check = await decisionOf(await creditCheck(t, ACCOUNT.globex, 1_000_00, 'EUR'));
    expect(check).toMatchObject({ decision: 'approve', reasons: [], erpCustomerId: '8812', creditLimit: { amountMinor: 50_000_00, currency: 'EUR' } });
  });

  it('when Umbrella is on credit hold, declines with reason credit_hold', async () => {
    const check = await decisionOf(await creditCheck(t, ACCOUNT.umbrella, 1_000_00, 'EUR'));
    expect(check.decision).toBe('decline');
    expect(check.reasons).toContainEqual(expect.objectContaining({ code: 'credit_hold', decision: 'decline' }));
  });

  it('when Initech has an overdue balance, declines or reviews with reason overdue_balance', async () => {
    const check = await decisionOf(await creditCheck(t, ACCOUNT.initech, 100_00, 'GBP'));
    expect(['decline', 'review']).toContain(check.decision);
    expect(check.reasons.map((r) => r.code)).toContain('overdue_balance');
    expect(check.overdueReceivables.amountMinor).toBeGreaterThan(0);
  });

  it('when Wayne (near its limit) orders far more than its available credit, declines with reason over_limit', async () => {
    const check = await decisionOf(await creditCheck(t, ACCOUNT.wayne, 50_000_00, 'EUR'));
    expect(check.decision).toBe('decline');
    expect(check.reasons).toContainEqual(expect.objectContaining({ code: 'over_limit', decision: 'decline' }));
  });

  it('when the order is in USD for a EUR customer, sends it to review with reason currency_mismatch', async () => {
    const check = await decisionOf(await creditCheck(t, ACCOUNT.globex, 1_000_00, 'USD'));
    expect(check.decision).toBe('review');
    expect(check.reasons).toEqual([expect.objectContaining({ code: 'currency_mismatch', decision: 'review' })]);
  });

  it('when the CRM account (Hooli) is not linked to an ERP customer, answers 404 xref.not_linked without an ERP call', async () => {
    const before = await t.vendorCalls('netsuite');
    await expectProblem(await creditCheck(t, ACCOUNT.hooli, 100_00, 'USD'), 404, 'xref.not_linked', strataType('not-found'));
    expect(await t.vendorCalls('netsuite')).toBe(before);
  });

  it('when 20 identical checks arrive at once, the ERP is asked once; a repeat within 30 s asks it nothing', async () => {
    const fresh = await createTestApp();
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => creditCheck(fresh, ACCOUNT.stark, 1_000_00, 'USD')));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect((await fresh.vendorCallsByPath('netsuite'))[recordPath('8815')]).toBe(1);

      const again = await decisionOf(await creditCheck(fresh, ACCOUNT.stark, 2_000_00, 'USD'));
      expect(again.decision).toBe('approve');
      expect((await fresh.vendorCallsByPath('netsuite'))[recordPath('8815')]).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('GET /experience/v1/crm-widgets/accounts/{id}/summary', () => {
  const globexContact = seed('8812').primaryContact;

  it('when both systems answer, returns the full card for Globex', async () => {
    const res = await t.get(summaryPath(ACCOUNT.globex), 'accounts:read');
    expect(res.status).toBe(200);
    const card = AccountSummarySchema.parse(await res.json());
    expect(card).toMatchObject({
      crmAccountId: ACCOUNT.globex,
      name: 'Globex GmbH',
      partial: false,
      sources: [
        { source: 'crm', status: 'ok' },
        { source: 'erp', status: 'ok' },
      ],
      credit: { creditLimit: { amountMinor: 50_000_00, currency: 'EUR' }, openReceivables: { amountMinor: seedLedger(seed('8812'), Date.now()).balanceMinor, currency: 'EUR' } },
      invoices: { openCount: seed('8812').openInvoices.length },
    });
    expect(card.primaryContact?.title).toBe(globexContact.title);
  });

  it('when the caller lacks pii:read, masks the contact name, email and phone: no raw seeded value anywhere in the body', async () => {
    const res = await t.get(summaryPath(ACCOUNT.globex), 'accounts:read');
    expect(res.status).toBe(200);
    const text = await res.text();
    const contact = AccountSummarySchema.parse(JSON.parse(text)).primaryContact!;
    expect(contact.email).toMatch(/^h•+@globex\.example$/);
    expect(contact.phone).toMatch(/^[•\s]+11$/);
    expect(contact.name).toBe('H. B.');
    for (const raw of [globexContact.email, globexContact.phone, globexContact.phone.replace(/\D/g, ''), globexContact.firstName, globexContact.lastName]) {
      expect(text).not.toContain(raw);
    }
  });

  it('when the caller holds pii:read, reveals the contact', async () => {
    const res = await t.get(summaryPath(ACCOUNT.globex), 'accounts:read pii:read');
    expect(res.status).toBe(200);
    expect(AccountSummarySchema.parse(await res.json()).primaryContact).toMatchObject({
      name: `${globexContact.firstName} ${globexContact.lastName}`,
      email: globexContact.email,
      phone: globexContact.phone,
    });
  });

  it('when the account is not linked to the ERP (Hooli), answers 200 with erp not_linked and no ERP part or call', async () => {
    const before = await t.vendorCalls('netsuite');
    const res = await t.get(summaryPath(ACCOUNT.hooli), 'accounts:read');
    expect(res.status).toBe(200);
    const card = AccountSummarySchema.parse(await res.json());
    expect(card).toMatchObject({ name: UNLINKED_SALESFORCE_ACCOUNT.name, partial: false, sources: [{ source: 'crm', status: 'ok' }, { source: 'erp', status: 'not_linked' }] });
    expect(card.credit).toBeUndefined();
    expect(card.invoices).toBeUndefined();
    expect(await t.vendorCalls('netsuite')).toBe(before);
  });

  it('when the id is well-formed but unknown everywhere, answers 404', async () => {
    await expectProblem(await t.get(summaryPath('001Dn00000ZZZZZAAA'), 'accounts:read'), 404, 'crm.account_not_found', strataType('not-found'));
  });

  // Fresh apps below: a failing vendor trips its circuit breaker, which must not leak into other tests.
  it('when the CRM fails, answers 200 partial with crm unavailable and the ERP part present', async () => {
    const fresh = await createTestApp();
    try {
      await fresh.fault('salesforce', { fault: 'error500', pathPattern: '/sobjects/Account/' });
      const res = await fresh.get(summaryPath(ACCOUNT.wayne), 'accounts:read');
      expect(res.status).toBe(200);
      const card = AccountSummarySchema.parse(await res.json());
      expect(card.partial).toBe(true);
      expect(card.sources).toEqual([
        { source: 'crm', status: 'unavailable', code: 'vendor.error' },
        { source: 'erp', status: 'ok' },
      ]);
      expect(card.name).toBeUndefined();
      expect(card.credit).toMatchObject({ creditLimit: { amountMinor: 75_000_00, currency: 'EUR' } });
      expect(card.invoices?.openCount).toBe(seed('8816').openInvoices.length);
    } finally {
      await fresh.close();
    }
  });

  it('when both the CRM and the ERP fail, answers 502 upstream-error', async () => {
    const fresh = await createTestApp();
    try {
      await fresh.fault('salesforce', { fault: 'error500', pathPattern: '/sobjects/Account/' });
      await fresh.fault('netsuite', { fault: 'error500', pathPattern: '/record/' });
      const { text } = await expectProblem(await fresh.get(summaryPath(ACCOUNT.wayne), 'accounts:read'), 502, 'vendor.error', strataType('upstream-error'));
      expect(text).not.toMatch(/UNKNOWN_EXCEPTION|UNEXPECTED_ERROR|ErrorId|Error ID/);
    } finally {
      await fresh.close();
    }
  });
});
