import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_COMPANIES, seedLedger, seedPaidHistory } from '../../../../shared/sandbox/seed-companies.js';
import { BC_SCOPE, BcErrorSchema, EntraErrorSchema, EntraTokenResponseSchema } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { serveDynamicsBcSandbox, type DynamicsBcSandboxHandle } from './sandbox-harness.js';
import { COMPANY_PATH, TOKEN_PATH } from './test-support.js';

/** The Business Central sandbox on its own, as any OData client sees it. */
let sandbox: DynamicsBcSandboxHandle;
beforeAll(async () => {
  sandbox = await serveDynamicsBcSandbox({ maxPageSize: 2 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const GLOBEX = SEED_COMPANIES[0]!;
const INITECH = SEED_COMPANIES[1]!;
const form = (over: Record<string, string> = {}) =>
  new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_DYNAMICS_BC.clientId, client_secret: SANDBOX_DYNAMICS_BC.clientSecret, scope: BC_SCOPE, ...over });
const tokenRequest = (body: URLSearchParams, tenant: string = SANDBOX_DYNAMICS_BC.tenantId) =>
  fetch(`${sandbox.baseUrl}/${tenant}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const token = async () => EntraTokenResponseSchema.parse(await read(tokenRequest(form()))).access_token;
const api = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
  const headers: Record<string, string> = { authorization: `Bearer ${await token()}`, ...(init.headers as Record<string, string>) };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${sandbox.baseUrl}${COMPANY_PATH}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OData bodies, asserted field by field
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
const newCustomer = { number: 'STR0000000000000001', displayName: 'Hooli Inc.', type: 'Company', country: 'us', currencyCode: 'USD' };
const bcError = async (res: Response) => BcErrorSchema.parse(await read(res)).error.code;

describe('Business Central sandbox', () => {
  describe('Entra ID token endpoint', () => {
    it('when the client credentials are right, issues a bearer token for an hour', async () => {
      const res = await tokenRequest(form());
      expect(res.status).toBe(200);
      expect(await read(res)).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
    });

    it.each([
      ['a wrong secret', 401, 'invalid_client', form({ client_secret: 'nope' })],
      ['an unknown client', 400, 'unauthorized_client', form({ client_id: 'someone-else' })],
      ['another scope', 400, 'invalid_scope', form({ scope: 'https://graph.microsoft.com/.default' })],
      ['another grant', 400, 'unsupported_grant_type', form({ grant_type: 'password' })],
    ])('when the request has %s, answers %i %s in the OAuth error shape', async (_name, status, error, body) => {
      const res = await tokenRequest(body);
      expect(res.status).toBe(status);
      expect(EntraErrorSchema.parse(await read(res))).toMatchObject({ error, error_codes: [expect.any(Number)] });
    });

    it('when the tenant is unknown, refuses', async () => {
      expect((await tokenRequest(form(), 'other-tenant.onmicrosoft.com')).status).toBe(400);
    });
  });

  describe('authentication', () => {
    it('when no or an unknown token is sent, answers 401 Authentication_InvalidCredentials with WWW-Authenticate', async () => {
      for (const headers of [{}, { authorization: 'Bearer not-issued' }] as Record<string, string>[]) {
        const res = await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customers`, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(await bcError(res)).toBe('Authentication_InvalidCredentials');
      }
    });

    it('when tokens are revoked, the old one stops working', async () => {
      const t = await token();
      await sandbox.revokeTokens();
      expect((await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customers`, { headers: { authorization: `Bearer ${t}` } })).status).toBe(401);
    });

    it('when the company or environment is not the sandbox one, answers 404 BadRequest_NotFound', async () => {
      const other = COMPANY_PATH.replace(SANDBOX_DYNAMICS_BC.companyId, '00000000-0000-4000-8000-000000000000');
      const res = await fetch(`${sandbox.baseUrl}${other}/customers`, { headers: { authorization: `Bearer ${await token()}` } });
      expect([res.status, await bcError(res)]).toEqual([404, 'BadRequest_NotFound']);
    });
  });

  describe('reads', () => {
    it('serves the seeded customers with every documented property, an ETag and the financial detail on $expand', async () => {
      const res = await api(`/customers(${GLOBEX.vendorIds.businessCentralId})?$expand=customerFinancialDetail`);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toMatch(/^W\/"/);
      const body = await read(res);
      expect(body).toMatchObject({
        '@odata.etag': res.headers.get('etag'),
        number: GLOBEX.vendorIds.businessCentralNumber,
        displayName: GLOBEX.legalName,
        taxRegistrationNumber: GLOBEX.taxId,
        currencyCode: 'EUR',
        creditLimit: 50_000,
        blocked: ' ',
        customerFinancialDetail: { balance: seedLedger(GLOBEX, Date.now()).balanceMinor / 100, overdueAmount: 0 },
      });
    });

    it('keeps LCY figures in LCY: a GBP customer’s credit limit is converted at the sandbox rate', async () => {
      const body = await read(api(`/customers(${INITECH.vendorIds.businessCentralId})?$select=creditLimit,currencyCode,blocked`));
      expect(body).toMatchObject({ creditLimit: 23_400, currencyCode: 'GBP', blocked: 'Ship' });
      expect(Object.keys(body).sort()).toEqual(['@odata.context', '@odata.etag', 'blocked', 'creditLimit', 'currencyCode']);
      const rates = await read(api(`/currencyExchangeRates?$filter=currencyCode eq 'GBP'`));
      expect(rates.value).toEqual([expect.objectContaining({ currencyCode: 'GBP', exchangeRateAmount: 100, relationalExchangeRateAmount: 117, relationalCurrencyCode: '' })]);
    });

    it('pages a collection with @odata.nextLink, and Prefer: odata.maxpagesize asks for smaller pages', async () => {
      const names: string[] = [];
      let url: string | undefined = `${sandbox.baseUrl}${COMPANY_PATH}/customers?$orderby=number&$select=number`;
      const t = await token();
      for (let pages = 0; url && pages < 10; pages++) {
        const page = (await read(fetch(url, { headers: { authorization: `Bearer ${t}` } }))) as { value: { number: string }[]; '@odata.nextLink'?: string };
        expect(page.value.length).toBeLessThanOrEqual(2);
        names.push(...page.value.map((c) => c.number));
        url = page['@odata.nextLink'];
      }
      expect(names).toEqual(SEED_COMPANIES.map((c) => c.vendorIds.businessCentralNumber).sort());
      const one = await api('/customers?$top=3', { headers: { prefer: 'odata.maxpagesize=1' } });
      expect(one.headers.get('preference-applied')).toBe('odata.maxpagesize=1');
      expect((await read(one)).value).toHaveLength(1);
    });

    it('lists the seeded ledger as posted invoices, filtered and ordered', async () => {
      const res = await api(`/salesInvoices?$filter=customerId eq ${INITECH.vendorIds.businessCentralId} and status eq 'Open'&$orderby=dueDate asc`);
      const body = await read(res);
      expect(body.value.map((i: { number: string }) => i.number)).toEqual(['INV-10301', 'INV-10455']);
      expect(body.value[0]).toMatchObject({ status: 'Open', remainingAmount: 6_100, totalAmountIncludingTax: 6_100, currencyCode: 'GBP' });
    });

    it('holds the seed’s paid history: the paid invoice, nothing remaining, and the journal line of the payment applied to it', async () => {
      const { invoice, payment } = seedPaidHistory(INITECH, Date.now());
      const paid = await read(api(`/salesInvoices?$filter=customerId eq ${INITECH.vendorIds.businessCentralId} and status eq 'Paid'`));
      expect(paid.value).toHaveLength(1);
      expect(paid.value[0]).toMatchObject({ number: invoice.number, invoiceDate: invoice.issuedOn, dueDate: invoice.dueOn, status: 'Paid', remainingAmount: 0, totalAmountIncludingTax: invoice.totalMinor / 100, currencyCode: 'GBP' });
      const lines = await read(api(`/customerPayments?$filter=customerId eq ${INITECH.vendorIds.businessCentralId}`));
      expect(lines.value).toHaveLength(1);
      expect(lines.value[0]).toMatchObject({
        documentNumber: payment.number,
        postingDate: payment.receivedOn,
        amount: -payment.amountMinor / 100,
        appliesToInvoiceId: paid.value[0].id,
        appliesToInvoiceNumber: invoice.number,
        comment: payment.method,
      });
    });

    it.each([
      ["/customers?$filter=secret eq 'x'", 400, 'BadRequest'],
      ["/customers?$filter=displayName eq 'x", 400, 'BadRequest'],
      ['/customers?$select=secret', 400, 'BadRequest'],
      ['/customers?$expand=picture', 400, 'BadRequest'],
      ['/customers?$apply=groupby((country))', 400, 'BadRequest'],
      ['/customers(not-a-guid)', 400, 'BadRequest'],
      ['/customers(00000000-0000-4000-8000-000000000001)', 404, 'Internal_RecordNotFound'],
      ['/vendors', 404, 'BadRequest_NotFound'],
    ])('when asked for %s, answers %i %s in the OData error envelope', async (path, status, code) => {
      const res = await api(path);
      expect([res.status, await bcError(res)]).toEqual([status, code]);
    });
  });

  describe('writes', () => {
    it('creates a customer: 201 with Location and ETag, Code fields upper-cased; the same number again is refused', async () => {
      const res = await api('/customers', { method: 'POST', json: newCustomer });
      expect(res.status).toBe(201);
      const body = await read(res);
      expect(res.headers.get('location')).toContain(`/customers(${body.id})`);
      expect(body).toMatchObject({ number: 'STR0000000000000001', country: 'US', blocked: ' ', balanceDue: 0 });
      const again = await api('/customers', { method: 'POST', json: newCustomer });
      expect([again.status, await bcError(again)]).toEqual([400, 'Internal_EntityWithSameKeyExists']);
    });

    it.each([
      ['an undocumented property', { ...newCustomer, nickname: 'H' }, 'BadRequest'],
      ['a wrong type', { ...newCustomer, creditLimit: '100' }, 'BadRequest'],
      ['a name longer than Text[100]', { ...newCustomer, displayName: 'x'.repeat(101) }, 'Application_StringExceededLength'],
      ['an unknown currency', { ...newCustomer, currencyCode: 'XYZ' }, 'Internal_RecordNotFound'],
    ])('when the body has %s, refuses it', async (_name, body, code) => {
      expect(await bcError(await api('/customers', { method: 'POST', json: body }))).toBe(code);
    });

    it('updates with If-Match only: none is 428, a stale tag 412 Request_EntityChanged, the current one 200 with a new tag', async () => {
      const path = `/customers(${GLOBEX.vendorIds.businessCentralId})`;
      const etag = (await api(path)).headers.get('etag')!;
      expect((await api(path, { method: 'PATCH', json: { phoneNumber: '+49 30 1' } })).status).toBe(428);
      expect(await bcError(await api(path, { method: 'PATCH', json: { phoneNumber: '+49 30 1' }, headers: { 'if-match': 'W/"JzE7MTswMDsn"' } }))).toBe('Request_EntityChanged');
      const ok = await api(path, { method: 'PATCH', json: { phoneNumber: '+49 30 1' }, headers: { 'if-match': etag } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).not.toBe(etag);
      expect((await api(path, { method: 'PATCH', json: { phoneNumber: '+49 30 2' }, headers: { 'if-match': etag } })).status).toBe(412);
    });

    it('creates a sales order with its lines by deep insert, prices from the item list unless given', async () => {
      const res = await api('/salesOrders?$expand=salesOrderLines', {
        method: 'POST',
        json: { customerNumber: GLOBEX.vendorIds.businessCentralNumber, externalDocumentNumber: 'po-1', salesOrderLines: [{ lineType: 'Item', lineObjectNumber: 'strata-ent', quantity: 10 }, { lineType: 'Item', lineObjectNumber: 'STRATA-PRO', quantity: 1, unitPrice: 25.5 }] },
      });
      expect(res.status).toBe(201);
      const order = await read(res);
      expect(order).toMatchObject({ number: expect.stringMatching(/^S-ORD\d+$/), externalDocumentNumber: 'PO-1', status: 'Draft', currencyCode: 'EUR', totalAmountIncludingTax: 475.5 });
      expect(order.salesOrderLines.map((l: { lineObjectNumber: string; sequence: number; netAmount: number }) => [l.lineObjectNumber, l.sequence, l.netAmount])).toEqual([
        ['STRATA-ENT', 10000, 450],
        ['STRATA-PRO', 20000, 25.5],
      ]);
      const lines = await read(api(`/salesOrders(${order.id})/salesOrderLines`));
      expect(lines.value).toHaveLength(2);
    });

    it('when a line names an unknown item, creates nothing and answers 404 Internal_RecordNotFound', async () => {
      const before = (await read(api('/salesOrders'))).value.length;
      const res = await api('/salesOrders', { method: 'POST', json: { customerId: GLOBEX.vendorIds.businessCentralId, salesOrderLines: [{ lineType: 'Item', lineObjectNumber: 'NOPE', quantity: 1 }] } });
      expect([res.status, await bcError(res)]).toEqual([404, 'Internal_RecordNotFound']);
      expect((await read(api('/salesOrders'))).value.length).toBe(before);
    });

    it('registers a customer payment in the journal, applied to an invoice of that customer', async () => {
      const journal = (await read(api('/customerPaymentJournals'))).value[0];
      const res = await api(`/customerPaymentJournals(${journal.id})/customerPayments`, {
        method: 'POST',
        json: { customerNumber: INITECH.vendorIds.businessCentralNumber, amount: 1_000, appliesToInvoiceNumber: 'INV-10301', postingDate: '2026-11-02' },
      });
      expect(res.status).toBe(201);
      // After the seed's lines (one per seeded customer: 10000, 20000, …).
      expect(await read(res)).toMatchObject({ journalId: journal.id, lineNumber: (SEED_COMPANIES.length + 1) * 10000, amount: 1_000, appliesToInvoiceNumber: 'INV-10301', documentNumber: 'PMT00001' });
      const listed = await read(api(`/customerPayments?$filter=customerId eq ${INITECH.vendorIds.businessCentralId}`));
      expect(listed.value.map((p: { documentNumber: string }) => p.documentNumber)).toEqual([seedPaidHistory(INITECH, Date.now()).payment.number, 'PMT00001']);
      const wrongCustomer = await api(`/customerPaymentJournals(${journal.id})/customerPayments`, { method: 'POST', json: { customerNumber: GLOBEX.vendorIds.businessCentralNumber, amount: 5, appliesToInvoiceNumber: 'INV-10301' } });
      expect(wrongCustomer.status).toBe(404);
    });

    it('when reset, forgets writes and restores the seed', async () => {
      await api('/customers', { method: 'POST', json: newCustomer });
      await sandbox.reset();
      const found = await read(api(`/customers?$filter=number eq '${newCustomer.number}'`));
      expect(found.value).toEqual([]);
    });
  });

  describe('control API', () => {
    it('when a slow-commit write fault is scripted, the create lands before the response is sent', async () => {
      await sandbox.writeFault({ kind: 'slow-commit', delayMs: 300, times: 1 });
      const t = await token();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const sent = fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify(newCustomer),
        signal: controller.signal,
      });
      await expect(sent).rejects.toThrow();
      const found = await read(api(`/customers?$filter=number eq '${newCustomer.number}'`));
      expect(found.value).toHaveLength(1);
    });

    it('records requests relative to the mount point, with the token masked', async () => {
      await sandbox.resetStats();
      await api('/customers?$top=1');
      const [request] = (await sandbox.requests()).filter((r) => r.path.endsWith('/customers'));
      expect(request).toMatchObject({ method: 'GET', path: `${COMPANY_PATH}/customers`, query: { $top: '1' }, headers: { authorization: 'Bearer [token]' } });
      expect((await sandbox.stats()).byPath[TOKEN_PATH]).toBe(1);
    });
  });
});
