import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES, seedPaidHistory } from '../../../../shared/sandbox/seed-companies.js';
import type { HttpClient, HttpRequest } from '../../../../shared/vendor-http/http-client.js';
import { createDynamicsBcErpAdapter } from './adapter.js';
import { sandboxDynamicsBcConfig } from './config.js';
import { customerNumberFor } from './odata.js';
import { serveDynamicsBcSandbox, type DynamicsBcSandboxHandle } from './sandbox-harness.js';
import { COMPANY_PATH, TOKEN_PATH, callCtx, sandboxAdapter } from './test-support.js';

/** The Business Central adapter over real HTTP against its sandbox (pages of 2, so lists cross next links). */
let sandbox: DynamicsBcSandboxHandle;
let adapters: ReturnType<typeof sandboxAdapter>[] = [];
beforeAll(async () => {
  sandbox = await serveDynamicsBcSandbox({ maxPageSize: 2 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
});

const adapter = () => {
  const a = sandboxAdapter(sandbox.baseUrl, systemClock);
  adapters.push(a);
  return a;
};
const ctx = () => callCtx(systemClock);
const [GLOBEX, INITECH, , , WAYNE] = SEED_COMPANIES as [(typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], unknown, unknown, (typeof SEED_COMPANIES)[number]];
const idOf = (c: (typeof SEED_COMPANIES)[number]) => c.vendorIds.businessCentralId;
const requestsTo = async (suffix: string) => (await sandbox.requests()).filter((r) => r.path === `${COMPANY_PATH}${suffix}`);

describe('Business Central ERP adapter', () => {
  describe('ids and query values (B7)', () => {
    it.each(['8812', '../customers', "5d115c9c-44e3-ea11-bb43-000d3a2f8812') or (1 eq 1", '5d115c9c-44e3-ea11-bb43-000d3a2f881'])(
      'when the id is %s, answers not found without calling Business Central',
      async (id) => {
        const { erp } = adapter();
        expect((await erp.getCustomer(id, ctx())).ok || 'refused').toBe('refused');
        expect(await erp.getCreditProfile(id, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
        expect(await erp.listInvoices(id, { status: 'all', limit: 5 }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
        expect(await erp.listPayments(id, { limit: 5 }, ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
        expect(await erp.getSalesOrder(id, ctx())).toMatchObject({ ok: false, error: { code: 'erp.order_not_found' } });
        expect((await sandbox.stats()).total).toBe(0);
      },
    );

    it('when a legal name holds a quote, it is escaped and found exactly', async () => {
      const { erp } = adapter();
      const created = await erp.createOrMatchCustomer({ legalName: "O'Brien & Sons Ltd", country: 'IE', currency: 'EUR', externalRef: 'cus_obrien' }, ctx());
      expect(created).toMatchObject({ ok: true, value: { outcome: 'created' } });
      const found = await erp.findCustomers({ legalName: "o'brien & sons ltd", country: 'IE' }, ctx());
      expect(found.ok && found.value.map((c) => c.legalName)).toEqual(["O'Brien & Sons Ltd"]);
      const filters = (await requestsTo('/customers')).map((r) => r.query.$filter);
      expect(filters).toContain("displayName eq 'o''brien & sons ltd' and country eq 'IE'");
    });
  });

  describe('customers', () => {
    it('when a new customer is created, its number is derived from the external reference and BC returns 201', async () => {
      const { erp } = adapter();
      const r = await erp.createOrMatchCustomer(
        { legalName: 'Hooli Inc.', country: 'US', currency: 'USD', externalRef: 'cus_hooli', taxId: '94-3219088', email: 'ap@hooli.example', billingAddress: { line1: '1 Hacker Way', city: 'Palo Alto', region: 'CA', postalCode: '94301', country: 'US' } },
        ctx(),
      );
      expect(r).toMatchObject({ ok: true, value: { outcome: 'created', customer: { legalName: 'Hooli Inc.', taxId: '94-3219088', billingAddress: { region: 'CA' } } } });
      const [post] = (await requestsTo('/customers')).filter((q) => q.method === 'POST');
      expect(JSON.parse(post!.body!)).toMatchObject({ number: customerNumberFor('cus_hooli'), displayName: 'Hooli Inc.', type: 'Company', taxRegistrationNumber: '94-3219088', currencyCode: 'USD' });
    });

    it('when Business Central holds two customers of that name and country, answers erp.duplicate_customer and writes nothing', async () => {
      const { erp } = adapter();
      const bearer = await tokenFor();
      for (const number of ['TWIN1', 'TWIN2']) {
        const res = await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customers`, {
          method: 'POST',
          headers: { authorization: bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ number, displayName: 'Same Name GmbH', country: 'AT', currencyCode: 'EUR' }),
        });
        expect(res.status).toBe(201);
      }
      await sandbox.resetStats();
      const r = await erp.createOrMatchCustomer({ legalName: 'same name gmbh', country: 'AT', currency: 'EUR', externalRef: 'cus_twin' }, ctx());
      expect(r).toMatchObject({ ok: false, error: { code: 'erp.duplicate_customer' } });
      expect((await requestsTo('/customers')).map((q) => q.method)).toEqual(['GET', 'GET']); // by reference, by name: no POST
    });

    it('when the tax id matches a seeded customer, matches it whatever the name', async () => {
      const { erp } = adapter();
      const r = await erp.createOrMatchCustomer({ legalName: 'Globex (Berlin)', country: 'DE', currency: 'EUR', externalRef: 'cus_other', taxId: GLOBEX.taxId }, ctx());
      expect(r).toMatchObject({ ok: true, value: { outcome: 'matched', customer: { id: idOf(GLOBEX) } } });
    });

    it('when the same reference is created twice at once, BC keeps one (same number) and the loser answers matched', async () => {
      const { erp } = adapter();
      const input = { legalName: 'Raced Ltd', country: 'GB', currency: 'GBP', externalRef: 'cus_race' } as const;
      const results = await Promise.all([erp.createOrMatchCustomer(input, ctx()), erp.createOrMatchCustomer(input, ctx())]);
      const outcomes = results.map((r) => (r.ok ? r.value.outcome : r.error.code)).sort();
      expect(outcomes).toEqual(['created', 'matched']);
      const ids = new Set(results.map((r) => r.ok && r.value.customer.id));
      expect(ids.size).toBe(1);
    });

    it('when a field is longer than Business Central can store, answers http.validation before writing', async () => {
      const { erp } = adapter();
      const r = await erp.createOrMatchCustomer({ legalName: 'x'.repeat(101), country: 'DE', currency: 'EUR', externalRef: 'too-long' }, ctx());
      expect(r).toMatchObject({ ok: false, error: { code: 'http.validation' } });
      expect((await requestsTo('/customers')).filter((q) => q.method === 'POST')).toEqual([]);
    });
  });

  describe('credit, invoices and payments', () => {
    it('reports a foreign-currency customer in its own currency, converting LCY figures with BC exchange rates', async () => {
      const { erp } = adapter();
      const r = await erp.getCreditProfile(idOf(INITECH), ctx());
      expect(r).toMatchObject({ ok: true, value: { creditLimit: { amountMinor: 20_000_00, currency: 'GBP' }, openReceivables: { amountMinor: 18_200_00 }, daysOverdue: 42, onCreditHold: true } });
      expect((await requestsTo('/currencyExchangeRates'))[0]?.query.$filter).toMatch(/^currencyCode eq 'GBP' and startingDate le \d{4}-\d{2}-\d{2}$/);
    });

    it('counts open sales orders as unbilled, new ones included', async () => {
      const { erp } = adapter();
      const before = await erp.getCreditProfile(idOf(WAYNE), ctx());
      expect(before.ok && before.value.unbilledOrders).toEqual({ amountMinor: 2_500_00, currency: 'EUR' });
      expect(before.ok && before.value.onCreditHold).toBe(false);
      await erp.createSalesOrder({ customerId: idOf(WAYNE), currency: 'EUR', externalRef: 'ORD-WAYNE-1', lines: [{ itemId: 'STRATA-PRO', quantity: 10 }] }, ctx());
      const after = await erp.getCreditProfile(idOf(WAYNE), ctx());
      expect(after.ok && after.value.unbilledOrders.amountMinor).toBe(2_800_00);
    });

    it('asks for no more than the limit', async () => {
      const { erp } = adapter();
      await sandbox.resetStats();
      const invoices = await erp.listInvoices(idOf(INITECH), { status: 'all', limit: 1 }, ctx());
      expect(invoices.ok && invoices.value.map((i) => i.number)).toEqual(['INV-10301']);
      expect(await requestsTo('/salesInvoices')).toHaveLength(1);
      expect((await requestsTo('/salesInvoices'))[0]!.query).toMatchObject({ $top: '1', $orderby: 'dueDate asc,number asc' });
    });

    it('lists the seeded payment and those registered in the payment journal, newest first, in the customer currency, across next links', async () => {
      const { erp } = adapter();
      const bearer = await tokenFor();
      const journals = (await (await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customerPaymentJournals`, { headers: { authorization: bearer } })).json()) as { value: { id: string }[] };
      const journalId = journals.value[0]!.id;
      for (const [date, amount] of [['2026-10-01', 500], ['2026-11-01', 1_000.25], ['2026-09-01', 10]] as const) {
        const res = await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customerPaymentJournals(${journalId})/customerPayments`, {
          method: 'POST',
          headers: { authorization: bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: idOf(INITECH), amount, postingDate: date, appliesToInvoiceNumber: 'INV-10301' }),
        });
        expect(res.status).toBe(201);
      }
      await sandbox.resetStats();
      const r = await erp.listPayments(idOf(INITECH), { limit: 10 }, ctx());
      const { payment: seeded } = seedPaidHistory(INITECH, Date.now());
      // On a tie of dates the later journal line (a registered one) comes first: sort is stable.
      const expected = [
        ['2026-11-01', 1_000_25, 'GBP', 1],
        ['2026-10-01', 500_00, 'GBP', 1],
        ['2026-09-01', 10_00, 'GBP', 1],
        [seeded.receivedOn, seeded.amountMinor, 'GBP', 1],
      ].sort((a, b) => String(b[0]).localeCompare(String(a[0])));
      expect(r.ok && r.value.map((p) => [p.receivedOn, p.amount.amountMinor, p.amount.currency, p.appliedToInvoiceIds.length])).toEqual(expected);
      // Pages of 2: the second page came from the next link, with the first request's options kept.
      const pages = await requestsTo('/customerPayments');
      expect(pages.map((q) => q.query.$skiptoken)).toEqual([undefined, '2']);
      expect(pages[1]!.query.$filter).toBe(pages[0]!.query.$filter);
    });
  });

  describe('sales orders', () => {
    it('sends one deep insert with the lines, prices in decimals, and finds it again by externalDocumentNumber', async () => {
      const { erp } = adapter();
      const input = { customerId: idOf(GLOBEX), currency: 'EUR', externalRef: 'ord_01HZX-lower', orderedOn: '2026-11-02', lines: [{ itemId: 'STRATA-ENT', quantity: 2, unitPriceMinor: 42_50, description: 'Seats' }] };
      const first = await erp.createSalesOrder(input, ctx());
      expect(first).toMatchObject({ ok: true, value: { externalRef: 'ord_01HZX-lower', orderedOn: '2026-11-02', total: { amountMinor: 85_00 }, lines: [{ description: 'Seats', unitPrice: { amountMinor: 42_50 } }] } });
      const again = await erp.createSalesOrder(input, ctx());
      expect(again.ok && first.ok && again.value.id).toBe(first.ok && first.value.id);
      const posts = (await requestsTo('/salesOrders')).filter((q) => q.method === 'POST');
      expect(posts).toHaveLength(1);
      expect(JSON.parse(posts[0]!.body!)).toEqual({
        customerId: idOf(GLOBEX),
        externalDocumentNumber: expect.stringMatching(/^STR-[0-9A-F]{31}$/),
        orderDate: '2026-11-02',
        currencyCode: 'EUR',
        salesOrderLines: [{ lineType: 'Item', lineObjectNumber: 'STRATA-ENT', quantity: 2, unitPrice: 42.5, description: 'Seats' }],
      });
      expect(posts[0]!.query).toEqual({ $expand: 'salesOrderLines' });
    });

    it('when the customer does not exist, answers erp.customer_not_found without writing', async () => {
      const { erp } = adapter();
      const r = await erp.createSalesOrder({ customerId: '00000000-0000-4000-8000-0000000000aa', currency: 'EUR', externalRef: 'X1', lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, ctx());
      expect(r).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
      expect((await requestsTo('/salesOrders')).filter((q) => q.method === 'POST')).toEqual([]);
    });
  });

  describe('tokens', () => {
    it('reuses one Entra token across calls, and after a 401 fetches one fresh token and retries once', async () => {
      const { erp } = adapter();
      for (let i = 0; i < 3; i++) expect((await erp.getCustomer(idOf(GLOBEX), ctx())).ok).toBe(true);
      expect((await sandbox.stats()).byPath[TOKEN_PATH]).toBe(1);
      await sandbox.revokeTokens();
      expect((await erp.getCustomer(idOf(GLOBEX), ctx())).ok).toBe(true);
      expect((await sandbox.stats()).byPath[TOKEN_PATH]).toBe(2);
    });

    it('when the token endpoint is on another host, uses the second client for it and never sends the secret to the API host', async () => {
      const sent: { client: string; request: HttpRequest }[] = [];
      const fake = (client: string, answer: (r: HttpRequest) => { status: number; body: unknown }): HttpClient => ({
        async send(request) {
          sent.push({ client, request });
          const { status, body } = answer(request);
          return { status, headers: {}, body: JSON.stringify(body) };
        },
        close: async () => undefined,
      });
      const config = { ...sandboxDynamicsBcConfig('https://api.businesscentral.dynamics.com'), tokenUrl: 'https://login.microsoftonline.com/t1/oauth2/v2.0/token' };
      const erp = createDynamicsBcErpAdapter(config, {
        http: fake('api', () => ({ status: 404, body: { error: { code: 'Internal_RecordNotFound', message: 'The Customer does not exist.' } } })),
        tokenHttp: fake('entra', () => ({ status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: 'tok' } })),
        clock: systemClock,
      });
      expect(await erp.getCustomer(idOf(GLOBEX), ctx())).toMatchObject({ ok: false, error: { code: 'erp.customer_not_found' } });
      expect(sent.map((s) => [s.client, s.request.method, s.request.path.split('?')[0]])).toEqual([
        ['entra', 'POST', '/t1/oauth2/v2.0/token'],
        ['api', 'GET', `${COMPANY_PATH}/customers(${idOf(GLOBEX)})`],
      ]);
      expect(sent[1]!.request.headers?.authorization).toBe('Bearer tok');
      expect(JSON.stringify(sent[1])).not.toContain(config.clientSecret);
      expect(() => createDynamicsBcErpAdapter(config, { http: fake('api', () => ({ status: 200, body: {} })), clock: systemClock })).toThrow(/tokenHttp/);
    });

    it('when a next link points at another host, refuses it instead of sending the token there', async () => {
      const fake: HttpClient = {
        async send(request) {
          if (request.path.includes('oauth2')) return { status: 200, headers: {}, body: JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: 'tok' }) };
          if (request.path.includes('evil')) throw new Error('followed a foreign link');
          return { status: 200, headers: {}, body: JSON.stringify({ value: [], '@odata.nextLink': 'https://evil.example/v2.0/x/production/api/v2.0/companies(1)/salesInvoices?$skiptoken=2' }) };
        },
        close: async () => undefined,
      };
      const erp = createDynamicsBcErpAdapter(sandboxDynamicsBcConfig('http://127.0.0.1:9/dynamics-bc'), { http: fake, clock: systemClock });
      expect(await erp.listInvoices(idOf(GLOBEX), { status: 'all', limit: 5 }, ctx())).toMatchObject({ ok: false, error: { code: 'vendor.invalid_response' } });
    });
  });
});

const tokenFor = async () => {
  const { SANDBOX_DYNAMICS_BC } = await import('./config.js');
  const { BC_SCOPE } = await import('../../../../openapi/vendors/dynamics-bc/types.js');
  const res = await fetch(`${sandbox.baseUrl}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_DYNAMICS_BC.clientId, client_secret: SANDBOX_DYNAMICS_BC.clientSecret, scope: BC_SCOPE }),
  });
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
};
