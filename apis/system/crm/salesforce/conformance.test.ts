import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import {
  SalesforceAccountContactQueryResultSchema,
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceContactSchema,
  SalesforceErrorsSchema,
  SalesforceOAuthErrorSchema,
  SalesforceOpportunitySchema,
  SalesforceTokenResponseSchema,
} from '../../../../openapi/vendors/salesforce/schemas.js';
import type {
  SalesforceAccountReferencesUpdate,
  SalesforceOpportunityReferencesUpdate,
  SalesforceOpportunityUpdate,
} from '../../../../openapi/vendors/salesforce/types.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { SANDBOX_SALESFORCE_CREDENTIALS, sandboxSalesforceConfig } from './config.js';
import { startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import {
  ACCOUNT_FIELDS,
  CONTACT_FIELDS,
  OPPORTUNITY_FIELDS,
  accountByExternalIdSoql,
  accountSearchSoql,
  primaryContactSoql,
  primaryContactsSoql,
} from './soql.js';

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

/**
 * The collection's update body is `{"field API name": "value"}`: any fields of the object. These are
 * the ones the adapter may write (standard Opportunity fields, and the custom reference fields the
 * vendor README lists as org prerequisites), typed against the request types so they cannot drift.
 */
const UPDATABLE: Record<string, readonly string[]> = {
  Opportunity: ['StageName', 'Amount', 'CurrencyIsoCode', 'CloseDate', 'Order_Number__c'] satisfies (keyof SalesforceOpportunityUpdate | keyof SalesforceOpportunityReferencesUpdate)[],
  Account: ['ERP_Customer_Id__c', 'Billing_Customer_Id__c', 'Support_Organization_Id__c'] satisfies (keyof SalesforceAccountReferencesUpdate)[],
};

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
    const outcomes = [
      await crm.searchAccounts({ name: 'Glo', limit: 5 }, ctx()),
      await crm.getContact('003Dn00000GlbxP1AQ', ctx()),
      await crm.getOpportunity('006Dn00000WaynOAAR', ctx()),
      await crm.updateOpportunity('006Dn00000WaynOAAR', { stage: 'proposal', amount: { amountMinor: 31_000_00, currency: 'USD' }, closeDate: '2027-03-31' }, ctx()),
      await crm.writeBackReferences({ kind: 'account', id: '001Dn00000WaynAIAR' }, { erpCustomerId: '8816', billingCustomerId: 'cus_QWayne0000001', supportOrganizationId: '360000008816' }, ctx()),
      await crm.writeBackReferences({ kind: 'opportunity', id: '006Dn00000WaynOAAR' }, { orderNumber: 'SO-10090' }, ctx()),
    ];
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true]);
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
      expect(families).toEqual(new Set(['token endpoint', 'SObject Rows', 'SObject Rows Update', 'Query']));
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
      const gets = requests.filter((r) => r.method === 'GET');
      const fieldsOf = (object: string) => gets.filter((r) => r.path.includes(`/sobjects/${object}/`)).map((r) => r.query.fields);
      expect(fieldsOf('Account')).toEqual([ACCOUNT_FIELDS.join(','), ACCOUNT_FIELDS.join(',')]);
      expect(fieldsOf('Contact')).toEqual([CONTACT_FIELDS.join(',')]);
      expect(fieldsOf('Opportunity')).toEqual(Array(3).fill(OPPORTUNITY_FIELDS.join(','))); // get; update: read, read back
      const soql = requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.q);
      expect(soql).toContain(accountByExternalIdSoql('cus_01HZX3STARK'));
      expect(soql).toContain(primaryContactSoql('001Dn00000GlbxAIAR'));
      expect(soql).toContain(accountSearchSoql('Glo', 5));
      expect(soql).toContain(primaryContactsSoql(['001Dn00000GlbxAIAR']));
      expect(requests.filter((r) => r.path.includes('/services/data/')).every((r) => r.bearer)).toBe(true);
    });

    it('update like the collection\'s "SObject Rows Update": PATCH, its Content-Type, a JSON object of field API names the object has', () => {
      const patches = requests.filter((r) => r.method === 'PATCH');
      const update = collection.requests.find((r) => r.name === 'SObject Rows Update')!;
      expect(patches.map((r) => r.path.replace(/^.*\/sobjects\//, ''))).toEqual(['Opportunity/006Dn00000WaynOAAR', 'Account/001Dn00000WaynAIAR', 'Opportunity/006Dn00000WaynOAAR']);
      for (const call of patches) {
        expect(call.contentType).toBe(update.headerData.find((h) => h.key === 'Content-Type')!.value);
        expect(call.query).toEqual({});
        expect(call.bearer).toBe(true);
        const object = call.path.split('/sobjects/')[1]!.split('/')[0]!;
        expect(call.json?.keys.length).toBeGreaterThan(0);
        for (const key of call.json!.keys) expect(UPDATABLE[object], `${object}.${key}`).toContain(key);
      }
      expect(patches.map((r) => r.json?.keys)).toEqual([
        ['Amount', 'CloseDate', 'CurrencyIsoCode', 'StageName'],
        ['Billing_Customer_Id__c', 'ERP_Customer_Id__c', 'Support_Organization_Id__c'],
        ['Order_Number__c'],
      ]);
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

    it('SObject Rows answers Contact and Opportunity with exactly the fields asked for, valid against their schemas', async () => {
      const bearer = await accessToken();
      const contact = await get(`/sobjects/Contact/003Dn00000GlbxP1AQ?fields=${CONTACT_FIELDS.join(',')}`, bearer);
      expect(SalesforceContactSchema.safeParse(contact.body).success).toBe(true);
      expect(Object.keys(contact.body as object).sort()).toEqual(['attributes', ...CONTACT_FIELDS].sort());
      const opportunity = await get(`/sobjects/Opportunity/006Dn00000StrkOAAR?fields=${OPPORTUNITY_FIELDS.join(',')}`, bearer);
      expect(SalesforceOpportunitySchema.safeParse(opportunity.body).success).toBe(true);
      expect(Object.keys(opportunity.body as object).sort()).toEqual(['attributes', ...OPPORTUNITY_FIELDS].sort());
    });

    it('Query answers the search and the primary-contacts statements in the documented result shape', async () => {
      const bearer = await accessToken();
      const search = await get(`/query?${new URLSearchParams({ q: accountSearchSoql('in', 5) })}`, bearer);
      expect(SalesforceAccountQueryResultSchema.parse(search.body).records.map((r) => r.Name)).toEqual(['Initech Ltd']);
      const contacts = await get(`/query?${new URLSearchParams({ q: primaryContactsSoql(['001Dn00000InitAIAR', '001Dn00000StrkAIAR']) })}`, bearer);
      expect(SalesforceAccountContactQueryResultSchema.parse(contacts.body).records).toHaveLength(2);
    });

    it('an update answers 204 with an empty body; a refused one is the error array naming the field', async () => {
      const bearer = await accessToken();
      const patch = (body: unknown) =>
        fetch(`${sandbox.baseUrl}/services/data/v62.0/sobjects/Opportunity/006Dn00000UmbrOAAR`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const done = await patch({ CloseDate: '2027-02-01' });
      expect(done.status).toBe(204);
      expect(await done.text()).toBe('');
      const refused = await patch({ StageName: 'Almost won' });
      expect(refused.status).toBe(400);
      expect(SalesforceErrorsSchema.parse(await refused.json())[0]).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['StageName'] });
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
