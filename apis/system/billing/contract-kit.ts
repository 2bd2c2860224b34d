/**
 * The billing contract's behavioural suite: every billing adapter runs it against its own sandbox, so
 * "swap the vendor" is proven, not claimed. It speaks only the contract and the seeded companies.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COMPANIES, type SeedCompany } from '../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { BillingCustomerSchema, BillingInvoiceSchema, SubscriptionSchema, type BillingPort } from './contract.js';

export interface BillingKitFixture {
  readonly port: BillingPort;
  /** The company's customer id in this billing platform. */
  idOf(company: SeedCompany): string;
  /** Well-formed ids this platform does not have. */
  readonly unknownCustomerId: string;
  readonly unknownSubscriptionId: string;
  close(): Promise<void>;
}

const company = (name: string) => SEED_COMPANIES.find((c) => c.legalName.startsWith(name))!;
const GLOBEX = company('Globex');
const INITECH = company('Initech');

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const today = () => new Date().toISOString().slice(0, 10);

export const describeBillingContract = (vendorName: string, setup: () => Promise<BillingKitFixture>) =>
  describe(`billing contract kit — ${vendorName}`, () => {
    let f: BillingKitFixture;
    const ctx = () => testCallContext();
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(() => f?.close());

    it('reads a seeded customer in the canonical shape', async () => {
      const customer = value(await f.port.getCustomer(f.idOf(GLOBEX), ctx()));
      expect(BillingCustomerSchema.parse(customer)).toEqual(customer);
      expect(customer).toMatchObject({ id: f.idOf(GLOBEX), name: GLOBEX.legalName });
      expect(code(await f.port.getCustomer(f.unknownCustomerId, ctx()))).toBe('billing.customer_not_found');
      expect(code(await f.port.getCustomer('../' + f.idOf(GLOBEX), ctx()))).toBe('billing.customer_not_found');
    });

    it('lists the seeded subscription with plan, quantity, status, current term and MRR', async () => {
      const subs = value(await f.port.listSubscriptions(f.idOf(GLOBEX), { limit: 10 }, ctx()));
      const seeded = subs.find((s) => s.planId === GLOBEX.subscription.planId);
      expect(seeded, JSON.stringify(subs)).toBeDefined();
      expect(SubscriptionSchema.parse(seeded)).toEqual(seeded);
      expect(seeded).toMatchObject({
        customerId: f.idOf(GLOBEX),
        status: 'active',
        quantity: GLOBEX.subscription.quantity,
        currency: GLOBEX.currency,
        mrr: { amountMinor: GLOBEX.subscription.quantity * GLOBEX.subscription.unitPriceMinor, currency: GLOBEX.currency },
      });
      expect(seeded!.currentTerm.start <= today() && today() <= seeded!.currentTerm.end).toBe(true);
      const initech = value(await f.port.listSubscriptions(f.idOf(INITECH), { limit: 10 }, ctx()));
      expect(initech.map((s) => s.status)).toContain('past_due');
    });

    it('lists invoices newest first with their payment status, within the limit', async () => {
      const invoices = value(await f.port.listInvoices(f.idOf(INITECH), { limit: 3 }, ctx()));
      expect(invoices.length).toBeGreaterThan(0);
      expect(invoices.length).toBeLessThanOrEqual(3);
      for (const invoice of invoices) expect(BillingInvoiceSchema.parse(invoice)).toEqual(invoice);
      expect([...invoices].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn))).toEqual(invoices);
      // Initech is past due: at least one of its recent invoices is not paid.
      expect(invoices.some((i) => i.paymentStatus !== 'paid')).toBe(true);
    });

    it('creates a customer and a subscription once per reference, and cancels it, idempotently', async () => {
      const ref = `kit-${randomUUID().slice(0, 12)}`;
      const customer = value(await f.port.createCustomer({ name: `Kit ${ref} GmbH`, currency: 'EUR', externalRef: ref }, ctx()));
      expect(value(await f.port.createCustomer({ name: `Kit ${ref} GmbH`, currency: 'EUR', externalRef: ref }, ctx())).id).toBe(customer.id);

      const input = { customerId: customer.id, planId: GLOBEX.subscription.planId, quantity: 5, termMonths: 12 as const, externalRef: `${ref}-sub` };
      const sub = value(await f.port.createSubscription(input, ctx()));
      expect(sub).toMatchObject({ customerId: customer.id, planId: input.planId, quantity: 5, status: 'active', cancelAtTermEnd: false });
      expect(value(await f.port.createSubscription(input, ctx())).id).toBe(sub.id);
      expect(value(await f.port.listSubscriptions(customer.id, { limit: 10 }, ctx())).map((s) => s.id)).toEqual([sub.id]);

      const atEnd = value(await f.port.cancelSubscription(sub.id, { atTermEnd: true }, ctx()));
      expect(atEnd).toMatchObject({ id: sub.id, cancelAtTermEnd: true });
      expect(atEnd.status).not.toBe('cancelled');
      const now = value(await f.port.cancelSubscription(sub.id, { atTermEnd: false }, ctx()));
      expect(now.status).toBe('cancelled');
      expect(value(await f.port.cancelSubscription(sub.id, { atTermEnd: false }, ctx())).status).toBe('cancelled');
      expect(value(await f.port.getSubscription(sub.id, ctx())).status).toBe('cancelled');
    });

    it('refuses an unknown plan and answers not found for an unknown subscription', async () => {
      const r = await f.port.createSubscription({ customerId: f.idOf(GLOBEX), planId: 'no-such-plan-42', quantity: 1, termMonths: 12, externalRef: `kit-${randomUUID().slice(0, 12)}` }, ctx());
      expect(code(r)).toBe('billing.plan_not_found');
      expect(code(await f.port.getSubscription(f.unknownSubscriptionId, ctx()))).toBe('billing.subscription_not_found');
    });
  });
