import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { STRIPE_API_VERSION } from '../../../../openapi/vendors/stripe/types.js';
import { SANDBOX_STRIPE_SECRET_KEY } from './config.js';
import { serveStripeSandbox, type StripeSandboxHandle } from './sandbox-harness.js';

type Obj = Record<string, unknown>;
const GLOBEX = SEED_COMPANIES[0]!;
const q = (s: string) => encodeURIComponent(s);

describe('Stripe sandbox', () => {
  let sandbox: StripeSandboxHandle;
  beforeAll(async () => {
    sandbox = await serveStripeSandbox();
  });
  beforeEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  describe('seed data (shared seed companies)', () => {
    it.each(SEED_COMPANIES.map((c) => [c.legalName, c] as const))('%s: customer, subscription and invoices agree with the seed', async (_name, company) => {
      const customer = await sandbox.stripe('GET', `/v1/customers/${company.vendorIds.stripeCustomerId}`);
      expect(customer.body).toMatchObject({ name: company.legalName, email: company.email, currency: company.currency.toLowerCase(), metadata: { external_ref: company.canonicalId } });
      const sub = await sandbox.stripe('GET', `/v1/subscriptions/${company.subscription.stripeSubscriptionId}?expand[]=items.data.price.currency_options`);
      const expectedStatus = company.subscription.status === 'cancelled' ? 'canceled' : company.subscription.status;
      expect(sub.body).toMatchObject({ customer: company.vendorIds.stripeCustomerId, status: expectedStatus, metadata: { term_months: String(company.subscription.termMonths) } });
      const item = (sub.body.items as { data: Obj[] }).data[0]!;
      const price = item.price as { id: string; recurring: { interval: string }; currency_options: Record<string, { unit_amount: number }> };
      expect(item.quantity).toBe(company.subscription.quantity);
      expect(price.id).toBe(company.subscription.planId);
      const perInterval = company.subscription.unitPriceMinor * (price.recurring.interval === 'year' ? 12 : 1);
      expect(price.currency_options[company.currency.toLowerCase()]?.unit_amount).toBe(perInterval);
      const invoices = await sandbox.stripe('GET', `/v1/invoices?customer=${company.vendorIds.stripeCustomerId}&limit=100`);
      expect(invoices.body.data!.length).toBeGreaterThan(0);
      const unpaid = invoices.body.data!.filter((i) => i.status !== 'paid');
      expect(unpaid.length).toBe(company.subscription.status === 'past_due' ? 1 : 0);
      if (company.subscription.status === 'past_due') expect(unpaid[0]).toMatchObject({ status: 'open', attempt_count: 3, collection_method: 'charge_automatically' });
      expect(invoices.body.data!.every((i) => i.total === perInterval * company.subscription.quantity)).toBe(true);
    });
  });

  describe('authentication and headers', () => {
    it('answers 401 without a key, or with a wrong one (masked in the message); accepts Bearer and Basic (key as user name)', async () => {
      const none = await sandbox.stripe('GET', '/v1/customers', { headers: { authorization: '' } });
      expect(none.status).toBe(401);
      const wrong = await sandbox.stripe('GET', '/v1/customers', { headers: { authorization: 'Bearer sk_test_wrongwrongwrongwrong1234' } });
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(wrong.body)).not.toContain('sk_test_wrongwrongwrongwrong1234');
      const basic = await sandbox.stripe('GET', '/v1/customers?limit=1', { headers: { authorization: `Basic ${Buffer.from(`${SANDBOX_STRIPE_SECRET_KEY}:`).toString('base64')}` } });
      expect(basic.status).toBe(200);
    });

    it('sends Request-Id and Stripe-Version on every answer (the pinned version unless the request names one)', async () => {
      const res = await sandbox.stripe('GET', `/v1/customers/${GLOBEX.vendorIds.stripeCustomerId}`);
      expect(res.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
      expect(res.headers.get('stripe-version')).toBe(STRIPE_API_VERSION);
      const pinned = await sandbox.stripe('GET', '/v1/customers?limit=1', { headers: { 'stripe-version': '2024-06-20' } });
      expect(pinned.headers.get('stripe-version')).toBe('2024-06-20');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer to the same key and parameters (Idempotent-Replayed: true) without acting again', async () => {
      const headers = { 'idempotency-key': 'key-replay-1' };
      const first = await sandbox.stripe('POST', '/v1/customers', { form: 'name=Once%20Only&metadata[external_ref]=once', headers });
      const second = await sandbox.stripe('POST', '/v1/customers', { form: 'metadata[external_ref]=once&name=Once%20Only', headers });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
      const search = await sandbox.stripe('GET', `/v1/customers/search?query=${q("metadata['external_ref']:'once'")}`);
      expect(search.body.data).toHaveLength(1);
    });

    it('refuses the same key with other parameters (400 idempotency_error); a request refused by validation is not remembered', async () => {
      const headers = { 'idempotency-key': 'key-conflict-1' };
      const invalid = await sandbox.stripe('POST', '/v1/customers', { form: 'email=not-an-email', headers });
      expect(invalid.body.error).toMatchObject({ type: 'invalid_request_error', code: 'email_invalid', param: 'email' });
      const corrected = await sandbox.stripe('POST', '/v1/customers', { form: 'email=ok%40corrected.example', headers });
      expect(corrected.status).toBe(200);
      const changed = await sandbox.stripe('POST', '/v1/customers', { form: 'email=other%40corrected.example', headers });
      expect(changed.status).toBe(400);
      expect(changed.body.error).toMatchObject({ type: 'idempotency_error' });
    });
  });

  describe('parameters', () => {
    it('reads bracket notation in bodies (items[0][price], metadata[…]) and refuses unknown parameters by name', async () => {
      const created = await sandbox.stripe('POST', '/v1/subscriptions', {
        form: `customer=${GLOBEX.vendorIds.stripeCustomerId}&items[0][price]=strata-enterprise-monthly&items[0][quantity]=4&metadata[external_ref]=brackets&expand[]=customer`,
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ status: 'active', currency: 'eur', metadata: { external_ref: 'brackets' }, customer: { id: GLOBEX.vendorIds.stripeCustomerId } });
      const unknown = await sandbox.stripe('POST', '/v1/subscriptions', { form: `customer=${GLOBEX.vendorIds.stripeCustomerId}&items[0][price]=strata-enterprise-monthly&items[0][colour]=red` });
      expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
      const json = await sandbox.stripe('POST', '/v1/customers', { headers: { 'content-type': 'application/json' }, form: '{"name":"x"}' });
      expect(json.status).toBe(400);
    });

    it('answers resource_missing naming the parameter for an unknown customer or price', async () => {
      const noPrice = await sandbox.stripe('POST', '/v1/subscriptions', { form: `customer=${GLOBEX.vendorIds.stripeCustomerId}&items[0][price]=nope` });
      expect(noPrice.body.error).toMatchObject({ code: 'resource_missing', param: 'items[0][price]' });
      const noCustomer = await sandbox.stripe('GET', '/v1/invoices?customer=cus_NoSuchCustomer01');
      expect(noCustomer.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    });

    it('pages with limit / starting_after / ending_before and has_more; refuses a limit over 100 and an unknown cursor', async () => {
      const base = `/v1/invoices?customer=${GLOBEX.vendorIds.stripeCustomerId}`;
      const all = (await sandbox.stripe('GET', `${base}&limit=100`)).body.data!.map((i) => i.id);
      const first = await sandbox.stripe('GET', `${base}&limit=3`);
      expect(first.body).toMatchObject({ object: 'list', has_more: true, url: '/v1/invoices' });
      const next = await sandbox.stripe('GET', `${base}&limit=3&starting_after=${String(first.body.data![2]!.id)}`);
      expect(next.body.data!.map((i) => i.id)).toEqual(all.slice(3, 6));
      const back = await sandbox.stripe('GET', `${base}&limit=2&ending_before=${all[4]}`);
      expect(back.body.data!.map((i) => i.id)).toEqual(all.slice(2, 4));
      const last = await sandbox.stripe('GET', `${base}&limit=3&starting_after=${all[all.length - 2]}`);
      expect(last.body).toMatchObject({ has_more: false });
      expect((await sandbox.stripe('GET', `${base}&limit=101`)).body.error).toMatchObject({ param: 'limit' });
      expect((await sandbox.stripe('GET', `${base}&starting_after=in_nope`)).body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
    });

    it('expands what Stripe can expand, at most 4 levels deep', async () => {
      const id = GLOBEX.subscription.stripeSubscriptionId;
      const expanded = await sandbox.stripe('GET', `/v1/subscriptions/${id}?expand[]=latest_invoice&expand[]=items.data.price.product`);
      expect(expanded.body.latest_invoice).toMatchObject({ object: 'invoice' });
      expect((expanded.body.items as { data: { price: { product: Obj } }[] }).data[0]!.price.product).toMatchObject({ object: 'product', name: 'Strata Enterprise' });
      expect((await sandbox.stripe('GET', `/v1/subscriptions?expand[]=data.items.data.price.product`)).body.error).toMatchObject({ param: 'expand' });
      expect((await sandbox.stripe('GET', `/v1/customers/${GLOBEX.vendorIds.stripeCustomerId}?expand[]=secrets`)).body.error).toMatchObject({ param: 'expand' });
    });
  });

  describe('search', () => {
    it('finds by metadata and by field, pages with next_page, and refuses what it cannot parse', async () => {
      const byRef = await sandbox.stripe('GET', `/v1/customers/search?query=${q(`metadata['external_ref']:'${GLOBEX.canonicalId}'`)}`);
      expect(byRef.body.data!.map((c) => c.id)).toEqual([GLOBEX.vendorIds.stripeCustomerId]);
      const byEmail = await sandbox.stripe('GET', `/v1/customers/search?query=${q(`email:'${GLOBEX.email}'`)}`);
      expect(byEmail.body.data).toHaveLength(1);
      const page1 = await sandbox.stripe('GET', `/v1/subscriptions/search?query=${q("status:'active'")}&limit=2`);
      const page2 = await sandbox.stripe('GET', `/v1/subscriptions/search?query=${q("status:'active'")}&limit=2&page=${String(page1.body.next_page)}`);
      expect(page2.body.data!.map((s) => s.id)).not.toContain(page1.body.data![0]!.id);
      expect((await sandbox.stripe('GET', `/v1/customers/search?query=${q('name = x')}`)).body.error).toMatchObject({ param: 'query' });
    });

    it('does not see new records until searchLagMs has passed (Stripe search is not read-after-write)', async () => {
      const clock = createManualClock(Date.now());
      const lagging = await serveStripeSandbox({ clock, searchLagMs: 60_000 });
      try {
        const created = await lagging.stripe('POST', '/v1/customers', { form: 'name=Late&metadata[external_ref]=late-1' });
        expect(created.status).toBe(200);
        const query = `/v1/customers/search?query=${q("metadata['external_ref']:'late-1'")}`;
        expect((await lagging.stripe('GET', query)).body.data).toHaveLength(0);
        expect((await lagging.stripe('GET', `/v1/customers/${String(created.body.id)}`)).status).toBe(200); // retrieval is immediate
        clock.advance(60_000);
        expect((await lagging.stripe('GET', query)).body.data).toHaveLength(1);
      } finally {
        await lagging.close();
      }
    });
  });

  describe('subscription lifecycle', () => {
    it('cancel_at_period_end shows in cancel_at too; cancel_at and cancel_at_period_end together are refused; DELETE cancels now, once', async () => {
      const id = GLOBEX.subscription.stripeSubscriptionId;
      const atEnd = await sandbox.stripe('POST', `/v1/subscriptions/${id}`, { form: 'cancel_at_period_end=true' });
      expect(atEnd.body).toMatchObject({ cancel_at_period_end: true, cancel_at: atEnd.body.current_period_end, status: 'active' });
      const both = await sandbox.stripe('POST', `/v1/subscriptions/${id}`, { form: 'cancel_at_period_end=true&cancel_at=4102444800' });
      expect(both.status).toBe(400);
      const cancelled = await sandbox.stripe('DELETE', `/v1/subscriptions/${id}`);
      expect(cancelled.body).toMatchObject({ status: 'canceled', canceled_at: expect.any(Number), ended_at: expect.any(Number) });
      expect((await sandbox.stripe('DELETE', `/v1/subscriptions/${id}`)).status).toBe(400);
      expect((await sandbox.stripe('POST', `/v1/subscriptions/${id}`, { form: 'cancel_at_period_end=false' })).status).toBe(400);
      const listed = await sandbox.stripe('GET', `/v1/subscriptions?customer=${GLOBEX.vendorIds.stripeCustomerId}`);
      expect(listed.body.data).toHaveLength(0); // Stripe's default list leaves cancelled ones out
      expect((await sandbox.stripe('GET', `/v1/subscriptions?customer=${GLOBEX.vendorIds.stripeCustomerId}&status=all`)).body.data).toHaveLength(1);
    });

    it('on its clock, ends a trial (trialing → active) and cancels at cancel_at', async () => {
      const clock = createManualClock(Date.now());
      const own = await serveStripeSandbox({ clock });
      try {
        const trialEnd = Math.floor(clock.now() / 1000) + 86_400;
        const sub = await own.stripe('POST', '/v1/subscriptions', { form: `customer=${GLOBEX.vendorIds.stripeCustomerId}&items[0][price]=strata-enterprise-monthly&trial_end=${trialEnd}` });
        expect(sub.body).toMatchObject({ status: 'trialing', trial_end: trialEnd, current_period_end: trialEnd });
        const id = String(sub.body.id);
        clock.advance(2 * 86_400_000);
        expect((await own.stripe('GET', `/v1/subscriptions/${id}`)).body).toMatchObject({ status: 'active', current_period_start: trialEnd });
        await own.stripe('POST', `/v1/subscriptions/${id}`, { form: `cancel_at=${Math.floor(clock.now() / 1000) + 3_600}` });
        clock.advance(2 * 3_600_000);
        expect((await own.stripe('GET', `/v1/subscriptions/${id}`)).body).toMatchObject({ status: 'canceled' });
      } finally {
        await own.close();
      }
    });
  });

  describe('faults and control API', () => {
    it('injects a fault from the x-sandbox-fault header or a rule, in Stripe\'s envelope, and counts requests', async () => {
      const header = await sandbox.stripe('GET', '/v1/customers', { headers: { 'x-sandbox-fault': 'error503' } });
      expect(header.status).toBe(503);
      expect(header.body.error).toMatchObject({ type: 'api_error' });
      await sandbox.addFault({ fault: 'rate-limit', retryAfter: 7, pathPattern: '/v1/invoices', times: 1 });
      const limited = await sandbox.stripe('GET', `/v1/invoices?customer=${GLOBEX.vendorIds.stripeCustomerId}`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body.error).toMatchObject({ code: 'rate_limit' });
      expect((await sandbox.stripe('GET', `/v1/invoices?customer=${GLOBEX.vendorIds.stripeCustomerId}`)).status).toBe(200);
      expect((await sandbox.stats()).total).toBe(3);
    });

    it('points the default redirect at its own redirect target on the other loopback name', async () => {
      const res = await fetch(`${sandbox.baseUrl}/v1/customers`, { headers: { 'x-sandbox-fault': 'redirect' }, redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:\d+\/stripe\/__sandbox\/redirect-target$/);
    });
  });
});
