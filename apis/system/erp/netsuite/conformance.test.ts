import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import {
  NS_CLIENT_ASSERTION_TYPE,
  NS_CUSTOMER_PATH,
  NS_SUITEQL_PATH,
  NS_TOKEN_PATH,
  NsClientAssertionClaimsSchema,
  NsClientAssertionHeaderSchema,
  NsCustomerSchema,
  NsErrorSchema,
  NsOpenInvoicePageSchema,
  NsRecordIdSchema,
  NsSuiteQlRequestSchema,
  NsTokenRequestSchema,
  NsTokenResponseSchema,
} from '../../../../openapi/vendors/netsuite/types.js';
import { openInvoicesQuery } from './adapter.js';
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

    it.each(SEED_COMPANIES.map((s) => s.netsuiteCustomerId))('when the open invoices of %s are queried, the page matches NsOpenInvoicePageSchema', async (id) => {
      const res = await fetch(`${sandbox.baseUrl}${NS_SUITEQL_PATH}?limit=1000&offset=0`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await issueToken()}`, prefer: 'transient', 'content-type': 'application/json' },
        body: JSON.stringify({ q: openInvoicesQuery(id) }),
      });
      const parsed = NsOpenInvoicePageSchema.safeParse(await res.json());
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data?.totalResults).toBe(SEED_COMPANIES.find((s) => s.netsuiteCustomerId === id)!.openInvoices.length);
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
        expect((await adapter.erp.listOpenInvoices('8812', { limit: 7 }, callCtx(systemClock))).ok).toBe(true);
        expect((await adapter.erp.listOpenInvoices('8815', { limit: 7 }, callCtx(systemClock))).ok).toBe(true);
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
      expect(queries.map((q) => NsSuiteQlRequestSchema.parse(JSON.parse(q.body!)).q)).toEqual([openInvoicesQuery('8812'), openInvoicesQuery('8815')]);
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
  });
});
