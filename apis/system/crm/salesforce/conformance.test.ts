import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import {
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceErrorsSchema,
  SalesforceOAuthErrorSchema,
  SalesforceTokenResponseSchema,
} from '../../../../openapi/vendors/salesforce/schemas.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { SANDBOX_SALESFORCE_CREDENTIALS, sandboxSalesforceConfig } from './config.js';
import { startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import { ACCOUNT_FIELDS, accountByExternalIdSoql, primaryContactSoql } from './soql.js';

// The vendor's own description of these operations: Salesforce's Postman collection (CC0-1.0).
interface PostmanRequest {
  name: string;
  method: string;
  url: string;
  dataMode: string | null;
  data: { key: string }[] | null;
  headerData: { key: string; value: string }[];
  queryParams: { key: string }[];
}
const collection = JSON.parse(readFileSync(new URL('../../../../openapi/vendors/salesforce/salesforce-rest.postman.subset.json', import.meta.url), 'utf8')) as {
  requests: PostmanRequest[];
};

/** `{{_endpoint}}/services/data/v{{version}}/sobjects/<SOBJECT_API_NAME>/<RECORD_ID>` → a path regex. */
const templateRegex = (url: string): RegExp => {
  const path = url.replace(/^\{\{(?:url|_endpoint)\}\}(?:\{\{site\}\})?/, '').replace(/\?.*$/, '').replace(/\/$/, '');
  const pattern = path
    .split(/(\{\{version\}\}|<[A-Z_]+>)/)
    .map((part) => (part === '{{version}}' ? '\\d+\\.\\d' : /^<[A-Z_]+>$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`);
};

/** Query parameters Salesforce documents for an operation that the Postman request does not list. */
const DOCUMENTED_EXTRA_QUERY: Record<string, string[]> = { 'SObject Rows': ['fields'] };
const TOKEN_REQUESTS = collection.requests.filter((r) => r.url.endsWith('/services/oauth2/token'));

const operationFor = (request: RecordedRequest, mountPrefix: string): PostmanRequest | undefined => {
  const path = request.path.slice(mountPrefix.length);
  const candidates = collection.requests.filter((op) => op.method === request.method && templateRegex(op.url).test(path));
  // "SObject Rows" and "by External ID" differ in segment count, so at most one template family matches.
  return candidates[0];
};

describe('Salesforce conformance with the vendor collection', () => {
  let sandbox: SalesforceSandboxHandle;
  let requests: readonly RecordedRequest[];

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    const crm = createSalesforceCrmAdapter(sandboxSalesforceConfig(sandbox.baseUrl), { http, clock: systemClock });
    const ctx = () => testCallContext(systemClock);
    await crm.getAccount('001Dn00000GlbxAIAR', ctx());
    await crm.getAccount('001Dn00000NopeAIAR', ctx());
    await crm.findAccountByExternalId('cus_01HZX3STARK', ctx());
    await sandbox.expireSessions();
    await crm.findAccountByExternalId('cus_01HZX3UMBRELLA', ctx());
    await http.close();
    requests = (await sandbox.stats()).requests;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe("the adapter's requests", () => {
    it('each matches an operation of the collection by method and path template', () => {
      const matched = requests.map((r) => operationFor(r, '/salesforce')?.name);
      expect(matched).not.toContain(undefined);
      // The collection has three token requests on one URL (no client-credentials one; see README).
      const families = new Set(matched.map((name) => (TOKEN_REQUESTS.some((t) => t.name === name) ? 'token endpoint' : name)));
      expect(families).toEqual(new Set(['token endpoint', 'SObject Rows', 'Query']));
    });

    it('send only query parameters the operation takes (q for Query; fields, documented, for SObject Rows)', () => {
      for (const request of requests) {
        const op = operationFor(request, '/salesforce')!;
        const allowed = new Set([...op.queryParams.map((q) => q.key), ...(DOCUMENTED_EXTRA_QUERY[op.name] ?? [])]);
        for (const key of Object.keys(request.query)) expect(allowed, `${op.name} ?${key}`).toContain(key);
      }
    });

    it('ask for the token like the collection: form-encoded grant_type, client_id, client_secret (grant client_credentials)', () => {
      const tokenCalls = requests.filter((r) => r.path.endsWith('/services/oauth2/token'));
      expect(tokenCalls).toHaveLength(2); // first session, then one refresh after the sessions expired
      const collectionKeys = new Set(TOKEN_REQUESTS.flatMap((r) => (r.data ?? []).map((d) => d.key)));
      const collectionType = TOKEN_REQUESTS[0]!.headerData.find((h) => h.key === 'Content-Type')!.value;
      for (const call of tokenCalls) {
        expect(call.contentType).toBe(collectionType);
        expect(call.form?.keys).toEqual(['client_id', 'client_secret', 'grant_type']);
        for (const key of call.form!.keys) expect(collectionKeys).toContain(key);
        expect(call.form?.grantType).toBe('client_credentials');
        expect(call.bearer).toBe(false);
      }
    });

    it('read records with the fields the mapper needs, and query with the statements the adapter builds', () => {
      const rows = requests.filter((r) => r.path.includes('/sobjects/Account/'));
      expect(rows.map((r) => r.query.fields)).toEqual([ACCOUNT_FIELDS.join(','), ACCOUNT_FIELDS.join(',')]);
      const soql = requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.q);
      expect(soql).toContain(accountByExternalIdSoql('cus_01HZX3STARK'));
      expect(soql).toContain(primaryContactSoql('001Dn00000GlbxAIAR'));
      expect(requests.filter((r) => r.path.includes('/services/data/')).every((r) => r.bearer)).toBe(true);
    });
  });

  describe("the sandbox's responses", () => {
    const token = async () => {
      const res = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret }),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const get = async (path: string, bearer?: string) => {
      const res = await fetch(`${sandbox.baseUrl}/services/data/v62.0${path}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
      return { status: res.status, limitInfo: res.headers.get('sforce-limit-info'), body: (await res.json()) as unknown };
    };
    const accessToken = async () => SalesforceTokenResponseSchema.parse((await token()).body).access_token;

    it('the token response has the collection\'s fields (access_token, instance_url, id …) and instance_url is the base URL', async () => {
      const { status, body } = await token();
      expect(status).toBe(200);
      const parsed = SalesforceTokenResponseSchema.parse(body);
      expect(parsed.instance_url).toBe(sandbox.baseUrl);
      expect(parsed.id).toMatch(/\/id\/00D\w{15}\/005\w{15}$/); // the collection's scripts split orgId / userId from it
    });

    it('an OAuth refusal is the OAuth error shape', async () => {
      const res = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
      });
      expect(res.status).toBe(400);
      expect(SalesforceOAuthErrorSchema.safeParse(await res.json()).success).toBe(true);
    });

    it('SObject Rows with ?fields= answers exactly those fields plus attributes, with Sforce-Limit-Info', async () => {
      const res = await get(`/sobjects/Account/001Dn00000WaynAIAR?fields=${ACCOUNT_FIELDS.join(',')}`, await accessToken());
      expect(res.status).toBe(200);
      expect(SalesforceAccountSchema.safeParse(res.body).success).toBe(true);
      expect(Object.keys(res.body as object).sort()).toEqual(['attributes', ...ACCOUNT_FIELDS.map((f) => f.split('.')[0]!)].sort());
      expect(res.limitInfo).toMatch(/^api-usage=\d+\/\d+$/);
    });

    it('Query answers {totalSize, done, records[{attributes, …}]} for both statements the adapter sends', async () => {
      const bearer = await accessToken();
      const accounts = await get(`/query?q=${encodeURIComponent(accountByExternalIdSoql('cus_01HZX3WAYNE'))}`, bearer);
      expect(SalesforceAccountQueryResultSchema.parse(accounts.body)).toMatchObject({ totalSize: 1, done: true });
      const contacts = await get(`/query?${new URLSearchParams({ q: primaryContactSoql('001Dn00000WaynAIAR') })}`, bearer);
      expect(SalesforceContactQueryResultSchema.parse(contacts.body).records).toHaveLength(1);
    });

    it.each([
      ['a missing record (404 NOT_FOUND)', '/sobjects/Account/001Dn00000NopeAIAR', 404, 'NOT_FOUND'],
      ['an unsupported statement (400 MALFORMED_QUERY)', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'")}`, 400, 'MALFORMED_QUERY'],
      ['an unknown field (400 INVALID_FIELD)', '/sobjects/Account/001Dn00000WaynAIAR?fields=Id,Secret__c', 400, 'INVALID_FIELD'],
    ])('errors are the JSON error array: %s', async (_, path, status, errorCode) => {
      const res = await get(path, await accessToken());
      expect(res.status).toBe(status);
      expect(SalesforceErrorsSchema.parse(res.body)[0]!.errorCode).toBe(errorCode);
    });

    it('a data call without a valid session is 401 INVALID_SESSION_ID in the error array', async () => {
      const res = await get('/sobjects/Account/001Dn00000WaynAIAR', 'not-a-session');
      expect(res.status).toBe(401);
      expect(res.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    });
  });
});
