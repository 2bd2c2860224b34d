import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { RESPONSE_TARGET_MINUTES } from '../contract.js';
import { SANDBOX_SERVICENOW_CREDENTIALS } from './config.js';
import { COLUMNS } from './sandbox-data.js';
import { QueryError, parseEncodedQuery, runQuery } from './sandbox-query.js';
import { createServicenowSandbox, type ServicenowSandboxOptions } from './sandbox.js';

const GLOBEX = SEED_COMPANIES[0]!;
const INITECH = SEED_COMPANIES[1]!;
const BASE = 'http://127.0.0.1/servicenow';
type Json = Record<string, any>;

const tokenForm = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: SANDBOX_SERVICENOW_CREDENTIALS.clientId, client_secret: SANDBOX_SERVICENOW_CREDENTIALS.clientSecret, ...fields }).toString(),
});

/** The sandbox app mounted like the sandbox server mounts it, with a token in hand. */
const instance = (options: ServicenowSandboxOptions = {}) => {
  const app = createServicenowSandbox(options);
  let token: string | undefined;
  const request = (path: string, init: RequestInit = {}) => app.request(`${BASE.replace('/servicenow', '')}${path}`, init);
  const api = async (path: string, init: RequestInit = {}) => {
    token ??= ((await (await request('/oauth_token.do', tokenForm({ grant_type: 'client_credentials' }))).json()) as Json).access_token as string;
    return request(path, { ...init, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
  };
  return { app, request, api };
};

describe('ServiceNow sandbox', () => {
  // Mounted at the root here; the prefix only matters for links, covered through the harness elsewhere.
  let sn: ReturnType<typeof instance>;
  beforeEach(() => {
    sn = instance();
  });

  describe('POST /oauth_token.do', () => {
    it('issues a bearer token for the client credentials grant, one second under the lifespan', async () => {
      const res = await sn.request('/oauth_token.do', tokenForm({ grant_type: 'client_credentials' }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body).toEqual({ access_token: expect.any(String), scope: 'useraccount', token_type: 'Bearer', expires_in: 1799 });
    });

    it('issues an access and a refresh token for the password grant; the refresh token buys a new access token', async () => {
      const { username, password } = SANDBOX_SERVICENOW_CREDENTIALS;
      const first = (await (await sn.request('/oauth_token.do', tokenForm({ grant_type: 'password', username, password }))).json()) as Json;
      expect(first.refresh_token).toEqual(expect.any(String));
      const refreshed = await sn.request('/oauth_token.do', tokenForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      expect(refreshed.status).toBe(200);
    });

    it.each([
      [{ grant_type: 'client_credentials', client_secret: 'wrong' }, 401, 'server_error'],
      [{ grant_type: 'password', username: 'strata.integration', password: 'wrong' }, 401, 'server_error'],
      [{ grant_type: 'refresh_token', refresh_token: 'made-up' }, 401, 'server_error'],
      [{ grant_type: 'authorization_code' }, 400, 'unsupported_grant_type'],
    ])('refuses %j with %i %s', async (fields, status, error) => {
      const res = await sn.request('/oauth_token.do', tokenForm(fields));
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error });
    });

    it('refuses a JSON body (the endpoint takes form encoding only)', async () => {
      const res = await sn.request('/oauth_token.do', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
      expect(res.status).toBe(400);
    });
  });

  describe('bearer authentication', () => {
    it('answers 401 in the error envelope without a token, and once the token expired', async () => {
      const res = await sn.request(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });

      const clock = createManualClock();
      const short = instance({ clock, tokenLifespanSeconds: 60 });
      expect((await short.api(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}`)).status).toBe(200);
      clock.advance(60_000);
      expect((await short.api(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}`)).status).toBe(401);
    });
  });

  describe('GET /api/now/table/{table}/{sys_id}', () => {
    it('answers a seeded company with its custom columns, every value a string, and the rate-limit rule headers', async () => {
      const res = await sn.api(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
      expect(res.headers.get('x-ratelimit-rule')).toMatch(/^[0-9a-f]{32}$/);
      const { result } = (await res.json()) as Json;
      expect(Object.keys(result).sort()).toEqual([...COLUMNS.core_company].sort());
      expect(Object.values(result).every((v) => typeof v === 'string')).toBe(true);
      expect(result).toMatchObject({ sys_id: GLOBEX.vendorIds.servicenowCompanySysId, name: 'Globex GmbH', u_external_ref: GLOBEX.canonicalId, u_support_tier: 'enterprise', customer: 'true' });
    });

    it('projects sysparm_fields, leaving out names the table does not have', async () => {
      const res = await sn.api(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}?sysparm_fields=sys_id,name,u_nonexistent`);
      expect(((await res.json()) as Json).result).toEqual({ sys_id: GLOBEX.vendorIds.servicenowCompanySysId, name: 'Globex GmbH' });
    });

    it('renders references as {link, value} unless sysparm_exclude_reference_link=true', async () => {
      const list = (await (await sn.api(`/api/now/table/incident?sysparm_query=company=${INITECH.vendorIds.servicenowCompanySysId}&sysparm_limit=1`)).json()) as Json;
      expect(list.result[0].company).toEqual({ link: expect.stringMatching(/\/api\/now\/table\/core_company\/a1b2c3d4e5f60718293a4b5c6d7e8813$/), value: INITECH.vendorIds.servicenowCompanySysId });
      const bare = (await (await sn.api(`/api/now/table/incident/${list.result[0].sys_id}?sysparm_exclude_reference_link=true`)).json()) as Json;
      expect(bare.result.company).toBe(INITECH.vendorIds.servicenowCompanySysId);
    });

    it('answers 404 No Record found for an unknown (or malformed) sys_id, 400 for an unknown table or path', async () => {
      const missing = await sn.api('/api/now/table/core_company/0000000000000000000000000000f404');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" }, status: 'failure' });
      expect((await sn.api('/api/now/table/sys_user_password')).status).toBe(400);
      expect((await sn.api('/api/now/table/core_company/not-a-sys-id')).status).toBe(404);
      expect((await sn.api('/api/now/table/core_company/a/b')).status).toBe(400);
    });

    it('refuses display values (the sandbox renders raw values only)', async () => {
      expect((await sn.api(`/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}?sysparm_display_value=true`)).status).toBe(400);
    });
  });

  describe('GET /api/now/table/{table}', () => {
    it("lists a company's incidents newest first, with the seed's states, priorities and SLA flags", async () => {
      const query = `company=${INITECH.vendorIds.servicenowCompanySysId}^ORDERBYDESCsys_created_on`;
      const res = await sn.api(`/api/now/table/incident?sysparm_query=${encodeURIComponent(query)}&sysparm_exclude_reference_link=true`);
      expect(res.headers.get('x-total-count')).toBe(String(INITECH.support.cases.length));
      const { result } = (await res.json()) as { result: Record<string, string>[] };
      expect(result.map((r) => r.short_description)).toEqual(['Question about data retention', 'Cannot add users', 'API returns 500 on bulk export']);
      expect(result.map((r) => [r.state, r.hold_reason, r.priority, r.made_sla])).toEqual([
        ['1', '', '4', 'true'],
        ['3', '1', '3', 'false'],
        ['2', '', '1', 'false'],
      ]);
      expect(result.every((r) => /^INC\d{7}$/.test(r.number!))).toBe(true);
    });

    it('pages with sysparm_limit and sysparm_offset, naming first, prev, next and last in the Link header', async () => {
      const query = new URLSearchParams({ sysparm_query: 'ORDERBYnumber', sysparm_fields: 'number', sysparm_limit: '3', sysparm_offset: '3' });
      const res = await sn.api(`/api/now/table/incident?${query}`);
      const total = Number(res.headers.get('x-total-count'));
      expect(total).toBe(SEED_COMPANIES.reduce((n, c) => n + c.support.cases.length, 0) + 1);
      const links = Object.fromEntries([...res.headers.get('link')!.matchAll(/<([^>]+)>;rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!)]));
      expect(Object.keys(links)).toEqual(['first', 'prev', 'next', 'last']);
      expect(links.next!.searchParams.get('sysparm_offset')).toBe('6');
      expect(links.next!.searchParams.get('sysparm_fields')).toBe('number');
      expect(links.prev!.searchParams.get('sysparm_offset')).toBe('0');
      expect(((await res.json()) as Json).result.map((r: Json) => r.number)).toEqual(['INC0010004', 'INC0010005', 'INC0010006']);
    });

    it.each([
      ['an OR', 'nameSTARTSWITHG^ORname=Initech Ltd'],
      ['LIKE', 'nameLIKEGlobex'],
      ['dot-walking', 'company.name=Globex GmbH'],
      ['an unknown column', 'u_nonexistent=1'],
    ])('refuses a query with %s in the error envelope', async (_what, query) => {
      const res = await sn.api(`/api/now/table/core_company?sysparm_query=${encodeURIComponent(query)}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { message: 'Invalid query' }, status: 'failure' });
    });

    it('like an instance, can ignore a condition on an unknown column (and then answers every row)', async () => {
      const lax = instance({ unknownColumns: 'ignore' });
      const res = await lax.api(`/api/now/table/core_company?sysparm_query=u_nonexistent=1`);
      expect(res.headers.get('x-total-count')).toBe(String(SEED_COMPANIES.length + 2));
    });
  });

  describe('writes', () => {
    it('POST creates a company (201 + Location); a company without a name is refused by the data policy', async () => {
      const res = await sn.api('/api/now/table/core_company', { method: 'POST', body: JSON.stringify({ name: 'Hooli Inc.', u_external_ref: 'cus_01HZX3HOOLI', customer: 'true', unknown_column: 'ignored' }) });
      expect(res.status).toBe(201);
      const { result } = (await res.json()) as Json;
      expect(res.headers.get('location')).toMatch(new RegExp(`/api/now/table/core_company/${result.sys_id}$`));
      expect(result).toMatchObject({ name: 'Hooli Inc.', u_external_ref: 'cus_01HZX3HOOLI', u_support_tier: '', customer: 'true', sys_mod_count: '0' });
      expect(result).not.toHaveProperty('unknown_column');
      const refused = await sn.api('/api/now/table/core_company', { method: 'POST', body: JSON.stringify({ u_external_ref: 'x' }) });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { message: 'Operation Failed' }, status: 'failure' });
    });

    it('POST creates an incident: number, priority from impact × urgency, and an SLA whose breach clears made_sla', async () => {
      const clock = createManualClock(Date.parse('2026-11-02T10:00:00Z'));
      const timed = instance({ clock, tokenLifespanSeconds: 7_200 });
      const res = await timed.api('/api/now/table/incident?sysparm_exclude_reference_link=true', {
        method: 'POST',
        body: JSON.stringify({ company: GLOBEX.vendorIds.servicenowCompanySysId, short_description: 'Down', description: 'All down.', impact: '1', urgency: '2', correlation_id: 'ref-1' }),
      });
      expect(res.status).toBe(201);
      const { result } = (await res.json()) as Json;
      expect(result).toMatchObject({ number: 'INC0010010', priority: '2', state: '1', made_sla: 'true', sla_due: '2026-11-02 11:00:00', correlation_id: 'ref-1' });
      clock.advance(RESPONSE_TARGET_MINUTES.enterprise.sev2 * 60_000);
      const later = (await (await timed.api(`/api/now/table/incident/${result.sys_id}?sysparm_fields=made_sla`)).json()) as Json;
      expect(later.result).toEqual({ made_sla: 'false' });
    });

    it('PATCH sets the support tier; the same value again writes nothing; an unknown sys_id is 404', async () => {
      const path = `/api/now/table/core_company/${INITECH.vendorIds.servicenowCompanySysId}?sysparm_fields=u_support_tier,sys_mod_count`;
      const first = (await (await sn.api(path, { method: 'PATCH', body: JSON.stringify({ u_support_tier: 'premium' }) })).json()) as Json;
      expect(first.result).toEqual({ u_support_tier: 'premium', sys_mod_count: '2' });
      const again = (await (await sn.api(path, { method: 'PATCH', body: JSON.stringify({ u_support_tier: 'premium' }) })).json()) as Json;
      expect(again.result).toEqual({ u_support_tier: 'premium', sys_mod_count: '2' });
      expect((await sn.api('/api/now/table/core_company/0000000000000000000000000000f404', { method: 'PATCH', body: '{}' })).status).toBe(404);
    });

    it('refuses a body that is not JSON', async () => {
      const res = await sn.api('/api/now/table/core_company', { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ status: 'failure' });
    });
  });

  describe('the rate-limit rule', () => {
    it('when enforced, answers 429 with Retry-After and the X-RateLimit headers past the hourly limit', async () => {
      const clock = createManualClock(Date.parse('2026-11-02T10:59:30Z'));
      const strict = instance({ clock, requestsPerHour: 1, enforceRateLimit: true });
      const path = `/api/now/table/core_company/${GLOBEX.vendorIds.servicenowCompanySysId}`;
      expect((await strict.api(path)).status).toBe(200);
      const limited = await strict.api(path);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      expect(limited.headers.get('x-ratelimit-limit')).toBe('1');
      expect(limited.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-11-02T11:00:00Z') / 1000));
    });
  });
});

describe('the sandbox encoded-query subset', () => {
  const columns = new Set(['name', 'state', 'sys_created_on']);
  const rows = [
    { name: 'b', state: '2', sys_created_on: '2026-01-02 00:00:00' },
    { name: 'a', state: '6', sys_created_on: '2026-01-03 00:00:00' },
    { name: 'C', state: '1', sys_created_on: '2026-01-01 00:00:00' },
  ];

  it('evaluates =, !=, IN and NOT IN (case-insensitively) and orders', () => {
    expect(runQuery(rows, parseEncodedQuery('name=c', columns)).map((r) => r.name)).toEqual(['C']);
    expect(runQuery(rows, parseEncodedQuery('stateNOT IN6,7,8^ORDERBYDESCsys_created_on', columns)).map((r) => r.name)).toEqual(['b', 'C']);
    expect(runQuery(rows, parseEncodedQuery('stateIN1,6^ORDERBYname', columns)).map((r) => r.name)).toEqual(['C', 'a']);
    expect(runQuery(rows, parseEncodedQuery('name!=a', columns)).map((r) => r.name)).toEqual(['b', 'C']);
  });

  it.each(['name=a^ORname=b', 'name=a^NQname=b', 'nameSTARTSWITHa', 'state>2', 'nameISEMPTY', 'bogus'])('refuses %s', (query) => {
    expect(() => parseEncodedQuery(query, columns)).toThrow(QueryError);
  });
});
