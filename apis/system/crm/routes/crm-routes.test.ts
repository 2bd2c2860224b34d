import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import type { AppEnv } from '../../../../shared/http/app-env.js';
import { ProblemSchema } from '../../../../shared/http/problem.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createRouterTestApp } from '../../../../test/harness/router-test-app.js';
import { z } from 'zod';
import { ContactSchema, CrmAccountSchema, OpportunitySchema, type CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter } from '../salesforce/adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from '../salesforce/config.js';
import { HTML_FAULT_CANARY } from '../salesforce/sandbox-faults.js';
import { captureLogger, startSalesforceSandbox, type SalesforceSandboxHandle } from '../salesforce/sandbox-harness.js';
import { createCrmRouter } from '../router.js';

// The CRM router in a small app (request context first, router at /system/v1/crm, the one onError),
// with the real Salesforce adapter against the sandbox over HTTP. Auth is tested with the policies.
describe('CRM system routes', () => {
  let sandbox: SalesforceSandboxHandle;
  let http: HttpClient;
  let app: Hono<AppEnv>;
  let logs: ReturnType<typeof captureLogger>;

  const build = (overrides: Partial<SalesforceConfig> = {}) => {
    http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    logs = captureLogger();
    const crm = createSalesforceCrmAdapter(
      { ...sandboxSalesforceConfig(sandbox.baseUrl), retries: 1, backoffMs: 5, attemptTimeoutMs: 300, ...overrides },
      { http, clock: systemClock, logger: logs.logger },
    );
    app = createRouterTestApp('/system/v1/crm', createCrmRouter({ crm }), { logger: logs.logger, deadlineMs: 2_000 });
  };
  const get = (path: string) => app.request(`/system/v1/crm${path}`);
  const send = (method: 'PATCH' | 'PUT', path: string, body: unknown) =>
    app.request(`/system/v1/crm${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    return { problem: ProblemSchema.parse(JSON.parse(text)), text };
  };

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
    build();
  });
  afterEach(async () => {
    await http.close();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('GET /accounts/{accountId} (getCrmAccount)', () => {
    it('when the account exists, answers 200 with a body that satisfies the contract schema', async () => {
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(200);
      const account = CrmAccountSchema.parse(await res.json()); // strict: no vendor field slipped through
      expect(account).toMatchObject({ id: '001Dn00000GlbxAIAR', externalId: 'cus_01HZX3GLOBEX', primaryContact: { name: 'Hanna Becker' } });
    });

    it('when no account has the id, answers 404 not-found', async () => {
      const res = await get('/accounts/001Dn00000NopeAIAR');
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem).toMatchObject({ code: 'crm.account_not_found', type: 'https://strata.dev/problems/not-found' });
    });

    it.each([['%2e%2e%2f001Dn00000GlbxAIAR'], ['..%2F..%2Fetc'], ['a'.repeat(65)], ["001'%20OR%201=1"]])(
      'when the id is off-pattern (%s), answers 422 naming the parameter, without calling Salesforce',
      async (id) => {
        const res = await get(`/accounts/${id}`);
        expect(res.status).toBe(422);
        const { problem, text } = await problemOf(res);
        expect(problem.errors?.[0]).toMatchObject({ parameter: 'accountId' });
        expect(text).not.toContain('..');
        expect((await sandbox.stats()).total).toBe(0);
      },
    );
  });

  describe('GET /accounts (listCrmAccounts)', () => {
    it('with ?externalId= of one account, answers 200 with a list of that account', async () => {
      const res = await get('/accounts?externalId=cus_01HZX3WAYNE');
      expect(res.status).toBe(200);
      const accounts = z.array(CrmAccountSchema).parse(await res.json());
      expect(accounts.map((a) => [a.id, a.name])).toEqual([['001Dn00000WaynAIAR', 'Wayne Enterprises B.V.']]);
    });

    it('with ?externalId= that no account carries, answers 200 with an empty list', async () => {
      const res = await get('/accounts?externalId=cus_01HZX3NOBODY');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    });

    it('with ?name=, answers the accounts whose name starts with it (any case), by name, each with its primary contact', async () => {
      const res = await get('/accounts?name=in');
      expect(res.status).toBe(200);
      const accounts = z.array(CrmAccountSchema).parse(await res.json());
      expect(accounts.map((a) => [a.name, a.primaryContact?.name])).toEqual([['Initech Ltd', 'Peter Gibbons']]);
    });

    it('with ?name= and ?limit=, answers at most limit accounts; LIKE wildcards in the name are literal', async () => {
      expect(await (await get('/accounts?name=%25%25&limit=50')).json()).toEqual([]);
      expect(await (await get('/accounts?name=st&limit=1')).json()).toMatchObject([{ name: 'Stark Industries Inc.' }]);
      expect((await sandbox.stats()).requests.find((r) => r.path.endsWith('/query'))?.query.q).toContain("LIKE '\\%\\%%'");
    });

    it.each([
      ['neither filter', '', 'name'],
      ['limit without name', '?limit=5', 'limit'],
      ['externalId and name', '?externalId=cus_01HZX3WAYNE&name=Wa', 'name'],
      ['externalId and limit', '?externalId=cus_01HZX3WAYNE&limit=1', 'limit'],
      ['a SOQL injection in externalId', `?externalId=${encodeURIComponent("x' OR Name != '")}`, 'externalId'],
      ['an externalId that is too long', `?externalId=${'a'.repeat(65)}`, 'externalId'],
      ['a one-character name', '?name=a', 'name'],
      ['a name with a control character', `?name=${encodeURIComponent('Glo\nbex')}`, 'name'],
      ['a limit over the maximum', '?name=Glo&limit=51', 'limit'],
      ['a limit that is not a number', '?name=Glo&limit=ten', 'limit'],
      ['an unknown parameter', '?name=Glo&sort=asc', 'sort'],
    ])('with %s, answers 422 naming the parameter, without calling Salesforce', async (_, query, parameter) => {
      const res = await get(`/accounts${query}`);
      expect(res.status).toBe(422);
      const { problem, text } = await problemOf(res);
      expect(problem.code).toBe('http.validation');
      expect(problem.errors?.map((e) => e.parameter)).toContain(parameter);
      expect(text).not.toContain('OR Name');
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('GET /contacts/{contactId} (getCrmContact)', () => {
    it('when the contact exists, answers 200 with the contract shape only', async () => {
      const res = await get('/contacts/003Dn00000GlbxP1AQ');
      expect(res.status).toBe(200);
      expect(ContactSchema.parse(await res.json())).toEqual({ id: '003Dn00000GlbxP1AQ', name: 'Hanna Becker', title: 'Head of Procurement', email: 'hanna.becker@globex.example', phone: '+49 30 9018 2211' });
    });

    it('when no contact has the id (or it is an account id), answers 404 crm.contact_not_found', async () => {
      for (const id of ['003Dn00000NopeP1AQ', '001Dn00000GlbxAIAR']) {
        const res = await get(`/contacts/${id}`);
        expect(res.status).toBe(404);
        expect((await problemOf(res)).problem.code).toBe('crm.contact_not_found');
      }
    });

    it('when the id is off-pattern, answers 422 naming contactId without calling Salesforce', async () => {
      const res = await get('/contacts/003%27%20OR%201=1');
      expect(res.status).toBe(422);
      expect((await problemOf(res)).problem.errors?.[0]).toMatchObject({ parameter: 'contactId' });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('GET /opportunities/{opportunityId} (getOpportunity)', () => {
    it('when the opportunity exists, answers 200 with the canonical stage, the vendor stage and the amount in minor units', async () => {
      const res = await get('/opportunities/006Dn00000UmbrOAAR');
      expect(res.status).toBe(200);
      expect(OpportunitySchema.parse(await res.json())).toMatchObject({
        accountId: '001Dn00000UmbrAIAR',
        stage: 'qualification',
        vendorStage: 'Needs Analysis',
        amount: { amountMinor: 120_000_00, currency: 'EUR' },
      });
    });

    it('when no opportunity has the id, answers 404 crm.opportunity_not_found', async () => {
      const res = await get('/opportunities/006Dn00000NopeOAAR');
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem.code).toBe('crm.opportunity_not_found');
    });
  });

  describe('PATCH /opportunities/{opportunityId} (updateOpportunity)', () => {
    it('when the change is valid, answers 200 with the opportunity as Salesforce now has it; the same change again answers the same', async () => {
      const body = { stage: 'closed_won', amount: { amountMinor: 260_000_00, currency: 'USD' }, closeDate: '2026-11-30' };
      const res = await send('PATCH', '/opportunities/006Dn00000StrkOAAR', body);
      expect(res.status).toBe(200);
      const updated = OpportunitySchema.parse(await res.json());
      expect(updated).toMatchObject({ stage: 'closed_won', vendorStage: 'Closed Won', amount: body.amount, closeDate: '2026-11-30' });
      await sandbox.resetStats();
      const again = await send('PATCH', '/opportunities/006Dn00000StrkOAAR', body);
      expect(await again.json()).toEqual(updated);
      expect((await sandbox.stats()).requests.some((r) => r.method === 'PATCH')).toBe(false);
    });

    it.each([
      ['an empty change', {}, ''],
      ['an unknown stage', { stage: 'won' }, '/stage'],
      ['a fractional amount', { amount: { amountMinor: 1.5, currency: 'EUR' } }, '/amount/amountMinor'],
      ['a lower-case currency', { amount: { amountMinor: 100, currency: 'eur' } }, '/amount/currency'],
      ['an impossible date', { closeDate: '2026-02-30' }, '/closeDate'],
      ['a vendor field', { StageName: 'Closed Won' }, '/StageName'],
    ])('when the body has %s, answers 422 pointing at it without calling Salesforce', async (_, body, pointer) => {
      const res = await send('PATCH', '/opportunities/006Dn00000GlbxOAAR', body);
      expect(res.status).toBe(422);
      expect((await problemOf(res)).problem.errors?.map((e) => e.pointer)).toContain(pointer);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the opportunity does not exist, answers 404', async () => {
      const res = await send('PATCH', '/opportunities/006Dn00000NopeOAAR', { stage: 'closed_lost' });
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem.code).toBe('crm.opportunity_not_found');
    });
  });

  describe('PUT /accounts/{accountId}/external-references (writeBackAccountReferences)', () => {
    it("when given other systems' ids, answers 204 with no body, and Salesforce holds them", async () => {
      const res = await send('PUT', '/accounts/001Dn00000UmbrAIAR/external-references', { erpCustomerId: '8814', supportOrganizationId: '360000008814' });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(await sandbox.readRecord('Account', '001Dn00000UmbrAIAR')).toMatchObject({ ERP_Customer_Id__c: '8814', Support_Organization_Id__c: '360000008814', Billing_Customer_Id__c: null });
    });

    it.each([
      ['the order number (it belongs on an opportunity)', { erpCustomerId: '8814', orderNumber: 'SO-1' }, '/orderNumber'],
      ['no reference', {}, ''],
      ['an unknown reference', { crmId: 'x' }, '/crmId'],
      ['an id that is too long', { erpCustomerId: 'x'.repeat(65) }, '/erpCustomerId'],
    ])('when the body has %s, answers 422 pointing at it without calling Salesforce', async (_, body, pointer) => {
      const res = await send('PUT', '/accounts/001Dn00000UmbrAIAR/external-references', body);
      expect(res.status).toBe(422);
      expect((await problemOf(res)).problem.errors?.map((e) => e.pointer)).toContain(pointer);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the account does not exist, answers 404 crm.account_not_found', async () => {
      const res = await send('PUT', '/accounts/001Dn00000NopeAIAR/external-references', { erpCustomerId: '1' });
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem.code).toBe('crm.account_not_found');
    });
  });

  describe('PUT /opportunities/{opportunityId}/external-references (writeBackOpportunityReferences)', () => {
    it('when given the order number, answers 204, and the opportunity shows it', async () => {
      const res = await send('PUT', '/opportunities/006Dn00000InitOAAR/external-references', { orderNumber: 'SO-10091' });
      expect(res.status).toBe(204);
      expect(await (await get('/opportunities/006Dn00000InitOAAR')).json()).toMatchObject({ orderNumber: 'SO-10091' });
    });

    it("when given a customer id (it belongs on the account), answers 422 pointing at it", async () => {
      const res = await send('PUT', '/opportunities/006Dn00000InitOAAR/external-references', { orderNumber: 'SO-1', billingCustomerId: 'cus_x' });
      expect(res.status).toBe(422);
      expect((await problemOf(res)).problem.errors).toEqual([{ pointer: '/billingCustomerId', detail: 'customer ids are written onto the account' }]);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('scopes', () => {
    it('reads declare crm:read and writes crm:write, on every route', () => {
      const routes = createCrmRouter({ crm: {} as CrmPort })
        .openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [d.route] : []))
        .map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.security]);
      expect(Object.fromEntries(routes)).toEqual({
        'GET /accounts/{accountId}': [{ oauth2: ['crm:read'] }],
        'GET /accounts': [{ oauth2: ['crm:read'] }],
        'GET /contacts/{contactId}': [{ oauth2: ['crm:read'] }],
        'GET /opportunities/{opportunityId}': [{ oauth2: ['crm:read'] }],
        'PATCH /opportunities/{opportunityId}': [{ oauth2: ['crm:write'] }],
        'PUT /accounts/{accountId}/external-references': [{ oauth2: ['crm:write'] }],
        'PUT /opportunities/{opportunityId}/external-references': [{ oauth2: ['crm:write'] }],
      });
    });
  });

  describe('vendor faults become problems without vendor text', () => {
    it('when Salesforce fails with 500, answers 502 upstream-error naming the crm domain only', async () => {
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/services/data/' });
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(502);
      const { problem, text } = await problemOf(res);
      expect(problem).toMatchObject({ code: 'vendor.error', type: 'https://strata.dev/problems/upstream-error', vendor: 'crm' });
      expect(text).not.toMatch(/UNKNOWN_EXCEPTION|unexpected error|salesforce/i);
    });

    it('when Salesforce sends an HTML page, answers 502 upstream-invalid-response without the page', async () => {
      await sandbox.injectFault({ fault: 'html', pathPattern: '/query' });
      const res = await get('/accounts?name=Wa');
      expect(res.status).toBe(502);
      const { problem, text } = await problemOf(res);
      expect(problem.code).toBe('vendor.invalid_response');
      expect(text).not.toContain(HTML_FAULT_CANARY);
      expect(logs.text()).not.toContain(HTML_FAULT_CANARY);
    });

    it('when Salesforce does not answer in time, answers 504 upstream-timeout', async () => {
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/services/data/' });
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(504);
      expect((await problemOf(res)).problem).toMatchObject({ code: 'vendor.timeout', type: 'https://strata.dev/problems/upstream-timeout' });
    });

    it('when a write-back PATCH never answers, retries it (idempotent) within the deadline, then answers 504', async () => {
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/sobjects/Account/001Dn00000HooliAIA' });
      const res = await send('PUT', '/accounts/001Dn00000HooliAIA/external-references', { erpCustomerId: '9001' });
      expect(res.status).toBe(504);
      expect((await problemOf(res)).problem).toMatchObject({ code: 'vendor.timeout', vendor: 'crm' });
      expect((await sandbox.stats()).requests.filter((r) => r.method === 'PATCH')).toHaveLength(2); // retries: 1 in this app
    });

    it("when Salesforce's org request limit is spent, answers 503 with Retry-After (not 429, which would blame the client)", async () => {
      await sandbox.injectFault({ fault: 'request-limit', pathPattern: '/query', times: 1 });
      const res = await get('/accounts?externalId=cus_01HZX3WAYNE');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('60');
      const { problem, text } = await problemOf(res);
      expect(problem.type).toBe('https://iana.org/assignments/http-problem-types#temporary-reduced-capacity');
      expect(text).not.toContain('TotalRequests');
    });
  });
});
