import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import {
  NS_CLIENT_ASSERTION_TYPE,
  NS_CUSTOMER_PATH,
  NS_IDEMPOTENCY_KEY,
  NS_SALES_ORDER_PATH,
  NS_SUITEQL_PATH,
  NS_TOKEN_PATH,
  NsClientAssertionClaimsSchema,
  NsClientAssertionHeaderSchema,
  NsCurrencyPageSchema,
  NsCustomerCreateSchema,
  NsCustomerSchema,
  NsErrorSchema,
  NsIdPageSchema,
  NsInvoicePageSchema,
  NsItemPageSchema,
  NsPaymentPageSchema,
  NsSalesOrderCreateSchema,
  NsSalesOrderSchema,
  NsRecordIdSchema,
  NsSuiteQlRequestSchema,
  NsTokenRequestSchema,
  NsTokenResponseSchema,
} from '../../../../openapi/vendors/netsuite/types.js';
import { currencyQuery, customerSearchQuery, invoicesQuery, itemsQuery, paymentsQuery } from './suiteql.js';
import { SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxKeyPair } from './sandbox-credentials.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import { callCtx, sandboxAdapter, TRACE_ID } from './test-support.js';

/**
 * Both directions of the wire contract, against the hand-written vendor schemas (the ones the adapter
 * parses with): what the sandbox sends, and what the adapter sends.
 */
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
let sandbox: NetsuiteSandboxHandle;

beforeAll(async () => {
  sandbox = await serveNetsuiteSandbox({
    certificates: [
      { clientId: SANDBOX_CLIENT_ID, certificateId: SANDBOX_CERTIFICATE_ID, publicKey: sandboxKeyPair().publicKey },
      { clientId: 'rsa-integration', certificateId: 'rsa-certificate', publicKey: rsa.publicKey },
    ],
  });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const issueToken = async () => {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: ['rest_webservices'] })
    .setProtectedHeader({ alg: 'ES256', kid: SANDBOX_CERTIFICATE_ID })
    .setIssuer(SANDBOX_CLIENT_ID)
    .setAudience(sandbox.baseUrl + NS_TOKEN_PATH)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(sandboxKeyPair().privateKey);
  const res = await fetch(sandbox.baseUrl + NS_TOKEN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: NS_CLIENT_ASSERTION_TYPE, client_assertion: assertion }),
  });
  return NsTokenResponseSchema.parse(await res.json()).access_token;
};

describe('NetSuite wire conformance', () => {
  describe('sandbox responses validate against the vendor schemas', () => {
    it('when a token is requested, the response matches NsTokenResponseSchema', async () => {
      expect(await issueToken()).toMatch(/\S{20,}/);
    });

    it.each(SEED_COMPANIES.map((s) => s.netsuiteCustomerId))('when customer %s is read (with and without sub-resources), the record matches NsCustomerSchema', async (id) => {
      const token = await issueToken();
      for (const query of ['', '?expandSubResources=true']) {
        const res = await fetch(`${sandbox.baseUrl}${NS_CUSTOMER_PATH}/${id}${query}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.resource\+json; type=singular-resource/);
        const parsed = NsCustomerSchema.safeParse(await res.json());
        expect(parsed.error?.issues).toBeUndefined();
        expect(parsed.data?.addressBook?.items?.length ?? 0).toBe(query ? 1 : 0);
      }
      const probe = await fetch(`${sandbox.baseUrl}${NS_CUSTOMER_PATH}/${id}?fields=id`, { headers: { authorization: `Bearer ${token}` } });
      expect(NsRecordIdSchema.safeParse(await probe.json()).success).toBe(true);
    });

    it.each(SEED_COMPANIES.map((s) => s.netsuiteCustomerId))('when the open invoices of %s are queried, the page matches NsInvoicePageSchema', async (id) => {
      const res = await fetch(`${sandbox.baseUrl}${NS_SUITEQL_PATH}?limit=1000&offset=0`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await issueToken()}`, prefer: 'transient', 'content-type': 'application/json' },
        body: JSON.stringify({ q: invoicesQuery(id, 'open') }),
      });
      const parsed = NsInvoicePageSchema.safeParse(await res.json());
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data?.totalResults).toBe(SEED_COMPANIES.find((s) => s.netsuiteCustomerId === id)!.openInvoices.length);
    });

    const suiteql = async (q: string, token: string, page = '?limit=1000&offset=0') =>
      (
        await fetch(`${sandbox.baseUrl}${NS_SUITEQL_PATH}${page}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, prefer: 'transient', 'content-type': 'application/json' },
          body: JSON.stringify({ q }),
        })
      ).json();

    it.each(SEED_COMPANIES.map((s) => s.netsuiteCustomerId))('when the invoices (paid, all), payments and orders of %s are read, each matches its schema', async (id) => {
      const token = await issueToken();
      for (const status of ['paid', 'all'] as const) {
        const parsed = NsInvoicePageSchema.safeParse(await suiteql(invoicesQuery(id, status), token));
        expect(parsed.error?.issues).toBeUndefined();
        expect(parsed.data?.items.length).toBeGreaterThan(0);
      }
      const payments = NsPaymentPageSchema.safeParse(await suiteql(paymentsQuery(id), token));
      expect(payments.error?.issues).toBeUndefined();
      expect(payments.data?.items.every((row) => row.appliedto !== undefined)).toBe(true);
      const index = SEED_COMPANIES.findIndex((s) => s.netsuiteCustomerId === id);
      for (const query of ['', '?expandSubResources=true']) {
        const res = await fetch(`${sandbox.baseUrl}${NS_SALES_ORDER_PATH}/${50_000 + index * 10}${query}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.resource\+json; type=singular-resource/);
        const order = NsSalesOrderSchema.safeParse(await res.json());
        expect(order.error?.issues).toBeUndefined();
        expect(order.data?.item?.items?.length ?? 0).toBe(query ? 1 : 0);
      }
    });

    it('when customers, items and currencies are looked up, the rows match their schemas', async () => {
      const token = await issueToken();
      expect(NsIdPageSchema.parse(await suiteql(customerSearchQuery({ legalName: 'Globex GmbH', country: 'DE' }), token)).items).toEqual([{ links: [], id: '8812' }]);
      expect(NsItemPageSchema.parse(await suiteql(itemsQuery(['STRATA-ENT', '103']), token)).items.map((i) => i.itemid)).toEqual(['STRATA-ENT', 'STRATA-SERVICES']);
      expect(NsCurrencyPageSchema.parse(await suiteql(currencyQuery('GBP'), token)).items).toEqual([{ links: [], id: '2', symbol: 'GBP' }]);
    });

    it('when a record is created, NetSuite answers 204 with no body and the new record in Location; refusals are nsError bodies', async () => {
      const token = await issueToken();
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const order = { externalId: 'conf-1', entity: { id: '8815' }, currency: { id: '1' }, item: { items: [{ item: { id: '101' }, quantity: 2 }] } };
      const created = await post(NS_SALES_ORDER_PATH, NsSalesOrderCreateSchema.parse(order), { 'x-netsuite-idempotency-key': '0b5e4c7a-9f1e-4f5e-8a34-1c2d3e4f5a6b' });
      expect([created.status, await created.text(), created.headers.get('location')]).toEqual([204, '', `${sandbox.baseUrl}${NS_SALES_ORDER_PATH}/60001`]);
      const refusals = [
        await post(NS_SALES_ORDER_PATH, order), // same externalId, no key: a duplicate
        await post(NS_SALES_ORDER_PATH, { ...order, externalId: 'conf-2', entity: { id: '424242' } }),
        await post(NS_SALES_ORDER_PATH, { ...order, externalId: 'conf-3', memo: 'unknown field' }),
        await post(NS_CUSTOMER_PATH, { externalId: 'conf-4', companyName: 'X', isPerson: false, currency: { id: '1' } }, { 'x-netsuite-idempotency-key': 'not-a-uuid' }),
      ];
      expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      const codes = [];
      for (const res of refusals) {
        expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.resource\+json; type=error/);
        codes.push(NsErrorSchema.parse(await res.json())['o:errorDetails']?.[0]);
      }
      expect(codes).toMatchObject([
        { 'o:errorCode': 'DUP_RCRD', 'o:errorPath': 'externalId' },
        { 'o:errorCode': 'INVALID_KEY_OR_REF', 'o:errorPath': 'entity' },
        { 'o:errorCode': 'INVALID_FIELD' },
        { 'o:errorCode': 'INVALID_HEADER' },
      ]);
    });

    it('when NetSuite fails (401, 404, 400, 429, 500, 503), the body matches the nsError schema', async () => {
      const token = await issueToken();
      const record = (id: string, headers: Record<string, string> = {}) => fetch(`${sandbox.baseUrl}${NS_CUSTOMER_PATH}/${id}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
      const responses = [
        await fetch(`${sandbox.baseUrl}${NS_CUSTOMER_PATH}/8812`),
        await record('999999'),
        await fetch(`${sandbox.baseUrl}${NS_SUITEQL_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }),
        await record('8812', { 'x-sandbox-fault': 'rate-limit' }),
        await record('8812', { 'x-sandbox-fault': 'error500' }),
        await record('8812', { 'x-sandbox-fault': 'error503' }),
      ];
      expect(responses.map((r) => r.status)).toEqual([401, 404, 400, 429, 500, 503]);
      for (const res of responses) {
        expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oracle\.resource\+json; type=error/);
        const parsed = NsErrorSchema.safeParse(await res.json());
        expect(parsed.success).toBe(true);
        expect(parsed.data?.status).toBe(res.status);
      }
    });
  });

  describe('adapter requests carry the documented method, path, headers and body', () => {
    const byPath = (requests: RecordedRequest[], path: string) => requests.filter((r) => r.path === path);
    const traceparent = new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`);

    it('when the adapter reads a customer, credit, invoices and an empty invoice list, each request is as NetSuite documents it', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      try {
        expect((await adapter.erp.getCustomer('8812', callCtx(systemClock))).ok).toBe(true);
        expect((await adapter.erp.getCreditProfile('8813', callCtx(systemClock))).ok).toBe(true);
        expect((await adapter.erp.listInvoices('8812', { status: 'open', limit: 7 }, callCtx(systemClock))).ok).toBe(true);
        expect((await adapter.erp.listInvoices('8815', { status: 'open', limit: 7 }, callCtx(systemClock))).ok).toBe(true);
      } finally {
        await adapter.close();
      }
      const requests = await sandbox.requests();

      const [token] = byPath(requests, NS_TOKEN_PATH);
      expect(byPath(requests, NS_TOKEN_PATH)).toHaveLength(1);
      expect(token).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
      const form = NsTokenRequestSchema.parse(Object.fromEntries(new URLSearchParams(token!.body)));
      expect(NsClientAssertionHeaderSchema.parse(decodeProtectedHeader(form.client_assertion))).toEqual({ alg: 'ES256', kid: SANDBOX_CERTIFICATE_ID, typ: 'JWT' });
      const claims = NsClientAssertionClaimsSchema.parse(decodeJwt(form.client_assertion));
      expect(claims).toMatchObject({ iss: SANDBOX_CLIENT_ID, aud: sandbox.baseUrl + NS_TOKEN_PATH, scope: ['rest_webservices'] });

      const reads = requests.filter((r) => r.path.startsWith(NS_CUSTOMER_PATH));
      expect(reads.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
        ['GET', `${NS_CUSTOMER_PATH}/8812`, { expandSubResources: 'true' }, undefined],
        ['GET', `${NS_CUSTOMER_PATH}/8813`, {}, undefined],
        ['GET', `${NS_CUSTOMER_PATH}/8815`, { fields: 'id' }, undefined], // existence probe after an empty page
      ]);

      const queries = byPath(requests, NS_SUITEQL_PATH);
      expect(queries.map((q) => q.query)).toEqual([
        { limit: '7', offset: '0' },
        { limit: '7', offset: '0' },
      ]);
      expect(queries.map((q) => NsSuiteQlRequestSchema.parse(JSON.parse(q.body!)).q)).toEqual([invoicesQuery('8812', 'open'), invoicesQuery('8815', 'open')]);
      for (const q of queries) expect(q.headers).toMatchObject({ prefer: 'transient', 'content-type': 'application/json' });

      for (const r of [...reads, ...queries]) {
        expect(r.headers).toMatchObject({ authorization: 'Bearer [token]', accept: 'application/json', traceparent: expect.stringMatching(traceparent) });
      }
      const spans = requests.map((r) => r.headers.traceparent);
      expect(new Set(spans).size).toBe(spans.length); // a fresh span per vendor call
    });

    it('when the certificate key is RSA, the assertion is signed PS256 and NetSuite accepts it', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { config: { clientId: 'rsa-integration', certificateId: 'rsa-certificate', privateKey: rsa.privateKey } });
      try {
        expect((await adapter.erp.getCustomer('8814', callCtx(systemClock))).ok).toBe(true);
      } finally {
        await adapter.close();
      }
      const [token] = byPath(await sandbox.requests(), NS_TOKEN_PATH);
      const form = NsTokenRequestSchema.parse(Object.fromEntries(new URLSearchParams(token!.body)));
      expect(decodeProtectedHeader(form.client_assertion)).toMatchObject({ alg: 'PS256', kid: 'rsa-certificate' });
    });

    it('when the adapter matches, creates and orders, each write and query is as NetSuite documents it', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      try {
        const customer = await adapter.erp.createOrMatchCustomer({ legalName: 'Hooli Inc.', country: 'US', currency: 'USD', taxId: '94-3121234', externalRef: 'cus_conf_hooli' }, callCtx(systemClock));
        expect(customer.ok && customer.value.outcome).toBe('created');
        const order = await adapter.erp.createSalesOrder(
          { customerId: '9001', currency: 'USD', externalRef: 'ord_conf_1', purchaseOrderNumber: 'PO-1', lines: [{ itemId: 'STRATA-ENT', quantity: 5, unitPriceMinor: 48_00 }] },
          callCtx(systemClock),
        );
        expect(order.ok && order.value.orderNumber).toBe('SO-105001');
        expect((await adapter.erp.listPayments('8812', { limit: 3 }, callCtx(systemClock))).ok).toBe(true);
      } finally {
        await adapter.close();
      }
      const requests = (await sandbox.requests()).filter((r) => r.path !== NS_TOKEN_PATH);
      expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET ${NS_CUSTOMER_PATH}/eid:cus_conf_hooli`, // our reference first
        `POST ${NS_SUITEQL_PATH}`, // tax id
        `POST ${NS_SUITEQL_PATH}`, // legal name + country
        `POST ${NS_SUITEQL_PATH}`, // currency
        `POST ${NS_CUSTOMER_PATH}`,
        `GET ${NS_CUSTOMER_PATH}/9001`, // read back
        `POST ${NS_SUITEQL_PATH}`, // items
        `POST ${NS_SALES_ORDER_PATH}`,
        `GET ${NS_SALES_ORDER_PATH}/60001`, // read back for the order number
        `POST ${NS_SUITEQL_PATH}`, // payments
      ]);
      const queries = byPath(requests, NS_SUITEQL_PATH).map((q) => NsSuiteQlRequestSchema.parse(JSON.parse(q.body!)).q);
      expect(queries).toEqual([
        customerSearchQuery({ taxId: '94-3121234' }),
        customerSearchQuery({ legalName: 'Hooli Inc.', country: 'US' }),
        currencyQuery('USD'),
        itemsQuery(['STRATA-ENT']),
        paymentsQuery('8812'),
      ]);
      expect(byPath(requests, NS_SUITEQL_PATH).map((q) => q.query)).toEqual([
        { limit: '2', offset: '0' },
        { limit: '2', offset: '0' },
        { limit: '1', offset: '0' },
        { limit: '2', offset: '0' },
        { limit: '12', offset: '0' },
      ]);
      for (const r of requests.filter((r) => r.method === 'GET')) expect(r.query).toEqual({ expandSubResources: 'true' });

      const [customerPost] = byPath(requests, NS_CUSTOMER_PATH);
      const [orderPost] = byPath(requests, NS_SALES_ORDER_PATH);
      for (const post of [customerPost!, orderPost!]) {
        expect(post.headers).toMatchObject({
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: 'Bearer [token]',
          'x-netsuite-propertynamevalidation': 'Error',
          'x-netsuite-idempotency-key': expect.stringMatching(NS_IDEMPOTENCY_KEY),
          traceparent: expect.stringMatching(traceparent),
        });
      }
      expect(NsCustomerCreateSchema.parse(JSON.parse(customerPost!.body!))).toMatchObject({ externalId: 'cus_conf_hooli', vatRegNumber: '94-3121234', currency: { id: '1' } });
      expect(NsSalesOrderCreateSchema.parse(JSON.parse(orderPost!.body!))).toEqual({
        externalId: 'ord_conf_1',
        entity: { id: '9001' },
        currency: { id: '1' },
        otherRefNum: 'PO-1',
        item: { items: [{ item: { id: '101' }, quantity: 5, rate: 48, price: { id: '-1' } }] },
      });
    });
  });
});
