import { generateKeyPairSync } from 'node:crypto';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { NS_CLIENT_ASSERTION_TYPE, NS_SUITEQL_PATH, NS_TOKEN_PATH, NsErrorSchema, NsInvoicePageSchema } from '../../../../openapi/vendors/netsuite/types.js';
import { customerSearchQuery, invoicesQuery } from './suiteql.js';
import { SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxKeyPair } from './sandbox-credentials.js';
import { createNetsuiteSandbox } from './sandbox.js';

const ORIGIN = 'http://127.0.0.1:4010';
const BASE = `${ORIGIN}/netsuite`;
const TOKEN_URL = BASE + NS_TOKEN_PATH;
const { privateKey } = sandboxKeyPair();

interface AssertionOptions {
  aud?: string;
  iss?: string;
  kid?: string;
  lifetime?: number;
  iatOffset?: number;
  scope?: unknown;
  key?: Parameters<SignJWT['sign']>[0];
  alg?: string;
}

describe('NetSuite sandbox', () => {
  let clock: ReturnType<typeof createManualClock>;
  let app: Hono;

  beforeEach(() => {
    clock = createManualClock();
    app = new Hono().route('/netsuite', createNetsuiteSandbox({ clock }));
  });

  const assertion = (o: AssertionOptions = {}) => {
    const iat = Math.floor(clock.now() / 1000) + (o.iatOffset ?? 0);
    return new SignJWT({ scope: 'scope' in o ? o.scope : ['rest_webservices'] })
      .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? SANDBOX_CERTIFICATE_ID, typ: 'JWT' })
      .setIssuer(o.iss ?? SANDBOX_CLIENT_ID)
      .setAudience(o.aud ?? TOKEN_URL)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (o.lifetime ?? 300))
      .sign(o.key ?? privateKey);
  };
  const tokenRequest = async (jwt: string | Promise<string>, extra: Record<string, string> = {}) =>
    app.request(TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: NS_CLIENT_ASSERTION_TYPE, client_assertion: await jwt, ...extra }),
    });
  const token = async () => ((await (await tokenRequest(assertion())).json()) as { access_token: string }).access_token;
  const suiteql = (bearer: string, customerId: string, query = '', headers: Record<string, string> = {}) =>
    app.request(`${BASE}${NS_SUITEQL_PATH}${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, prefer: 'transient', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ q: invoicesQuery(customerId, 'open') }),
    });

  describe('POST /services/rest/auth/oauth2/v1/token', () => {
    it('when the assertion is well formed and signed with the certificate key, issues a bearer token', async () => {
      const res = await tokenRequest(assertion());
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ expires_in: '3600', token_type: 'bearer', access_token: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
    });

    it.each<[string, AssertionOptions, number, string]>([
      ['the audience is another URL', { aud: `${ORIGIN}/services/rest/auth/oauth2/v1/token` }, 400, 'invalid_grant'],
      ['the issuer is another client', { iss: 'someone-else' }, 400, 'invalid_grant'],
      ['the assertion lives longer than one hour', { lifetime: 3601 }, 400, 'invalid_grant'],
      ['the assertion has expired', { iatOffset: -600 }, 400, 'invalid_grant'],
      ['the kid names no certificate', { kid: 'unknown-cert' }, 401, 'invalid_client'],
      ['the scope lacks rest_webservices', { scope: ['restlets'] }, 400, 'invalid_scope'],
    ])('when %s, refuses it', async (_name, options, status, error) => {
      const res = await tokenRequest(assertion(options));
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error });
    });

    it('when the assertion is signed with another key, refuses it', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const res = await tokenRequest(assertion({ key: other }));
      expect(await res.json()).toEqual({ error: 'invalid_grant' });
    });

    it('when the grant type or the assertion type is wrong, refuses the request', async () => {
      expect(await (await tokenRequest(assertion(), { grant_type: 'password' })).json()).toEqual({ error: 'unsupported_grant_type' });
      expect(await (await tokenRequest(assertion(), { client_assertion_type: 'urn:x' })).json()).toEqual({ error: 'invalid_request' });
      expect((await tokenRequest('not.a.jwt')).status).toBe(400);
    });
  });

  describe('record and query calls', () => {
    it('when no valid bearer token is sent, answers 401 nsError', async () => {
      const res = await app.request(`${BASE}/services/rest/record/v1/customer/8812`, { headers: { authorization: 'Bearer nope' } });
      expect(res.status).toBe(401);
      expect(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]?.['o:errorCode']).toBe('INVALID_LOGIN');
    });

    it('when the token has expired (one hour later), answers 401', async () => {
      const bearer = await token();
      clock.advance(3_600_000);
      expect((await app.request(`${BASE}/services/rest/record/v1/customer/8812`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(401);
    });

    it('when the customer does not exist, answers 404 nsError NONEXISTENT_ID', async () => {
      const res = await app.request(`${BASE}/services/rest/record/v1/customer/424242`, { headers: { authorization: `Bearer ${await token()}` } });
      expect(res.status).toBe(404);
      expect(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]?.['o:errorCode']).toBe('NONEXISTENT_ID');
    });

    it('when fields= is given, returns only those fields (plus id and links)', async () => {
      const res = await app.request(`${BASE}/services/rest/record/v1/customer/8812?fields=id`, { headers: { authorization: `Bearer ${await token()}` } });
      expect(Object.keys((await res.json()) as object).sort()).toEqual(['id', 'links']);
    });

    it('when SuiteQL is paged with limit and offset, returns the pages with hasMore and a next link', async () => {
      const bearer = await token();
      const first = NsInvoicePageSchema.parse(await (await suiteql(bearer, '8812', '?limit=1&offset=0')).json());
      const second = NsInvoicePageSchema.parse(await (await suiteql(bearer, '8812', '?limit=1&offset=1')).json());
      expect(first).toMatchObject({ count: 1, hasMore: true, offset: 0, totalResults: 2, items: [{ tranid: 'INV-10422' }] });
      expect(first.links?.find((l) => l.rel === 'next')?.href).toBe(`${BASE}${NS_SUITEQL_PATH}?limit=1&offset=1`);
      expect(second).toMatchObject({ count: 1, hasMore: false, offset: 1, items: [{ tranid: 'INV-10488' }] });
    });

    it('when the Prefer: transient header is missing, or limit is out of range, answers 400 nsError', async () => {
      const bearer = await token();
      expect((await suiteql(bearer, '8812', '', { prefer: '' })).status).toBe(400);
      expect((await suiteql(bearer, '8812', '?limit=1001')).status).toBe(400);
      expect((await suiteql(bearer, '8812', '?limit=0')).status).toBe(400);
    });

    it('when the query is not one the sandbox knows, answers 400 nsError INVALID_SEARCH', async () => {
      const res = await app.request(`${BASE}${NS_SUITEQL_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token()}`, prefer: 'transient', 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'SELECT id FROM employee' }),
      });
      expect(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]?.['o:errorCode']).toBe('INVALID_SEARCH');
    });
  });

  describe('record writes', () => {
    const KEY = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    const ORDER = { externalId: 'ord-1', entity: { id: '8812' }, currency: { id: '4' }, item: { items: [{ item: { id: '101' }, quantity: 2 }] } };
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}, bearer?: string) =>
      app.request(`${BASE}/services/rest/record/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer ?? (await token())}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const get = async (path: string) => app.request(`${BASE}/services/rest/record/v1/${path}`, { headers: { authorization: `Bearer ${await token()}` } });

    it('when a sales order is created, answers 204 with Location; the order has the next number, its external id resolves via eid:', async () => {
      const res = await post('salesOrder', ORDER);
      expect([res.status, res.headers.get('location')]).toEqual([204, `${BASE}/services/rest/record/v1/salesOrder/60001`]);
      const byEid = (await (await get('salesOrder/eid:ord-1?expandSubResources=true')).json()) as Record<string, unknown>;
      expect(byEid).toMatchObject({ id: '60001', tranId: 'SO-105001', orderStatus: { id: 'B' }, total: 90, item: { items: [{ item: { id: '101', refName: 'STRATA-ENT' }, rate: 45, amount: 90 }] } });
    });

    it('when the idempotency key repeats, replays the first outcome without creating again; another external id with no key is a new order', async () => {
      const bearer = await token();
      const first = await post('salesOrder', ORDER, { 'x-netsuite-idempotency-key': KEY }, bearer);
      const again = await post('salesOrder', { ...ORDER, externalId: 'ord-other' }, { 'x-netsuite-idempotency-key': KEY }, bearer);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect((await post('salesOrder', { ...ORDER, externalId: 'ord-2' }, {}, bearer)).headers.get('location')).toMatch(/\/60002$/);
      const created = (await (await app.request(`${BASE}/__sandbox/created`)).json()) as { salesOrders: { externalId: string }[] };
      expect(created.salesOrders.map((o) => o.externalId)).toEqual(['ord-1', 'ord-2']);
    });

    it('when the sandbox is set to answer repeated keys with a conflict, says IDEMPOTENCY_ERROR with the first record in Location', async () => {
      const strict = new Hono().route('/netsuite', createNetsuiteSandbox({ clock, repeatedIdempotencyKey: 'conflict' }));
      const tokenRes = await strict.request(TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: NS_CLIENT_ASSERTION_TYPE, client_assertion: await assertion() }),
      });
      const bearer = ((await tokenRes.json()) as { access_token: string }).access_token;
      const send = () =>
        strict.request(`${BASE}/services/rest/record/v1/salesOrder`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'x-netsuite-idempotency-key': KEY },
          body: JSON.stringify(ORDER),
        });
      expect((await send()).status).toBe(204);
      const conflict = await send();
      expect([conflict.status, conflict.headers.get('location')]).toEqual([400, `${BASE}/services/rest/record/v1/salesOrder/60001`]);
      expect(NsErrorSchema.parse(await conflict.json())['o:errorDetails']?.[0]?.['o:errorCode']).toBe('IDEMPOTENCY_ERROR');
    });

    it.each([
      ['an inactive item', { item: { items: [{ item: { id: '105' }, quantity: 1 }] } }, 'item.items[0].item'],
      ['another currency than the customer’s', { currency: { id: '1' } }, 'currency'],
      ['a rate without the custom price level', { item: { items: [{ item: { id: '101' }, quantity: 1, rate: 10 }] } }, 'item.items.0'],
    ])('when an order has %s, refuses it with 400 naming the field', async (_name, change, errorPath) => {
      const res = await post('salesOrder', { ...ORDER, ...change });
      expect(res.status).toBe(400);
      expect(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]?.['o:errorPath']).toBe(errorPath);
    });

    it('when a customer is created, it is found by id, by eid: and by SuiteQL name search; a reset forgets it', async () => {
      const body = { externalId: 'cus-x', companyName: "O'Hara & Co", isPerson: false, currency: { id: '2' }, addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { city: 'Leeds', country: { id: 'GB' } } }] } };
      expect((await post('customer', body)).status).toBe(204);
      expect((await get('customer/9001')).status).toBe(200);
      expect(((await (await get('customer/eid:cus-x')).json()) as { companyName: string }).companyName).toBe("O'Hara & Co");
      const bearer = await token();
      const search = await app.request(`${BASE}${NS_SUITEQL_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, prefer: 'transient', 'content-type': 'application/json' },
        body: JSON.stringify({ q: customerSearchQuery({ legalName: "o'hara & co", country: 'GB' }) }),
      });
      const found = ((await search.json()) as { items: { id: string }[] }).items.map((i) => i.id);
      expect(found).toEqual(['9001']);
      await app.request(`${BASE}/__sandbox/reset`, { method: 'POST' });
      expect((await get('customer/9001')).status).toBe(404);
    });

    it('when a query concatenates a quote unescaped, answers 400 INVALID_SEARCH (a syntax error), not a widened result', async () => {
      const res = await app.request(`${BASE}${NS_SUITEQL_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token()}`, prefer: 'transient', 'content-type': 'application/json' },
        body: JSON.stringify({ q: "SELECT c.id FROM customer c LEFT JOIN EntityAddress ea ON ea.nkey = c.defaultbillingaddress WHERE UPPER(c.companyname) = UPPER('x' OR '1'='1') ORDER BY c.id ASC" }),
      });
      expect(res.status).toBe(400);
      expect(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]?.['o:errorCode']).toBe('INVALID_SEARCH');
    });
  });

  describe('fault injection', () => {
    const customer = async (headers: Record<string, string> = {}) =>
      app.request(`${BASE}/services/rest/record/v1/customer/8812`, { headers: { authorization: `Bearer ${await token()}`, ...headers } });

    it('when x-sandbox-fault: rate-limit is sent, answers 429 with Retry-After (seconds or HTTP-date)', async () => {
      const res = await customer({ 'x-sandbox-fault': 'rate-limit' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
      expect((await customer({ 'x-sandbox-fault': 'rate-limit', 'x-sandbox-retry-after': date })).headers.get('retry-after')).toBe(date);
    });

    it('when x-sandbox-fault names no fault, answers 400', async () => {
      expect((await customer({ 'x-sandbox-fault': 'meteor' })).status).toBe(400);
    });

    it('when html, malformed, wrong-types or redirect is asked for, the body or status is corrupted accordingly', async () => {
      const html = await customer({ 'x-sandbox-fault': 'html' });
      expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=UTF-8']);
      const malformed = await (await customer({ 'x-sandbox-fault': 'malformed' })).text();
      expect(malformed.length).toBeGreaterThan(10);
      expect(() => JSON.parse(malformed)).toThrow();
      const wrong = (await (await customer({ 'x-sandbox-fault': 'wrong-types' })).json()) as Record<string, unknown>;
      expect([wrong.balance, wrong.isInactive, wrong.id]).toEqual(['twelve', 'no', 'twelve']);
      const redirect = await customer({ 'x-sandbox-fault': 'redirect' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('http://localhost:4010/netsuite/__sandbox/redirect-target');
    });

    it('when a fault rule is posted with times and pathPattern, it applies that often, to matching paths only', async () => {
      const bearer = await token();
      const post = await app.request(`${BASE}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'error503', times: 2, pathPattern: '/record/v1/customer/' }),
      });
      expect(post.status).toBe(201);
      const get = () => app.request(`${BASE}/services/rest/record/v1/customer/8812`, { headers: { authorization: `Bearer ${bearer}` } });
      expect((await suiteql(bearer, '8812')).status).toBe(200);
      expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([503, 503, 200]);
    });

    it('when a fault rule is invalid, refuses it with 400', async () => {
      const post = (body: unknown) => app.request(`${BASE}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post({ fault: 'meteor' })).status).toBe(400);
      expect((await post({ fault: 'html', pathPattern: '(' })).status).toBe(400);
      expect((await post({ fault: 'html', extra: 1 })).status).toBe(400);
    });

    it('when stats are read, they count requests per path relative to the mount point', async () => {
      await customer();
      const stats = (await (await app.request(`${BASE}/__sandbox/stats`)).json()) as { total: number; byPath: Record<string, number> };
      expect(stats).toEqual({ total: 2, byPath: { [NS_TOKEN_PATH]: 1, '/services/rest/record/v1/customer/8812': 1 } });
    });
  });
});
