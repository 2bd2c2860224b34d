import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../../shared/http/problem.js';
import { createRouterTestApp } from '../../../../test/harness/router-test-app.js';
import { CaseSchema, EntitlementSchema, OrganizationSchema, RESPONSE_TARGET_MINUTES } from '../contract.js';
import { createSupportRouter } from '../router.js';
import type { ZendeskResilience } from '../zendesk/config.js';
import { sandboxAdapter, startZendeskSandbox, type ZendeskSandboxHandle } from '../zendesk/sandbox-harness.js';

// The support router in a small app (request context first, router at /system/v1/support, the one
// onError), with the real Zendesk adapter against its sandbox over HTTP. Auth is tested with the policies;
// here, that every route declares its scope.
let sandbox: ZendeskSandboxHandle;
let closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sandbox = await startZendeskSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

const createTestSupportApp = (options: { deadlineMs?: number; resilience?: ZendeskResilience } = {}) => {
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 5, ...options.resilience } });
  closers.push(adapter.close);
  return createRouterTestApp('/system/v1/support', createSupportRouter({ support: adapter.support }), options);
};
const request = (path: string, init?: RequestInit) => createTestSupportApp().request(`/system/v1/support${path}`, init);
const send = (method: 'POST' | 'PUT', path: string, body: unknown) => request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const expectProblem = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const text = await res.text();
  const body = ProblemSchema.parse(JSON.parse(text));
  expect(body).toMatchObject({ status, code, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return { body, text };
};

/** Vendor words that must never reach a client: Zendesk's error codes and texts, the fault canary, the HTML page. */
const VENDOR_TEXT = /RecordNotFound|RecordInvalid|APIRateLimitExceeded|[Zz]endesk|canary|<html|Internal Server Error|maintenance|globex\.example/;

const NEW_CASE = { organizationId: '360000008813', subject: 'Export fails', description: 'Bulk export answers 500.', severity: 'sev2', externalRef: 'case-route-0001' };

describe('support system routes', () => {
  it('every route declares its scope: support:read for reads, support:write for writes', () => {
    const router = createSupportRouter({ support: {} as never });
    const routes = router.openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [d.route] : []));
    expect(Object.fromEntries(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.security]))).toEqual({
      'GET /organizations/{organizationId}': [{ oauth2: ['support:read'] }],
      'POST /organizations': [{ oauth2: ['support:write'] }],
      'PUT /organizations/{organizationId}/entitlement': [{ oauth2: ['support:write'] }],
      'GET /organizations/{organizationId}/cases': [{ oauth2: ['support:read'] }],
      'POST /cases': [{ oauth2: ['support:write'] }],
      'GET /cases/{caseId}': [{ oauth2: ['support:read'] }],
    });
    expect(routes.map((r) => r.operationId).sort()).toEqual(['createCase', 'createSupportOrganization', 'getCase', 'getSupportOrganization', 'listCases', 'setSupportEntitlement']);
  });

  describe('GET /organizations/{organizationId} (getSupportOrganization)', () => {
    it('when the organisation exists, answers 200 with a body that validates against Organization', async () => {
      const res = await request('/organizations/360000008812');
      expect(res.status).toBe(200);
      expect(OrganizationSchema.parse(await res.json())).toEqual({ id: '360000008812', name: 'Globex GmbH', externalRef: 'cus_01HZX3GLOBEX', tier: 'enterprise', createdAt: '2024-01-15T09:00:00.000Z' });
    });

    it('when it does not exist, answers 404 problem; an id Zendesk cannot have, 404 without a vendor call', async () => {
      await expectProblem(await request('/organizations/424242'), 404, 'support.organization_not_found');
      await sandbox.resetStats();
      await expectProblem(await request('/organizations/globex-gmbh'), 404, 'support.organization_not_found');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it.each(['%2E%2E%2F360000008812', '360000008812%3Finclude%3Dusers', 'a'.repeat(65)])('when the id is %s, answers 422 naming the parameter, without a vendor call', async (id) => {
      const { body } = await expectProblem(await request(`/organizations/${id}`), 422, 'http.validation');
      expect(body.errors).toEqual([{ parameter: 'organizationId', detail: expect.any(String) }]);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('POST /organizations (createSupportOrganization)', () => {
    const hooli = { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI', domains: ['hooli.example'] };

    it('answers 201 with the organisation; the same externalRef again answers 201 with the same one', async () => {
      const first = await send('POST', '/organizations', hooli);
      expect(first.status).toBe(201);
      const created = OrganizationSchema.parse(await first.json());
      expect(created).toMatchObject({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' });
      const again = await send('POST', '/organizations', hooli);
      expect(again.status).toBe(201);
      expect(OrganizationSchema.parse(await again.json()).id).toBe(created.id);
      expect(await sandbox.count('POST', '/organizations')).toBe(1);
    });

    it.each([
      [{ ...hooli, tier: 'premium' }, '/tier'],
      [{ name: 'Hooli Inc.' }, '/externalRef'],
      [{ ...hooli, externalRef: 'cus 01' }, '/externalRef'],
      [{ ...hooli, domains: ['not a domain'] }, '/domains/0'],
      [{ ...hooli, name: '' }, '/name'],
    ])('when the body is %j, answers 422 pointing at %s, without a vendor call', async (body, pointer) => {
      const { body: problem } = await expectProblem(await send('POST', '/organizations', body), 422, 'http.validation');
      expect(problem.errors).toEqual([{ pointer, detail: expect.any(String) }]);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('PUT /organizations/{organizationId}/entitlement (setSupportEntitlement)', () => {
    it('answers 200 with the entitlement and its response targets; the organisation now shows the tier', async () => {
      const res = await send('PUT', '/organizations/360000008813/entitlement', { tier: 'enterprise' });
      expect(res.status).toBe(200);
      expect(EntitlementSchema.parse(await res.json())).toEqual({ organizationId: '360000008813', tier: 'enterprise', responseTargetMinutes: RESPONSE_TARGET_MINUTES.enterprise });
      expect(await (await request('/organizations/360000008813')).json()).toMatchObject({ tier: 'enterprise' });
    });

    it('when the tier is not one of the tiers, answers 422; when the organisation does not exist, 404', async () => {
      await expectProblem(await send('PUT', '/organizations/360000008813/entitlement', { tier: 'gold' }), 422, 'http.validation');
      await expectProblem(await send('PUT', '/organizations/360000008813/entitlement', { tier: 'premium', sla: 'x' }), 422, 'http.validation');
      await expectProblem(await send('PUT', '/organizations/424242/entitlement', { tier: 'premium' }), 404, 'support.organization_not_found');
    });
  });

  describe('GET /organizations/{organizationId}/cases (listCases)', () => {
    it('by default answers the open cases, newest first, validating against Case[]', async () => {
      const res = await request('/organizations/360000008813/cases');
      expect(res.status).toBe(200);
      const cases = z.array(CaseSchema).parse(await res.json());
      expect(cases.map((c) => [c.subject, c.severity, c.status, c.slaBreached])).toEqual([
        ['Question about data retention', 'sev4', 'new', false],
        ['Cannot add users', 'sev3', 'pending', true],
        ['API returns 500 on bulk export', 'sev1', 'open', true],
      ]);
    });

    it('status=all includes solved cases; limit bounds the answer', async () => {
      expect(z.array(CaseSchema).parse(await (await request('/organizations/360000008812/cases?status=all')).json()).map((c) => c.status)).toEqual(['open', 'solved']);
      expect(z.array(CaseSchema).parse(await (await request('/organizations/360000008812/cases?status=all&limit=1')).json())).toHaveLength(1);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=2.5', 'limit'],
      ['status=closed', 'status'],
      ['page=2', 'page'],
    ])('when the query is %s, answers 422 naming %s, without a vendor call (B6)', async (query, parameter) => {
      const { body } = await expectProblem(await request(`/organizations/360000008812/cases?${query}`), 422, 'http.validation');
      expect(body.errors).toEqual([{ parameter, detail: expect.any(String) }]);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the organisation does not exist, answers 404 problem', async () => {
      await expectProblem(await request('/organizations/424242/cases'), 404, 'support.organization_not_found');
    });
  });

  describe('POST /cases (createCase) and GET /cases/{caseId} (getCase)', () => {
    it('answers 201 with the case; the same externalRef again answers the same case; GET reads it back', async () => {
      const first = await send('POST', '/cases', NEW_CASE);
      expect(first.status).toBe(201);
      const created = CaseSchema.parse(await first.json());
      expect(created).toMatchObject({ organizationId: '360000008813', severity: 'sev2', status: 'new', escalated: false, slaBreached: false });
      const again = await send('POST', '/cases', NEW_CASE);
      expect(CaseSchema.parse(await again.json()).id).toBe(created.id);
      expect(await sandbox.count('POST', '/tickets')).toBe(1);

      const read = await request(`/cases/${created.id}`);
      expect(read.status).toBe(200);
      expect(CaseSchema.parse(await read.json())).toEqual(created);
    });

    it('when the organisation does not exist, answers 404 support.organization_not_found', async () => {
      await expectProblem(await send('POST', '/cases', { ...NEW_CASE, organizationId: '424242' }), 404, 'support.organization_not_found');
    });

    it.each([
      [{ ...NEW_CASE, severity: 'critical' }, '/severity'],
      [{ ...NEW_CASE, description: '' }, '/description'],
      [{ ...NEW_CASE, priority: 'high' }, '/priority'],
    ])('when the body is %j, answers 422 pointing at %s, without a vendor call', async (body, pointer) => {
      const { body: problem } = await expectProblem(await send('POST', '/cases', body), 422, 'http.validation');
      expect(problem.errors).toEqual([{ pointer, detail: expect.any(String) }]);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('GET of a case that does not exist answers 404 problem', async () => {
      await expectProblem(await request('/cases/999999'), 404, 'support.case_not_found');
    });
  });

  describe('vendor failures', () => {
    it('when Zendesk keeps failing with 500, answers 502 upstream-error naming the domain, with no vendor text', async () => {
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/tickets' });
      const { body, text } = await expectProblem(await request('/organizations/360000008812/cases'), 502, 'vendor.error');
      expect(body).toMatchObject({ type: 'https://strata.dev/problems/upstream-error', vendor: 'support' });
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when Zendesk sends an HTML page with 200, answers 502 upstream-invalid-response with no vendor text', async () => {
      await sandbox.injectFault({ fault: 'html', pathPattern: '/organizations/' });
      const { text } = await expectProblem(await request('/organizations/360000008812'), 502, 'vendor.invalid_response');
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when a create does not answer within the deadline, answers 504 in time and sends it once', async () => {
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/organizations$' });
      const app = createTestSupportApp({ deadlineMs: 1_000, resilience: { attemptTimeoutMs: 300, responseReserveMs: 100 } });
      const started = performance.now();
      const res = await app.request('/system/v1/support/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' }) });
      expect(performance.now() - started).toBeLessThanOrEqual(1_000);
      const { body, text } = await expectProblem(res, 504, 'vendor.timeout');
      expect(body).toMatchObject({ type: 'https://strata.dev/problems/upstream-timeout', vendor: 'support' });
      expect(text).not.toMatch(VENDOR_TEXT);
      expect(await sandbox.count('POST', '/organizations')).toBe(1);
    });

    it('when Zendesk answers 429 with Retry-After: 30, answers 503 with Retry-After: 30 (not 429)', async () => {
      await sandbox.injectFault({ fault: 'rate-limit', pathPattern: '/tickets/', retryAfter: 30 });
      const res = await request('/cases/35001');
      await expectProblem(res, 503, 'vendor.rate_limited');
      expect(res.headers.get('retry-after')).toBe('30');
    });
  });
});
