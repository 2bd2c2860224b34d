import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  HS_RATE_LIMIT_HEADERS,
  HubspotCompanySchema,
  HubspotContactBatchResponseSchema,
  HubspotDealSchema,
  HubspotErrorSchema,
  HubspotOwnerSchema,
  findHubspotOperation,
  hubspotSearchResponse,
} from '../../../../openapi/vendors/hubspot/types.js';
import { createHubspotCrmAdapter } from './adapter.js';
import { SANDBOX_HUBSPOT_ACCESS_TOKEN, sandboxHubspotConfig } from './config.js';
import { startHubspotSandbox, testCallContext, type HubspotSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';

// The hand-written HubSpot schemas (openapi/vendors/hubspot/types.ts), written once, are the
// reference here: every request the adapter sends must be one of the documented operations with
// documented parameters and body, and every response must parse, with no key the schemas don't know.

const GLOBEX = SEED_COMPANIES[0]!;

/** Paths into `value` that `schema` does not describe (response schemas strip unknown keys, so `parse` alone can't see them). */
const undocumented = (schema: z.ZodType, value: unknown, at = ''): string[] => {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return value === undefined || value === null ? [] : undocumented(schema.unwrap() as z.ZodType, value, at);
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.flatMap((v, i) => undocumented(schema.element as z.ZodType, v, `${at}/${i}`));
  if (schema instanceof z.ZodRecord && value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => undocumented(schema.valueType as z.ZodType, v, `${at}/${k}`));
  if (schema instanceof z.ZodObject && value && typeof value === 'object') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([k, v]) => (Object.hasOwn(shape, k) ? undocumented(shape[k]!, v, `${at}/${k}`) : [`${at}/${k}`]));
  }
  return [];
};

/** The sandbox's properties are open-ended (a portal has hundreds): check they are strings or null instead. */
const propertyValuesAreStrings = (body: unknown): boolean => {
  const objects = (b: unknown): unknown[] => {
    if (!b || typeof b !== 'object') return [];
    const o = b as Record<string, unknown>;
    if (Array.isArray(o.results)) return o.results.flatMap(objects);
    return 'properties' in o ? [o] : [];
  };
  return objects(body).every((o) => Object.values((o as { properties: Record<string, unknown> }).properties).every((v) => v === null || typeof v === 'string'));
};

/** Checks a response against the schema the operation documents; answers what is wrong. */
const conformanceIssues = (schema: z.ZodType, body: unknown): string[] => {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const loose = undocumented(schema, body).filter((path) => !/^(\/results\/\d+)?\/properties\//.test(path));
  return [...loose.map((p) => `undocumented ${p}`), ...(propertyValuesAreStrings(body) ? [] : ['a property value is not a string'])];
};

const recordingClient = (inner: HttpClient) => {
  const exchanges: { request: HttpRequest; response: HttpResponse }[] = [];
  const client: HttpClient = {
    async send(request) {
      const response = await inner.send(request);
      exchanges.push({ request, response });
      return response;
    },
    close: () => inner.close(),
  };
  return { client, exchanges };
};

describe('HubSpot conformance with the hand-written wire schemas', () => {
  let sandbox: HubspotSandboxHandle;
  let requests: readonly RecordedRequest[];
  let exchanges: { request: HttpRequest; response: HttpResponse }[];

  beforeAll(async () => {
    sandbox = await startHubspotSandbox({
      customize: (portal) => {
        // Enough companies for name search to page, and one deal whose contact association is gone.
        for (let i = 0; i < 110; i++) {
          const id = String(5783272000 + i);
          portal.objects.companies.set(id, { id, properties: { hs_object_id: id, name: `Aardvark Globex ${i}` }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', associations: {} });
        }
        const hooli = portal.objects.companies.get('5783271006')!;
        portal.objects.companies.set(hooli.id, { ...hooli, associations: { contacts: [...hooli.associations.contacts!, { id: '7510009999', type: 'company_to_contact' }] } });
      },
    });
    const recording = recordingClient(createUndiciHttpClient({ baseUrl: sandbox.baseUrl }));
    const crm = createHubspotCrmAdapter(sandboxHubspotConfig(sandbox.baseUrl), { http: recording.client, clock: systemClock });
    const ctx = () => testCallContext(systemClock);
    // Every port method, on the paths that succeed and the ones that do not.
    await crm.getAccount(GLOBEX.vendorIds.hubspotCompanyId, ctx());
    await crm.getAccount('5783271006', ctx()); // one associated contact no longer exists: 207
    await crm.getAccount('5783279999', ctx());
    await crm.findAccountByExternalId('cus_01HZX3STARK', ctx());
    await crm.findAccountByExternalId('cus_01HZX3NOBODY', ctx());
    await crm.searchAccounts({ name: 'Globex', limit: 5 }, ctx());
    await crm.getContact('7510000011', ctx());
    await crm.getContact('7510009999', ctx());
    await crm.getOpportunity(GLOBEX.opportunity.hubspotDealId, ctx());
    await crm.updateOpportunity(SEED_COMPANIES[1]!.opportunity.hubspotDealId, { stage: 'closed_lost', amount: { amountMinor: 1_999_99, currency: 'GBP' }, closeDate: '2027-02-01' }, ctx());
    await crm.writeBackReferences({ kind: 'account', id: GLOBEX.vendorIds.hubspotCompanyId }, { erpCustomerId: '8812', billingCustomerId: 'cus_QGlobex0000001' }, ctx());
    await crm.writeBackReferences({ kind: 'opportunity', id: GLOBEX.opportunity.hubspotDealId }, { orderNumber: 'SO-2026-00412' }, ctx());
    await recording.client.close();
    requests = await sandbox.requests();
    exchanges = recording.exchanges;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe("the adapter's requests", () => {
    it('each is a documented operation (method and path template), and together they cover what the port needs', () => {
      const names = requests.map((r) => findHubspotOperation(r.method, r.path)?.name);
      expect(names).not.toContain(undefined);
      expect(new Set(names)).toEqual(
        new Set(['companies.getById', 'companies.search', 'companies.update', 'contacts.getById', 'contacts.batchRead', 'deals.getById', 'deals.update', 'owners.getById']),
      );
    });

    it('send only the query parameters and the body the operation documents', () => {
      for (const request of requests) {
        const op = findHubspotOperation(request.method, request.path)!;
        const query = op.query.safeParse(request.query);
        expect(query.success, `${op.name} ?${new URLSearchParams(request.query as Record<string, string>)}`).toBe(true);
        if (op.body) {
          expect(request.contentType, op.name).toMatch(/^application\/json/);
          const body = op.body.safeParse(request.body);
          expect(body.success, `${op.name} ${JSON.stringify(request.body)}`).toBe(true);
        } else {
          expect(request.body, op.name).toBeUndefined();
        }
      }
    });

    it('authenticate every call with the private-app token as a Bearer header', () => {
      expect(requests.every((r) => r.bearer)).toBe(true);
      expect(exchanges.every((e) => e.request.headers?.authorization === `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}`)).toBe(true);
    });

    it('search with the filter shapes documented in README.md: EQ on external_id, CONTAINS_TOKEN with a trailing wildcard on name', () => {
      const filters = requests
        .filter((r) => r.path.endsWith('/search'))
        .flatMap((r) => (r.body as { filterGroups: { filters: { propertyName: string; operator: string; value: string }[] }[] }).filterGroups.flatMap((g) => g.filters));
      expect(filters).toContainEqual({ propertyName: 'external_id', operator: 'EQ', value: 'cus_01HZX3STARK' });
      expect(filters).toContainEqual({ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'globex*' });
      expect(requests.filter((r) => r.path.endsWith('/search')).map((r) => (r.body as { after?: string }).after)).toContain('100');
    });
  });

  describe("the sandbox's responses to the adapter", () => {
    it('every 2xx body parses with the operation\'s response schema and carries no undocumented key', () => {
      const ok = exchanges.filter((e) => e.response.status < 300);
      expect(ok.map((e) => e.response.status)).toContain(207);
      for (const { request, response } of ok) {
        const op = findHubspotOperation(request.method, request.path.split('?')[0]!)!;
        expect(conformanceIssues(op.response, JSON.parse(response.body)), `${op.name} ${response.status}`).toEqual([]);
      }
    });

    it('every error body is HubSpot\'s envelope {status: "error", message, correlationId, category}', () => {
      const errors = exchanges.filter((e) => e.response.status >= 400);
      expect(errors.map((e) => e.response.status)).toContain(404);
      for (const { response } of errors) {
        expect(conformanceIssues(HubspotErrorSchema, JSON.parse(response.body))).toEqual([]);
        expect(HubspotErrorSchema.parse(JSON.parse(response.body)).category).toBe('OBJECT_NOT_FOUND');
      }
    });

    it('every response carries the X-HubSpot-RateLimit-* headers', () => {
      for (const { response } of exchanges) {
        for (const header of Object.values(HS_RATE_LIMIT_HEADERS)) expect(response.headers[header], header).toMatch(/^\d+$/);
      }
    });
  });

  describe('the sandbox, called directly', () => {
    const call = async (method: string, path: string, body?: unknown, token: string | null = SANDBOX_HUBSPOT_ACCESS_TOKEN) => {
      const res = await fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
    };

    it('answers deals under their objectTypeId 0-3 as under deals, with the default property set when none is asked for', async () => {
      const byName = await call('GET', `/crm/v3/objects/deals/${GLOBEX.opportunity.hubspotDealId}`);
      const byTypeId = await call('GET', `/crm/v3/objects/0-3/${GLOBEX.opportunity.hubspotDealId}`);
      expect(byTypeId).toMatchObject({ status: 200, body: byName.body });
      expect(conformanceIssues(HubspotDealSchema, byName.body)).toEqual([]);
      expect(Object.keys((byName.body as { properties: object }).properties).sort()).toEqual(
        ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
      );
    });

    it('answers asked-for properties without a value as null, and ignores properties the portal does not have', async () => {
      const res = await call('GET', `/crm/v3/objects/companies/5783271006?properties=name,external_id,no_such_property&associations=contacts`);
      expect(conformanceIssues(HubspotCompanySchema, res.body)).toEqual([]);
      const company = HubspotCompanySchema.parse(res.body);
      expect(company.properties).toMatchObject({ name: 'Hooli Inc.', external_id: null });
      expect('no_such_property' in (res.body as { properties: object }).properties).toBe(false);
      expect(company.associations?.contacts?.results.map((a) => a.type)).toContain('company_to_contact');
    });

    it('search pages with paging.next.after, and the page is the documented search response', async () => {
      const res = await call('POST', '/crm/v3/objects/companies/search', {
        filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'aardv*' }] }],
        sorts: [{ propertyName: 'name', direction: 'ASCENDING' }],
        limit: 100,
      });
      expect(conformanceIssues(hubspotSearchResponse(HubspotCompanySchema), res.body)).toEqual([]);
      expect(res.body).toMatchObject({ total: 110, paging: { next: { after: '100' } } });
    });

    it('batch read answers 207 with the unreadable ids listed when some do not exist', async () => {
      const res = await call('POST', '/crm/v3/objects/contacts/batch/read', { properties: ['email'], propertiesWithHistory: [], inputs: [{ id: '7510000001' }, { id: '7510009999' }] });
      expect(res.status).toBe(207);
      expect(conformanceIssues(HubspotContactBatchResponseSchema, res.body)).toEqual([]);
      expect(HubspotContactBatchResponseSchema.parse(res.body)).toMatchObject({ numErrors: 1, errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['7510009999'] } }] });
    });

    it('answers an owner by id with the documented owner shape', async () => {
      const res = await call('GET', '/crm/v3/owners/41629779?idProperty=id&archived=false');
      expect(conformanceIssues(HubspotOwnerSchema, res.body)).toEqual([]);
      expect(res.body).toMatchObject({ firstName: 'Dana', lastName: 'Whitfield' });
    });

    it.each([
      ['a missing record', 'GET', '/crm/v3/objects/companies/5783279999', undefined, SANDBOX_HUBSPOT_ACCESS_TOKEN, 404, 'OBJECT_NOT_FOUND'],
      ['a non-numeric id', 'GET', '/crm/v3/objects/contacts/abc', undefined, SANDBOX_HUBSPOT_ACCESS_TOKEN, 404, 'OBJECT_NOT_FOUND'],
      ['no token', 'GET', '/crm/v3/objects/companies/5783271001', undefined, null, 401, 'INVALID_AUTHENTICATION'],
      ['a wrong token', 'GET', '/crm/v3/objects/companies/5783271001', undefined, 'pat-na1-not-the-token', 401, 'INVALID_AUTHENTICATION'],
      ['an unsupported operator', 'POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'GT', value: 'a' }] }] }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
      ['a free-text query', 'POST', '/crm/v3/objects/companies/search', { query: 'globex' }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
      ['an undocumented search field', 'POST', '/crm/v3/objects/companies/search', { filters: [] }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
      ['an unknown property in a PATCH', 'PATCH', '/crm/v3/objects/companies/5783271001', { properties: { secret_field: 'x' } }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
      ['a read-only property in a PATCH', 'PATCH', '/crm/v3/objects/deals/9100000001', { properties: { hs_lastmodifieddate: '2020-01-01T00:00:00Z' } }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
      ['a stage not in the pipeline', 'PATCH', '/crm/v3/objects/deals/9100000001', { properties: { dealstage: 'won' } }, SANDBOX_HUBSPOT_ACCESS_TOKEN, 400, 'VALIDATION_ERROR'],
    ])('errors are the HubSpot envelope: %s', async (_, method, path, body, token, status, category) => {
      const res = await call(method, path, body, token);
      expect(res.status).toBe(status);
      expect(conformanceIssues(HubspotErrorSchema, res.body)).toEqual([]);
      expect(HubspotErrorSchema.parse(res.body).category).toBe(category);
      expect(res.headers.get('x-hubspot-ratelimit-remaining')).toMatch(/^\d+$/);
    });

    it('an unknown property in a PATCH is PROPERTY_DOESNT_EXIST, in errors[] and in the message, and changes nothing', async () => {
      const res = await call('PATCH', '/crm/v3/objects/companies/5783271001', { properties: { name: 'Renamed', secret_field: 'x' } });
      const error = HubspotErrorSchema.parse(res.body);
      expect(error.errors).toEqual([{ message: 'Property "secret_field" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['secret_field'] } }]);
      expect(error.message).toContain('PROPERTY_DOESNT_EXIST');
      const after = await call('GET', '/crm/v3/objects/companies/5783271001?properties=name');
      expect((after.body as { properties: { name: string } }).properties.name).toBe('Globex GmbH');
    });

    it('the rate-limit faults answer the documented 429 body (errorType RATE_LIMIT, policyName)', async () => {
      for (const [fault, policy] of [['rate-limit', 'TEN_SECONDLY_ROLLING'], ['daily-limit', 'DAILY']] as const) {
        const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects/companies/5783271001`, { headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}`, 'x-sandbox-fault': fault } });
        expect(res.status).toBe(429);
        const body = HubspotErrorSchema.parse(await res.json());
        expect(body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: policy });
      }
    });
  });
});
