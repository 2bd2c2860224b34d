import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import {
  SN_COMPANY_FIELDS,
  SN_INCIDENT_FIELDS,
  SnCoreCompanyRecordSchema,
  SnErrorEnvelopeSchema,
  SnIncidentRecordSchema,
  SnOAuthErrorObjectSchema,
  SnTokenRequestSchema,
  SnTokenResponseObjectSchema,
  servicenowOperationFor,
  snListEnvelope,
  snRecordEnvelope,
  type SnTable,
} from '../../../../openapi/vendors/servicenow/types.js';
import { createServicenowSupportAdapter } from './adapter.js';
import { SANDBOX_SERVICENOW_CREDENTIALS, sandboxServicenowConfig } from './config.js';
import { seededSysId } from './sandbox-data.js';
import { callCtx, startServicenowSandbox, type ServicenowSandboxHandle } from './sandbox-harness.js';

// ServiceNow ships no OpenAPI document: the documented shapes are written down once, by hand, in
// openapi/vendors/servicenow/types.ts. Every request the adapter sends and every answer it gets are
// held against them here, so a field that drifts breaks a test, not a user.

const RECORD_SCHEMAS: Record<SnTable, z.ZodObject> = { core_company: SnCoreCompanyRecordSchema, incident: SnIncidentRecordSchema };
const MOUNT = '/servicenow';
const sysIdOf = (i: number) => SEED_COMPANIES[i]!.vendorIds.servicenowCompanySysId;
const UNKNOWN = '0000000000000000000000000000f404';
/** An encoded query as ServiceNow's grammar has it: conditions joined by ^, an optional ORDERBY last. */
const ENCODED_QUERY = /^(?:[a-z][a-z0-9_]*(?:=|!=|IN|NOT IN)[A-Za-z0-9_.:@,-]+)(?:\^[a-z][a-z0-9_]*(?:=|!=|IN|NOT IN)[A-Za-z0-9_.:@,-]+)*(?:\^ORDERBY(?:DESC)?[a-z][a-z0-9_]*)?$/;

interface Exchange {
  readonly request: HttpRequest;
  readonly response: HttpResponse;
}

/** The adapter's own HttpClient, recording what it sent and what came back. */
const recording = (inner: HttpClient, into: Exchange[]): HttpClient => ({
  async send(request) {
    const response = await inner.send(request);
    into.push({ request, response });
    return response;
  },
  close: () => inner.close(),
});

describe('ServiceNow conformance with the documented Table API shapes', () => {
  let sandbox: ServicenowSandboxHandle;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    sandbox = await startServicenowSandbox();
    const http = recording(createUndiciHttpClient({ baseUrl: sandbox.baseUrl }), exchanges);
    const ctx = () => callCtx(systemClock);
    const { username, password } = SANDBOX_SERVICENOW_CREDENTIALS;
    const support = createServicenowSupportAdapter(sandboxServicenowConfig(sandbox.baseUrl, { pageSize: 2 }), { http, clock: systemClock });
    const passwordGrant = createServicenowSupportAdapter(sandboxServicenowConfig(sandbox.baseUrl, { grant: { type: 'password', username, password } }), { http, clock: systemClock });
    const refused = createServicenowSupportAdapter(sandboxServicenowConfig(sandbox.baseUrl, { grant: { type: 'password', username, password: 'wrong' } }), { http, clock: systemClock });

    const org = await support.createOrganization({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' }, ctx());
    const orgId = org.ok ? org.value.id : '';
    const outcomes = [
      org,
      await support.createOrganization({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' }, ctx()),
      await support.getOrganization(sysIdOf(0), ctx()),
      await support.setEntitlement(orgId, 'premium', ctx()),
      await support.createCase({ organizationId: orgId, subject: 'Cannot log in', description: 'SSO loop.', severity: 'sev2', externalRef: 'conf-case-1' }, ctx()),
      await support.createCase({ organizationId: orgId, subject: 'Cannot log in', description: 'SSO loop.', severity: 'sev2', externalRef: 'conf-case-1' }, ctx()),
      await support.getCase(seededSysId(`incident:${SEED_COMPANIES[1]!.canonicalId}:Cannot add users`), ctx()),
      await support.listCases(sysIdOf(1), { status: 'all', limit: 10 }, ctx()),
      await support.listCases(sysIdOf(4), { status: 'open', limit: 10 }, ctx()),
      await support.listCases(sysIdOf(3), { status: 'all', limit: 10 }, ctx()),
      await passwordGrant.getOrganization(sysIdOf(2), ctx()),
    ];
    expect(outcomes.map((o) => o.ok)).toEqual(outcomes.map(() => true));
    await sandbox.expireTokens();
    const misses = [
      await support.getOrganization(UNKNOWN, ctx()),
      await support.getCase(UNKNOWN, ctx()),
      await support.setEntitlement(UNKNOWN, 'standard', ctx()),
      await support.createCase({ organizationId: UNKNOWN, subject: 'x', description: 'y', severity: 'sev4', externalRef: 'conf-case-2' }, ctx()),
      await support.listCases(UNKNOWN, { status: 'all', limit: 10 }, ctx()),
      await refused.getOrganization(sysIdOf(0), ctx()),
    ];
    expect(misses.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'support.organization_not_found',
      'support.case_not_found',
      'support.organization_not_found',
      'support.organization_not_found',
      'support.organization_not_found',
      'vendor.error',
    ]);
    await http.close();
  });
  afterAll(() => sandbox.close());

  const tableCalls = () => exchanges.filter((e) => e.request.path.startsWith('/api/now/table/'));
  const parts = (e: Exchange) => {
    const url = new URL(e.request.path, 'http://instance');
    return { path: url.pathname, query: Object.fromEntries(url.searchParams), op: servicenowOperationFor(e.request.method, url.pathname) };
  };

  describe("the adapter's requests", () => {
    it('each is a documented operation (method and path template) on a table Strata uses', () => {
      const ops = exchanges.map((e) => parts(e).op?.operation.operationId);
      expect(ops).not.toContain(undefined);
      expect(new Set(ops)).toEqual(
        new Set([
          'OAuth - POST /oauth_token.do',
          'Table - GET /now/table/{tableName}',
          'Table - GET /now/table/{tableName}/{sys_id}',
          'Table - POST /now/table/{tableName}',
          'Table - PATCH /now/table/{tableName}/{sys_id}',
        ]),
      );
    });

    it('send only the query parameters the operation takes, always raw values and bare references', () => {
      for (const e of tableCalls()) {
        const { query, op } = parts(e);
        for (const key of Object.keys(query)) expect(op!.operation.query, `${op!.operation.operationId} ?${key}`).toContain(key);
        expect(query).toMatchObject({ sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true' });
      }
    });

    it('ask only for documented columns of the table', () => {
      for (const e of tableCalls()) {
        const { query, op } = parts(e);
        const columns = Object.keys(RECORD_SCHEMAS[op!.table!].shape);
        for (const field of query.sysparm_fields!.split(',')) expect(columns, `${op!.table}.${field}`).toContain(field);
      }
    });

    it('send well-formed encoded queries on documented columns, and pages within the Table API limits', () => {
      const lists = tableCalls().filter((e) => parts(e).op!.operation.operationId === 'Table - GET /now/table/{tableName}');
      expect(lists.length).toBeGreaterThan(4);
      for (const e of lists) {
        const { query, op } = parts(e);
        expect(query.sysparm_query).toMatch(ENCODED_QUERY);
        const columns = Object.keys(RECORD_SCHEMAS[op!.table!].shape);
        for (const m of query.sysparm_query!.matchAll(/(?:^|\^)(?:ORDERBY(?:DESC)?)?([a-z][a-z0-9_]*)/g)) expect(columns).toContain(m[1]);
        expect(Number(query.sysparm_limit)).toBeGreaterThanOrEqual(1);
        expect(Number(query.sysparm_limit)).toBeLessThanOrEqual(100);
        if (query.sysparm_offset !== undefined) expect(Number.isInteger(Number(query.sysparm_offset))).toBe(true);
      }
    });

    it('write JSON bodies that validate against the documented request body of the table', () => {
      const writes = tableCalls().filter((e) => e.request.method !== 'GET');
      expect(writes.map((e) => `${e.request.method} ${parts(e).op!.table}`).sort()).toEqual(['PATCH core_company', 'PATCH core_company', 'POST core_company', 'POST incident']);
      for (const e of writes) {
        const { op } = parts(e);
        expect(e.request.headers?.['content-type']).toBe('application/json');
        const schema = op!.operation.body!.schemas[op!.table!]!;
        expect(schema.safeParse(JSON.parse(e.request.body!)).error).toBeUndefined();
      }
    });

    it('ask for tokens form-encoded with the fields of the grant, and carry a bearer token on every Table API call', () => {
      const tokenCalls = exchanges.filter((e) => e.request.path === '/oauth_token.do');
      expect(tokenCalls.length).toBeGreaterThanOrEqual(3);
      for (const e of tokenCalls) {
        expect(e.request.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
        expect(e.request.headers?.authorization).toBeUndefined();
        expect(SnTokenRequestSchema.safeParse(Object.fromEntries(new URLSearchParams(e.request.body))).success).toBe(true);
      }
      for (const e of tableCalls()) expect(e.request.headers?.authorization).toMatch(/^Bearer \S+$/);
    });
  });

  describe("the sandbox's answers the adapter relied on", () => {
    it('2xx Table API bodies are the documented envelope around the documented record, projected to the asked columns', () => {
      const answered = tableCalls().filter((e) => e.response.status < 300);
      expect(answered.length).toBeGreaterThan(10);
      for (const e of answered) {
        const { op, query, path } = parts(e);
        const record = RECORD_SCHEMAS[op!.table!];
        const isList = !/[0-9a-f]{32}$/.test(path) && e.request.method === 'GET';
        const envelope = isList ? snListEnvelope(record) : snRecordEnvelope(record);
        const body = JSON.parse(e.response.body) as { result: Record<string, unknown> | Record<string, unknown>[] };
        expect(envelope.safeParse(body).error, `${e.request.method} ${path}`).toBeUndefined();
        for (const row of Array.isArray(body.result) ? body.result : [body.result]) expect(Object.keys(row).sort()).toEqual(query.sysparm_fields!.split(',').sort());
      }
    });

    it('status codes and headers are the documented ones: 200 lists with Link and X-Total-Count, 201 with Location, rate-limit rule headers', () => {
      for (const e of tableCalls().filter((x) => x.response.status < 300)) {
        const { path } = parts(e);
        expect(e.response.status).toBe(e.request.method === 'POST' ? 201 : 200);
        expect(e.response.headers['content-type']).toMatch(/^application\/json/);
        expect(e.response.headers['x-ratelimit-limit']).toMatch(/^\d+$/);
        if (e.request.method === 'POST') expect(e.response.headers.location).toMatch(new RegExp(`${MOUNT}${path}/[0-9a-f]{32}$`));
        if (e.request.method === 'GET' && !/[0-9a-f]{32}$/.test(path)) {
          expect(e.response.headers['x-total-count']).toMatch(/^\d+$/);
          expect(e.response.headers.link).toMatch(/rel="first"/);
        }
      }
    });

    it('the paged list gave a rel="next" link the adapter followed', () => {
      const initech = tableCalls().filter((e) => e.request.path.includes(`company%3D${sysIdOf(1)}`));
      expect(initech.map((e) => parts(e).query.sysparm_offset)).toEqual(['0', '2']);
      expect(initech[0]!.response.headers.link).toMatch(/rel="next"/);
      expect(initech[1]!.response.headers.link).not.toMatch(/rel="next"/);
    });

    it('errors are the documented envelope: 404 for unknown sys_ids, 401 for an expired token', () => {
      const errors = tableCalls().filter((e) => e.response.status >= 400);
      expect(errors.map((e) => e.response.status).sort()).toEqual([401, 404, 404, 404, 404, 404]); // get, getCase, PATCH, and the company checks of createCase and listCases
      for (const e of errors) expect(SnErrorEnvelopeSchema.safeParse(JSON.parse(e.response.body)).error).toBeUndefined();
    });

    it('token answers are the documented success and OAuth error bodies', () => {
      for (const e of exchanges.filter((x) => x.request.path === '/oauth_token.do')) {
        const schema = e.response.status === 200 ? SnTokenResponseObjectSchema : SnOAuthErrorObjectSchema;
        expect(schema.safeParse(JSON.parse(e.response.body)).error).toBeUndefined();
      }
      expect(exchanges.some((x) => x.request.path === '/oauth_token.do' && x.response.status === 401)).toBe(true);
      const withRefresh = exchanges.find((x) => x.request.path === '/oauth_token.do' && new URLSearchParams(x.request.body).get('grant_type') === 'password' && x.response.status === 200);
      expect(JSON.parse(withRefresh!.response.body)).toHaveProperty('refresh_token');
    });
  });

  describe('every seeded record', () => {
    it.each([['true'], ['false']])('validates against the documented record, all columns, with sysparm_exclude_reference_link=%s', async (exclude) => {
      for (const table of ['core_company', 'incident'] as const) {
        const res = await sandbox.vendor(`/api/now/table/${table}?sysparm_exclude_reference_link=${exclude}`);
        const body = (await res.json()) as { result: Record<string, unknown>[] };
        expect(body.result.length).toBeGreaterThan(5);
        const strict = (table === 'core_company' ? SnCoreCompanyRecordSchema : SnIncidentRecordSchema).required();
        for (const row of body.result) expect(strict.safeParse(row).error, `${table} ${String(row.sys_id)}`).toBeUndefined();
      }
    });

    it('carries every column the adapter reads', () => {
      for (const field of SN_COMPANY_FIELDS) expect(Object.keys(SnCoreCompanyRecordSchema.shape)).toContain(field);
      for (const field of SN_INCIDENT_FIELDS) expect(Object.keys(SnIncidentRecordSchema.shape)).toContain(field);
    });
  });

  describe('fault answers', () => {
    it.each([
      ['error500', 500],
      ['error503', 503],
      ['rate-limit', 429],
      ['unauthorized', 401],
    ] as const)('%s is answered with ServiceNow’s error envelope (%i)', async (fault, status) => {
      const res = await sandbox.vendor(`/api/now/table/core_company/${sysIdOf(0)}`, { headers: { 'x-sandbox-fault': fault } });
      expect(res.status).toBe(status);
      expect(SnErrorEnvelopeSchema.safeParse(await res.json()).error).toBeUndefined();
      if (fault === 'rate-limit') {
        expect(res.headers.get('retry-after')).toBe('30');
        for (const h of ['x-ratelimit-limit', 'x-ratelimit-reset', 'x-ratelimit-rule']) expect(res.headers.get(h)).toBeTruthy();
      }
    });
  });
});
