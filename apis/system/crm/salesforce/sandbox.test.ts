import { beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createManualClock } from '../../../../shared/clock.js';
import { SANDBOX_SALESFORCE_CREDENTIALS } from './config.js';
import { createSalesforceSandbox } from './sandbox.js';

// In-process requests (app.request) against the sandbox mounted the way the sandbox server mounts it.
const BASE = 'http://sandbox.test/salesforce';

describe('Salesforce sandbox', () => {
  let clock: ReturnType<typeof createManualClock>;
  let app: Hono;
  const call = (path: string, init?: RequestInit) => app.request(`${BASE}${path}`, init);
  const tokenRequest = (form: Record<string, string>) =>
    call('/services/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  const session = async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const data = async (path: string, headers: Record<string, string> = {}) => call(`/services/data/v62.0${path}`, { headers: { authorization: `Bearer ${await session()}`, ...headers } });

  beforeEach(() => {
    clock = createManualClock();
    app = new Hono().route('/salesforce', createSalesforceSandbox({ clock, sessionTtlMs: 60_000 }));
  });

  describe('token endpoint (client credentials)', () => {
    it('when the client id and secret are right, issues a Bearer session whose instance_url is the URL it was reached at', async () => {
      const res = await tokenRequest({ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ token_type: 'Bearer', instance_url: BASE, issued_at: String(clock.now()) });
    });

    it('when publicBaseUrl is given, returns it as instance_url', async () => {
      app = new Hono().route('/salesforce', createSalesforceSandbox({ publicBaseUrl: 'http://127.0.0.1:8081/salesforce' }));
      expect(await (await tokenRequest({ grant_type: 'client_credentials', ...credentials() })).json()).toMatchObject({ instance_url: 'http://127.0.0.1:8081/salesforce' });
    });

    it.each([
      [{ grant_type: 'password' }, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: 'someone-else', client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret }, 'invalid_client_id'],
      [{ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: 'wrong' }, 'invalid_client'],
    ])('when the request is %j, answers 400 %s', async (form, error) => {
      const res = await tokenRequest(form);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error });
    });
  });

  describe('data endpoints', () => {
    it('when the Bearer session is missing, unknown or past its lifetime, answers 401 INVALID_SESSION_ID', async () => {
      expect((await call('/services/data/v62.0/sobjects/Account/001Dn00000GlbxAIAR')).status).toBe(401);
      const token = await session();
      clock.advance(60_000);
      const res = await call('/services/data/v62.0/sobjects/Account/001Dn00000GlbxAIAR', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    });

    it('when asked for a row without ?fields=, answers all its fields (and Sforce-Limit-Info)', async () => {
      const res = await data('/sobjects/Account/001Dn00000GlbxAIAR');
      expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/15000$/);
      expect(await res.json()).toMatchObject({ Id: '001Dn00000GlbxAIAR', BillingCity: 'Berlin', OwnerId: '005Dn00000WhtfAIAA', External_Id__c: 'cus_01HZX3GLOBEX' });
    });

    it('when asked by external id on the upsert-key path, answers the record, 404, or 300 for a duplicate', async () => {
      expect(await (await data('/sobjects/Account/External_Id__c/cus_01HZX3WAYNE')).json()).toMatchObject({ Id: '001Dn00000WaynAIAR' });
      expect((await data('/sobjects/Account/External_Id__c/cus_nobody')).status).toBe(404);
      app = new Hono().route('/salesforce', createSalesforceSandbox({ extraAccounts: [{ Id: '001Dn00000DupeAIAR', Name: 'Dupe', External_Id__c: 'cus_01HZX3WAYNE' }] }));
      const dupes = await data('/sobjects/Account/External_Id__c/cus_01HZX3WAYNE');
      expect(dupes.status).toBe(300);
      expect(await dupes.json()).toHaveLength(2);
    });

    it('when the API version or resource does not exist, answers 404 NOT_FOUND', async () => {
      expect((await call('/services/data/v6.2/query?q=x', { headers: { authorization: `Bearer ${await session()}` } })).status).toBe(404);
      const res = await data('/sobjects/Widget/001Dn00000GlbxAIAR');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    });

    it("when the query string has + for spaces (the collection's own example style), still parses it", async () => {
      const res = await data('/query/?q=SELECT+Name+from+Account+LIMIT+1');
      expect(await res.json()).toMatchObject({ totalSize: 1, records: [{ Name: 'Globex GmbH' }] });
    });
  });

  describe('updates (PATCH sobjects/{type}/{id})', () => {
    const patch = async (path: string, body: unknown, contentType = 'application/json') =>
      call(`/services/data/v62.0/sobjects${path}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${await session()}`, 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('when the fields are valid, answers 204 with no body and the record shows them, with the stage-derived fields', async () => {
      clock.advance(5_000);
      const res = await patch('/Opportunity/006Dn00000WaynOAAR', { StageName: 'Closed Lost', Amount: 31000.456, Order_Number__c: 'SO-1' });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(await (await data('/sobjects/Opportunity/006Dn00000WaynOAAR')).json()).toMatchObject({
        StageName: 'Closed Lost',
        IsClosed: true,
        IsWon: false,
        Probability: 0,
        ForecastCategoryName: 'Omitted',
        Amount: 31000.46,
        Order_Number__c: 'SO-1',
        LastModifiedDate: new Date(clock.now()).toISOString().replace('Z', '+0000'),
      });
    });

    it.each([
      ['an unknown field', { Secret__c: 'x' }, 'INVALID_FIELD', undefined],
      ['a value outside the restricted Stage picklist', { StageName: 'Won-ish' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', ['StageName']],
      ['an inactive currency', { CurrencyIsoCode: 'CHF' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', ['CurrencyIsoCode']],
      ['a read-only field', { IsWon: true }, 'INVALID_FIELD_FOR_INSERT_UPDATE', ['IsWon']],
      ['null for a required field', { CloseDate: null }, 'REQUIRED_FIELD_MISSING', ['CloseDate']],
      ['text longer than the field', { Order_Number__c: 'x'.repeat(65) }, 'STRING_TOO_LONG', ['Order_Number__c']],
      ['a string for a currency field', { Amount: '100' }, 'JSON_PARSER_ERROR', undefined],
      ['an impossible date', { CloseDate: '2026-02-30' }, 'JSON_PARSER_ERROR', undefined],
      ['a JSON array', [], 'JSON_PARSER_ERROR', undefined],
      ['broken JSON', '{"StageName":', 'JSON_PARSER_ERROR', undefined],
    ])('when the body has %s, answers 400 %s and changes nothing', async (_, body, errorCode, fields) => {
      const before = await (await data('/sobjects/Opportunity/006Dn00000GlbxOAAR')).json();
      const res = await patch('/Opportunity/006Dn00000GlbxOAAR', Array.isArray(body) || typeof body === 'string' ? body : { Name: 'Renamed', ...body });
      expect(res.status).toBe(400);
      const [error] = (await res.json()) as [{ errorCode: string; fields?: string[] }];
      expect(error.errorCode).toBe(errorCode);
      expect(error.fields).toEqual(fields);
      expect(await (await data('/sobjects/Opportunity/006Dn00000GlbxOAAR')).json()).toEqual(before);
    });

    it('when the record or object does not exist, answers 404 NOT_FOUND; a non-JSON body is 415', async () => {
      expect((await patch('/Opportunity/006Dn00000NopeOAAR', { Name: 'x' })).status).toBe(404);
      expect((await patch('/Widget/006Dn00000GlbxOAAR', { Name: 'x' })).status).toBe(404);
      const res = await patch('/Account/001Dn00000GlbxAIAR', 'ERP_Customer_Id__c=1', 'application/x-www-form-urlencoded');
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject([{ errorCode: 'UNSUPPORTED_MEDIA_TYPE' }]);
    });

    it('keeps updates per sandbox instance: a new sandbox starts from the seed', async () => {
      expect((await patch('/Account/001Dn00000GlbxAIAR', { ERP_Customer_Id__c: '8812' })).status).toBe(204);
      expect(await (await data('/sobjects/Account/001Dn00000GlbxAIAR')).json()).toMatchObject({ ERP_Customer_Id__c: '8812' });
      app = new Hono().route('/salesforce', createSalesforceSandbox({ clock, sessionTtlMs: 60_000 }));
      expect(await (await data('/sobjects/Account/001Dn00000GlbxAIAR')).json()).toMatchObject({ ERP_Customer_Id__c: null });
    });
  });

  describe('fault injection', () => {
    it('when the x-sandbox-fault header names a fault, that request gets it', async () => {
      const res = await data('/sobjects/Account/001Dn00000GlbxAIAR', { 'x-sandbox-fault': 'rate-limit', 'x-sandbox-retry-after': '7' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await data('/sobjects/Account/001Dn00000GlbxAIAR')).status).toBe(200);
    });

    it('when a fault is set with times and pathPattern, applies it that many times, to matching paths only', async () => {
      const token = await session();
      const post = await call('/__sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'error503', times: 2, pathPattern: '/query' }) });
      expect(post.status).toBe(201);
      const get = (path: string) => call(`/services/data/v62.0${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get('/sobjects/Account/001Dn00000GlbxAIAR')).status).toBe(200);
      expect((await get('/query?q=SELECT+Id+FROM+Account')).status).toBe(503);
      expect((await get('/query?q=SELECT+Id+FROM+Account')).status).toBe(503);
      expect((await get('/query?q=SELECT+Id+FROM+Account')).status).toBe(200);
    });

    it('when faults are cleared, requests are served normally again', async () => {
      await call('/__sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'error500' }) });
      expect((await data('/sobjects/Account/001Dn00000GlbxAIAR')).status).toBe(500);
      expect((await call('/__sandbox/faults', { method: 'DELETE' })).status).toBe(204);
      expect((await data('/sobjects/Account/001Dn00000GlbxAIAR')).status).toBe(200);
    });

    it.each([[{ fault: 'meteor' }], [{ fault: 'error500', times: 0 }], [{ fault: 'error500', pathPattern: '(' }], [{ fault: 'error500', extra: 1 }]])(
      'when the fault rule is invalid (%j), answers 400 and sets nothing',
      async (rule) => {
        const res = await call('/__sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
        expect(res.status).toBe(400);
        expect(await (await call('/__sandbox/faults')).json()).toEqual({ faults: [] });
      },
    );

    it.each([
      ['html', 200, 'text/html'],
      ['redirect', 302, null],
      ['request-limit', 403, 'application/json'],
      ['invalid-session', 401, 'application/json'],
    ])('the %s fault answers %i', async (fault, status, type) => {
      const res = await data('/sobjects/Account/001Dn00000GlbxAIAR', { 'x-sandbox-fault': fault });
      expect(res.status).toBe(status);
      if (type) expect(res.headers.get('content-type')).toContain(type);
    });

    it('the latency fault delays, then serves the real response', async () => {
      const res = await data('/sobjects/Account/001Dn00000GlbxAIAR', { 'x-sandbox-fault': 'latency', 'x-sandbox-delay-ms': '20' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ Id: '001Dn00000GlbxAIAR' });
    });

    it('the malformed and wrong-types faults keep the status but break the body', async () => {
      const truncated = await data('/sobjects/Account/001Dn00000GlbxAIAR', { 'x-sandbox-fault': 'malformed' });
      expect(truncated.status).toBe(200);
      const text = await truncated.text();
      expect(() => JSON.parse(text)).toThrow();
      const wrong = (await (await data('/sobjects/Account/001Dn00000GlbxAIAR', { 'x-sandbox-fault': 'wrong-types' })).json()) as Record<string, unknown>;
      expect(wrong.Id).toBe(42);
    });
  });

  describe('stats', () => {
    it('counts vendor requests per path, not control calls, and records no secrets', async () => {
      await data('/sobjects/Account/001Dn00000GlbxAIAR');
      await call('/__sandbox/faults');
      const stats = (await (await call('/__sandbox/stats')).json()) as { total: number; byPath: Record<string, number> };
      expect(stats.byPath).toEqual({ '/salesforce/services/oauth2/token': 1, '/salesforce/services/data/v62.0/sobjects/Account/001Dn00000GlbxAIAR': 1 });
      expect(JSON.stringify(stats)).not.toContain(SANDBOX_SALESFORCE_CREDENTIALS.clientSecret);
      expect((await call('/__sandbox/stats', { method: 'DELETE' })).status).toBe(204);
      expect(await (await call('/__sandbox/stats')).json()).toMatchObject({ total: 0 });
    });
  });
});

const credentials = () => ({ client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret });
