import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createRedisRunStore } from '../../apis/process/runs/redis-run-store.js';
import { createManualClock } from '../../shared/clock.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { SEED_COMPANIES, UNLINKED_SALESFORCE_ACCOUNT } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

/**
 * Onboarding runs beyond a vendor failing (customer-onboarding.test.ts): a step that needs a person,
 * concurrent requests for one account, who may see a run, and runs kept in Redis.
 */
const HOOLI = UNLINKED_SALESFORCE_ACCOUNT.id;
const GLOBEX = SEED_COMPANIES[0]!;
const SCOPES = 'onboarding:write operations:read operations:write';
const request = { crmAccountId: HOOLI, country: 'US', currency: 'USD', taxId: 'US-94-1234567' };

const redis = createRedis(inject('redisUrl'), { commandTimeoutMs: 1_000 });
beforeAll(() => waitForRedis(redis));
afterAll(() => redis.quit());

describe('customer onboarding runs (NetSuite, Salesforce, Stripe, Zendesk; runs in Redis)', () => {
  let t: TestApp;
  const onboard = (body: object = request, scope = SCOPES) => t.post('/process/v1/customer-onboardings', scope, body);
  const erpCreates = async () => (await t.vendorRequests('netsuite')).filter((r) => r.method === 'POST' && /\/record\/v1\/customer$/.test(r.path)).length;

  beforeEach(async () => (t = await createTestApp({ deps: { runs: createRedisRunStore(redis, { keyPrefix: `test:${randomUUID()}:run:` }) } })));
  afterEach(() => t.close());

  it('parks the run when the ERP match belongs to another customer, says what to do, and resumes once the data is corrected', async () => {
    // The tax id given is Globex's: the ERP matches Globex's customer, which is another customer's record.
    const res = await onboard({ ...request, taxId: GLOBEX.taxId });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { type: string; code: string; operationId: string; failedStep: string; remediation: string };
    expect(problem).toMatchObject({ type: 'https://strata.dev/problems/business-exception', code: 'process.step_parked', failedStep: 'erp.customer' });
    expect(problem.remediation).toMatch(/already linked to another customer/);
    expect(await erpCreates()).toBe(0);

    const op = (await (await t.get(`/process/v1/operations/${problem.operationId}`, SCOPES)).json()) as { status: string; steps: { status: string; error?: object }[] };
    expect(op.status).toBe('parked');
    expect(op.steps.map((s) => s.status)).toEqual(['parked', 'pending', 'pending', 'pending']);

    // Resuming without a change parks it again; sending the corrected request resumes the same run.
    expect((await t.post(`/process/v1/operations/${problem.operationId}/resume`, SCOPES, undefined)).status).toBe(409);
    const fixed = await onboard();
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ operationId: problem.operationId, status: 'succeeded', executions: 3 });
    expect(await erpCreates()).toBe(1);

    // Globex's own links are untouched.
    const globexCredit = await t.post('/process/v1/credit-checks', 'credit:check', { crmAccountId: GLOBEX.salesforceAccountId, orderAmount: { amountMinor: 1_00, currency: 'EUR' } });
    expect(await globexCredit.json()).toMatchObject({ erpCustomerId: GLOBEX.netsuiteCustomerId });
  });

  it('runs one onboarding per account at a time: a concurrent request is 409 with Retry-After and writes nothing', async () => {
    await t.fault('netsuite', { fault: 'latency', delayMs: 300, method: 'POST', pathPattern: '/record/v1/customer$' });
    const [a, b] = await Promise.all([onboard(), new Promise((r) => setTimeout(r, 100)).then(() => onboard())]);
    expect([a.status, b.status]).toEqual([201, 409]);
    expect(b.headers.get('retry-after')).toBe('1');
    expect(await b.json()).toMatchObject({ code: 'process.in_progress' });
    expect(await erpCreates()).toBe(1);
  });

  it('shows a run to the client that started it and to operators, and to nobody else', async () => {
    const { operationId } = (await (await onboard()).json()) as { operationId: string };
    const path = `/process/v1/operations/${operationId}`;
    expect((await t.get(path, 'operations:read')).status).toBe(200);
    const other = await t.app.request(path, { headers: { authorization: `Bearer ${await t.token('operations:read operations:write', { client_id: 'partner', sub: 'partner' })}` } });
    expect(other.status).toBe(404);
    const otherResume = await t.app.request(`${path}/resume`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('operations:write', { client_id: 'partner', sub: 'partner' })}` } });
    expect(otherResume.status).toBe(404);
    const operator = await t.app.request(path, { headers: { authorization: `Bearer ${await t.token('operations:read ops:admin', { client_id: 'operator', sub: 'operator' })}` } });
    expect(operator.status).toBe(200);
    expect(Object.keys((await operator.json()) as object)).not.toContain('input'); // personal data stays in the record
  });

  it('resume is a bare POST over HTTP: no body, no content type', async () => {
    const { operationId } = (await (await onboard()).json()) as { operationId: string };
    const server = await t.listen();
    const res = await fetch(`${server.url}/process/v1/operations/${operationId}/resume`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('operations:write')}` } });
    expect(res.status).toBe(200);
    const text = await fetch(`${server.url}/process/v1/operations/${operationId}/resume`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('operations:write')}`, 'content-type': 'text/plain' }, body: 'resume' });
    expect(text.status).toBe(415); // a body must still be JSON
  });

  it('resuming a run that succeeded answers it as it is, without calling any system', async () => {
    const { operationId } = (await (await onboard()).json()) as { operationId: string };
    const before = await Promise.all([t.vendorCalls('netsuite'), t.vendorCalls('salesforce'), t.vendorCalls('stripe'), t.vendorCalls('zendesk')]);
    const res = await t.post(`/process/v1/operations/${operationId}/resume`, SCOPES, undefined);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ operationId, status: 'succeeded', executions: 1 });
    expect(await Promise.all([t.vendorCalls('netsuite'), t.vendorCalls('salesforce'), t.vendorCalls('stripe'), t.vendorCalls('zendesk')])).toEqual(before);
  });

  it('an account the CRM does not know is 404, with no run recorded and nothing written', async () => {
    const res = await onboard({ ...request, crmAccountId: '001Dn00000NoSuchAAA' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'crm.account_not_found' });
    expect(await erpCreates()).toBe(0);
    expect((await t.get('/process/v1/operations/op_00000000000000000000000000000000', SCOPES)).status).toBe(404);
  });

  it('refuses a malformed operation id before any lookup (422), and the routes need their scopes', async () => {
    expect((await t.get('/process/v1/operations/..%2Fadmin', SCOPES)).status).toBe(422);
    expect((await onboard(request, 'operations:read')).status).toBe(403);
    expect((await t.get('/process/v1/operations/op_00000000000000000000000000000000', 'onboarding:write')).status).toBe(403);
  });
});

describe('failed runs resume on their own (the sweeper)', () => {
  let t: TestApp;
  const clock = createManualClock(Date.now());
  beforeEach(async () => (t = await createTestApp({ clock, deps: { runs: createRedisRunStore(redis, { keyPrefix: `test:${randomUUID()}:run:` }) } })));
  afterEach(() => t.close());

  it('finishes a run whose billing step failed once its next attempt is due, without a second ERP customer', async () => {
    await t.fault('stripe', { fault: 'error503', method: 'POST', pathPattern: '/v1/customers$' });
    const res = await t.post('/process/v1/customer-onboardings', SCOPES, request);
    expect(res.status).toBe(502);
    const { operationId, operation } = (await res.json()) as { operationId: string; operation: string };
    const failed = (await (await t.get(operation, SCOPES)).json()) as { nextAttemptAt: string };
    expect(Date.parse(failed.nextAttemptAt) - clock.now()).toBe(30_000);

    // Not due yet: the sweeper leaves it alone.
    await t.clearFaults('stripe');
    expect(await t.processRuns.sweeper.sweepOnce()).toBe(0);

    clock.advance(30_000);
    expect(await t.processRuns.sweeper.sweepOnce()).toBe(1);
    const done = (await (await t.get(operation, SCOPES)).json()) as { status: string; executions: number; nextAttemptAt?: string; steps: { attempts: number }[] };
    expect(done).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(done.nextAttemptAt).toBeUndefined();
    expect(done.steps.map((s) => s.attempts)).toEqual([1, 2, 1, 1]);
    const erpCreates = (await t.vendorRequests('netsuite')).filter((r) => r.method === 'POST' && /\/record\/v1\/customer$/.test(r.path)).length;
    expect(erpCreates).toBe(1);

    // Nothing left to do.
    clock.advance(3_600_000);
    expect(await t.processRuns.sweeper.sweepOnce()).toBe(0);
    expect(operationId).toMatch(/^op_/);
  });
});
