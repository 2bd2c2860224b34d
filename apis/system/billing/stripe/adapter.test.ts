import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { TransportError } from '../../../../shared/vendor-http/http-client.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { BillingCustomerSchema, BillingInvoiceSchema, SubscriptionSchema } from '../contract.js';
import { addMonths, DAY_MS, isoDate, startOfUtcDay } from './periods.js';
import { sandboxStripeAdapter, serveStripeSandbox, type StripeSandboxHandle } from './sandbox-harness.js';

/** The Stripe billing adapter against the sandbox over real HTTP: what each port operation answers and sends. */
const seed = (name: string) => SEED_COMPANIES.find((c) => c.legalName.startsWith(name))!;
const GLOBEX = seed('Globex');
const INITECH = seed('Initech');
const UMBRELLA = seed('Umbrella');
const STARK = seed('Stark');
const WAYNE = seed('Wayne');
const ctx = () => testCallContext();
const today = () => isoDate(Date.now());
const daysFromToday = (days: number) => isoDate(startOfUtcDay(Date.now()) + days * DAY_MS);
let counter = 0;
const uniqueRef = () => `adp-${Date.now().toString(36)}-${counter++}`;

describe('Stripe billing adapter', () => {
  let sandbox: StripeSandboxHandle;
  const closers: (() => Promise<void>)[] = [];
  const adapter = (options: Parameters<typeof sandboxStripeAdapter>[1] = {}) => {
    const a = sandboxStripeAdapter(sandbox.baseUrl, options);
    closers.push(a.close);
    return a.billing;
  };

  beforeAll(async () => {
    sandbox = await serveStripeSandbox();
  });
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(() => sandbox.close());

  describe('getCustomer', () => {
    it('when the customer exists, answers it in the canonical shape: upper-case currency, external reference, RFC 3339 creation', async () => {
      const result = await adapter().getCustomer(GLOBEX.vendorIds.stripeCustomerId, ctx());
      expect(result).toEqual({
        ok: true,
        value: {
          id: 'cus_QGlobex0000001',
          name: 'Globex GmbH',
          email: 'accounts@globex.example',
          currency: 'EUR',
          externalRef: GLOBEX.canonicalId,
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T09:00:00\.000Z$/),
        },
      });
      expect(BillingCustomerSchema.parse(result.ok && result.value)).toBeTruthy();
    });

    it('when Stripe has no such customer (404 resource_missing), answers billing.customer_not_found', async () => {
      expect(await adapter().getCustomer('cus_NoSuchCustomer01', ctx())).toEqual({ ok: false, error: { code: 'billing.customer_not_found', retryable: false } });
    });

    it.each(['../cus_QGlobex0000001', 'cus_QGlobex0000001?expand[]=x', 'cus_Q/1', 'sub_QGlobex0000001', 'cus_', '8812'])(
      'when the id %s cannot be a Stripe customer id, answers billing.customer_not_found without calling Stripe (B7)',
      async (id) => {
        expect(await adapter().getCustomer(id, ctx())).toEqual({ ok: false, error: { code: 'billing.customer_not_found', retryable: false } });
        expect((await sandbox.stats()).total).toBe(0);
      },
    );
  });

  describe('createCustomer', () => {
    it('creates the customer with its reference and requested currency in metadata, answering the currency before Stripe has billed it', async () => {
      const ref = uniqueRef();
      const result = await adapter().createCustomer({ name: 'Acme Fabrik GmbH', email: 'ap@acme.example', currency: 'CHF', externalRef: ref }, ctx());
      expect(result).toMatchObject({ ok: true, value: { id: expect.stringMatching(/^cus_[A-Za-z0-9]{14}$/), name: 'Acme Fabrik GmbH', email: 'ap@acme.example', currency: 'CHF', externalRef: ref } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      expect(post.form).toEqual({ name: 'Acme Fabrik GmbH', email: 'ap@acme.example', metadata: { external_ref: ref, preferred_currency: 'CHF' } });
    });

    it('when a customer with the reference exists, answers it without creating another (lookup before create)', async () => {
      const billing = adapter();
      const result = await billing.createCustomer({ name: 'Globex GmbH', externalRef: GLOBEX.canonicalId }, ctx());
      expect(result.ok && result.value.id).toBe('cus_QGlobex0000001');
      expect(await sandbox.count('/v1/customers', 'POST')).toBe(0);
    });
  });

  describe('getSubscription and listSubscriptions', () => {
    it('reads a seeded subscription: status, plan, quantity, the committed term from metadata, renewal and MRR', async () => {
      const result = await adapter().getSubscription(UMBRELLA.subscription.stripeSubscriptionId, ctx());
      const start = daysFromToday(-UMBRELLA.subscription.termStartedDaysAgo);
      const end = isoDate(addMonths(Date.parse(`${start}T09:00:00Z`), 36));
      expect(result).toEqual({
        ok: true,
        value: {
          id: 'sub_QUmbrella00001',
          customerId: 'cus_QUmbrella00001',
          status: 'active',
          planId: 'strata-enterprise-annual',
          quantity: 300,
          currency: 'EUR',
          currentTerm: { start, end },
          renewsOn: end,
          cancelAtTermEnd: false,
          mrr: { amountMinor: 300 * 40_00, currency: 'EUR' }, // a yearly price of 12 × 40.00, per month
          createdAt: expect.any(String),
        },
      });
      expect(SubscriptionSchema.parse(result.ok && result.value)).toBeTruthy();
    });

    it("reads MRR in the subscription's currency from the price's currency options (Stark pays the annual plan in USD)", async () => {
      const result = await adapter().getSubscription(STARK.subscription.stripeSubscriptionId, ctx());
      expect(result).toMatchObject({ ok: true, value: { currency: 'USD', mrr: { amountMinor: 1000 * 35_00, currency: 'USD' } } });
      expect((await sandbox.requests())[0]!.query).toEqual({ expand: ['items.data.price.currency_options'] });
    });

    it('maps a past_due subscription to past_due', async () => {
      const result = await adapter().listSubscriptions(INITECH.vendorIds.stripeCustomerId, { limit: 10 }, ctx());
      expect(result).toMatchObject({ ok: true, value: [{ id: 'sub_QInitech000001', status: 'past_due', currency: 'GBP', mrr: { amountMinor: 40 * 30_00, currency: 'GBP' } }] });
    });

    it('lists every status (status=all), newest first, following starting_after across pages up to the limit', async () => {
      // A sandbox on its own clock, moved between creates, so `created` differs and newest-first is observable.
      const clock = createManualClock(Date.now());
      const own = await serveStripeSandbox({ clock });
      const { billing, close } = sandboxStripeAdapter(own.baseUrl, { config: { pageSize: 1 } });
      closers.push(async () => {
        await close();
        await own.close();
      });
      const ref = uniqueRef();
      const customer = await billing.createCustomer({ name: 'Many Subs Oy', currency: 'GBP', externalRef: ref }, ctx());
      if (!customer.ok) throw new Error(customer.error.code);
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        clock.advance(5_000);
        const sub = await billing.createSubscription({ customerId: customer.value.id, planId: 'strata-pro-monthly', quantity: n, termMonths: 12, externalRef: `${ref}-${n}` }, ctx());
        if (!sub.ok) throw new Error(sub.error.code);
        ids.push(sub.value.id);
      }
      expect((await billing.cancelSubscription(ids[0]!, { atTermEnd: false }, ctx())).ok).toBe(true);
      await own.resetStats();

      const all = await billing.listSubscriptions(customer.value.id, { limit: 10 }, ctx());
      expect(all.ok && all.value.map((s) => [s.id, s.status])).toEqual([
        [ids[2], 'active'],
        [ids[1], 'active'],
        [ids[0], 'cancelled'],
      ]);
      const pages = (await own.requests()).filter((r) => r.path === '/v1/subscriptions');
      expect(pages.map((r) => r.query)).toEqual([
        { customer: customer.value.id, status: 'all', limit: '1' },
        { customer: customer.value.id, status: 'all', limit: '1', starting_after: ids[2] },
        { customer: customer.value.id, status: 'all', limit: '1', starting_after: ids[1] },
      ]);

      await own.resetStats();
      const two = await billing.listSubscriptions(customer.value.id, { limit: 2 }, ctx());
      expect(two.ok && two.value).toHaveLength(2);
      expect((await own.requests()).filter((r) => r.path === '/v1/subscriptions')).toHaveLength(2); // never a page beyond the limit
    });

    it("reads a listed subscription again only when the list lacks its currency option (Stripe expands at most 4 levels)", async () => {
      await adapter().listSubscriptions(STARK.vendorIds.stripeCustomerId, { limit: 10 }, ctx());
      expect((await sandbox.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/subscriptions', 'GET /v1/subscriptions/sub_QStark0000001']);
      await sandbox.resetStats();
      await adapter().listSubscriptions(GLOBEX.vendorIds.stripeCustomerId, { limit: 10 }, ctx());
      expect(await sandbox.count('/v1/subscriptions/')).toBe(0); // EUR is the price's own currency
    });

    it('when the customer or subscription does not exist, answers not found', async () => {
      const billing = adapter();
      expect(await billing.listSubscriptions('cus_NoSuchCustomer01', { limit: 5 }, ctx())).toEqual({ ok: false, error: { code: 'billing.customer_not_found', retryable: false } });
      expect(await billing.getSubscription('sub_NoSuchSubscription', ctx())).toEqual({ ok: false, error: { code: 'billing.subscription_not_found', retryable: false } });
      expect(await billing.getSubscription('sub_../x', ctx())).toEqual({ ok: false, error: { code: 'billing.subscription_not_found', retryable: false } });
      expect(await sandbox.count('sub_..')).toBe(0);
    });
  });

  describe('createSubscription', () => {
    const newCustomer = async (currency?: string) => {
      const result = await adapter().createCustomer({ name: `Sub Test ${uniqueRef()}`, ...(currency ? { currency } : {}), externalRef: uniqueRef() }, ctx());
      if (!result.ok) throw new Error(result.error.code);
      return result.value;
    };

    it('creates an active subscription whose committed term starts today and whose MRR is unit price × quantity', async () => {
      const customer = await newCustomer('GBP');
      const result = await adapter().createSubscription({ customerId: customer.id, planId: 'strata-pro-monthly', quantity: 7, termMonths: 24, externalRef: uniqueRef() }, ctx());
      const end = isoDate(addMonths(Date.now(), 24));
      expect(result).toMatchObject({
        ok: true,
        value: { customerId: customer.id, status: 'active', planId: 'strata-pro-monthly', quantity: 7, currency: 'GBP', currentTerm: { start: today(), end }, renewsOn: end, cancelAtTermEnd: false, mrr: { amountMinor: 7 * 30_00, currency: 'GBP' } },
      });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST' && r.path === '/v1/subscriptions')!;
      expect(post.form).toMatchObject({ currency: 'gbp', metadata: { term_months: '24' } });
      expect(post.form).not.toHaveProperty('trial_end');
    });

    it('a start date in the future makes a `future` subscription (a trial until then) whose term starts on that date', async () => {
      const customer = await newCustomer('EUR');
      const startOn = daysFromToday(10);
      const result = await adapter().createSubscription({ customerId: customer.id, planId: 'strata-enterprise-monthly', quantity: 1, termMonths: 12, startOn, externalRef: uniqueRef() }, ctx());
      expect(result).toMatchObject({ ok: true, value: { status: 'future', currentTerm: { start: startOn, end: isoDate(addMonths(Date.parse(startOn), 12)) } } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST' && r.path === '/v1/subscriptions')!;
      expect(post.form).toMatchObject({ trial_end: String(Date.parse(`${startOn}T00:00:00Z`) / 1000), metadata: { start_on: startOn } });
    });

    it('a start date in the past backdates the subscription: the term counts from that date', async () => {
      const customer = await newCustomer('EUR');
      const startOn = daysFromToday(-40);
      const result = await adapter().createSubscription({ customerId: customer.id, planId: 'strata-enterprise-monthly', quantity: 1, termMonths: 12, startOn, externalRef: uniqueRef() }, ctx());
      expect(result).toMatchObject({ ok: true, value: { status: 'active', currentTerm: { start: startOn } } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST' && r.path === '/v1/subscriptions')!;
      expect(post.form).toMatchObject({ backdate_start_date: String(Date.parse(`${startOn}T00:00:00Z`) / 1000) });
    });

    it('when the plan does not exist, answers billing.plan_not_found; an impossible plan id never reaches Stripe', async () => {
      const billing = adapter();
      expect(await billing.createSubscription({ customerId: GLOBEX.vendorIds.stripeCustomerId, planId: 'strata-platinum', quantity: 1, termMonths: 12, externalRef: uniqueRef() }, ctx())).toEqual({
        ok: false,
        error: { code: 'billing.plan_not_found', retryable: false },
      });
      await sandbox.resetStats();
      expect((await billing.createSubscription({ customerId: GLOBEX.vendorIds.stripeCustomerId, planId: '../x', quantity: 1, termMonths: 12, externalRef: uniqueRef() }, ctx())).ok).toBe(false);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the customer does not exist, answers billing.customer_not_found', async () => {
      expect(await adapter().createSubscription({ customerId: 'cus_NoSuchCustomer01', planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, externalRef: uniqueRef() }, ctx())).toEqual({
        ok: false,
        error: { code: 'billing.customer_not_found', retryable: false },
      });
    });

    it("when the plan is not sold in the customer's currency, answers billing.invalid_state", async () => {
      const customer = await newCustomer('GBP');
      const result = await adapter().createSubscription({ customerId: customer.id, planId: 'strata-enterprise-annual', quantity: 1, termMonths: 12, externalRef: uniqueRef() }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'billing.invalid_state', retryable: false } });
    });

    it('when the reference already belongs to another customer\'s subscription, answers billing.invalid_state', async () => {
      const result = await adapter().createSubscription(
        { customerId: INITECH.vendorIds.stripeCustomerId, planId: 'strata-pro-monthly', quantity: 1, termMonths: 12, externalRef: `${GLOBEX.canonicalId}-subscription` },
        ctx(),
      );
      expect(result).toEqual({ ok: false, error: { code: 'billing.invalid_state', retryable: false } });
      expect(await sandbox.count('/v1/subscriptions', 'POST')).toBe(0);
    });
  });

  describe('listInvoices', () => {
    it("answers the customer's invoices newest first, following starting_after until the limit", async () => {
      const billing = adapter({ config: { pageSize: 3 } });
      const result = await billing.listInvoices(GLOBEX.vendorIds.stripeCustomerId, { limit: 4 }, ctx());
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value).toHaveLength(4);
      for (const invoice of result.value) expect(BillingInvoiceSchema.parse(invoice)).toEqual(invoice);
      expect(result.value.map((i) => i.issuedOn)).toEqual([...result.value.map((i) => i.issuedOn)].sort().reverse());
      expect(result.value[0]).toMatchObject({ status: 'paid', paymentStatus: 'paid', subscriptionId: 'sub_QGlobex0000001', total: { amountMinor: 120 * 45_00, currency: 'EUR' }, amountDue: { amountMinor: 0 } });
      const pages = (await sandbox.requests()).filter((r) => r.path === '/v1/invoices');
      expect(pages.map((r) => [r.query?.limit, r.query?.starting_after === undefined])).toEqual([
        ['3', true],
        ['1', false],
      ]);
    });

    it("shows a past-due customer's open invoice as payment_failed, and an invoiced (send_invoice) plan's due date", async () => {
      const billing = adapter();
      const initech = await billing.listInvoices(INITECH.vendorIds.stripeCustomerId, { limit: 2 }, ctx());
      expect(initech).toMatchObject({ ok: true, value: [{ status: 'open', paymentStatus: 'payment_failed', amountPaid: { amountMinor: 0 }, amountDue: { amountMinor: 40 * 30_00 } }, { status: 'paid' }] });
      const umbrella = await billing.listInvoices(UMBRELLA.vendorIds.stripeCustomerId, { limit: 5 }, ctx());
      expect(umbrella.ok && umbrella.value[0]!.dueOn).toBe(daysFromToday(-UMBRELLA.subscription.termStartedDaysAgo + 30));
    });

    it('asks Stripe for at most 100 per page whatever the limit (B6), and answers not found for an unknown customer', async () => {
      const billing = adapter();
      await billing.listInvoices(WAYNE.vendorIds.stripeCustomerId, { limit: 100_000 }, ctx());
      expect((await sandbox.requests())[0]!.query?.limit).toBe('100');
      expect(await billing.listInvoices('cus_NoSuchCustomer01', { limit: 5 }, ctx())).toEqual({ ok: false, error: { code: 'billing.customer_not_found', retryable: false } });
    });
  });

  describe('cancelSubscription', () => {
    it('at term end, when the term ends with the billing period (Wayne, monthly, month 12 of 12), sets cancel_at_period_end', async () => {
      const result = await adapter().cancelSubscription(WAYNE.subscription.stripeSubscriptionId, { atTermEnd: true }, ctx());
      expect(result).toMatchObject({ ok: true, value: { status: 'active', cancelAtTermEnd: true } });
      expect(result.ok && result.value).not.toHaveProperty('renewsOn');
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      expect(post.form).toEqual({ cancel_at_period_end: 'true', expand: ['items.data.price.currency_options'] });
    });

    it('at term end, when the term outlasts the billing period (Globex, monthly, 12-month term), sets cancel_at to the term end', async () => {
      const before = await adapter().getSubscription(GLOBEX.subscription.stripeSubscriptionId, ctx());
      const result = await adapter().cancelSubscription(GLOBEX.subscription.stripeSubscriptionId, { atTermEnd: true }, ctx());
      expect(result).toMatchObject({ ok: true, value: { status: 'active', cancelAtTermEnd: true } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      const cancelAt = Number(post.form?.cancel_at);
      expect(isoDate(cancelAt * 1000)).toBe(before.ok && before.value.currentTerm.end);
    });

    it('is idempotent: already ending at term end, or already cancelled, answers the state without another write', async () => {
      const billing = adapter();
      const id = WAYNE.subscription.stripeSubscriptionId;
      await billing.cancelSubscription(id, { atTermEnd: true }, ctx());
      expect((await billing.cancelSubscription(id, { atTermEnd: true }, ctx())).ok).toBe(true);
      expect(await sandbox.count(`/v1/subscriptions/${id}`, 'POST')).toBe(1);
      expect(await billing.cancelSubscription(id, { atTermEnd: false }, ctx())).toMatchObject({ ok: true, value: { status: 'cancelled', cancelAtTermEnd: false } });
      expect(await billing.cancelSubscription(id, { atTermEnd: false }, ctx())).toMatchObject({ ok: true, value: { status: 'cancelled' } });
      expect(await billing.cancelSubscription(id, { atTermEnd: true }, ctx())).toMatchObject({ ok: true, value: { status: 'cancelled' } });
      expect(await sandbox.count(`/v1/subscriptions/${id}`, 'DELETE')).toBe(1);
    });

    it('when a cancel went through but its answer was lost, the retried DELETE is refused as already cancelled and the state is read back', async () => {
      let lost = 0;
      // Stripe cancels, then the connection drops before the answer arrives (once).
      const billing = adapter({
        wrapHttp: (http) => ({
          close: () => http.close(),
          async send(request) {
            const response = await http.send(request);
            if (request.method === 'DELETE' && lost++ === 0) throw new TransportError('network');
            return response;
          },
        }),
      });
      const id = STARK.subscription.stripeSubscriptionId;
      const result = await billing.cancelSubscription(id, { atTermEnd: false }, ctx());
      expect(result).toMatchObject({ ok: true, value: { id, status: 'cancelled' } });
      expect(await sandbox.count(`/v1/subscriptions/${id}`, 'DELETE')).toBe(2);
    });

    it('when the subscription does not exist, answers billing.subscription_not_found', async () => {
      expect(await adapter().cancelSubscription('sub_NoSuchSubscription', { atTermEnd: false }, ctx())).toEqual({ ok: false, error: { code: 'billing.subscription_not_found', retryable: false } });
    });
  });
});
