/**
 * The way partners and our own front ends call Strata: an openapi-fetch client typed from the
 * committed `openapi/*.d.ts`, against a running gateway over real HTTP. The field accesses below are
 * typed, so a contract change that breaks clients breaks `npm run typecheck` as well as this test.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components as ExperienceComponents, paths as ExperiencePaths } from '../../openapi/experience.v1.js';
import type { components as ProcessComponents, paths as ProcessPaths } from '../../openapi/process.v1.js';
import type { components as SystemComponents, paths as SystemPaths } from '../../openapi/system.v1.js';
import { SEED_COMPANIES } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

type Problem = SystemComponents['schemas']['Problem'];

let t: TestApp;
let server: ServerType;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

const auth = async (scope: string) => ({ authorization: `Bearer ${await t.token(scope)}` });

describe('a client typed from the published documents, against a running gateway', () => {
  it('POST /process/v1/credit-checks: a typed decision with typed money', async () => {
    const process = createClient<ProcessPaths>({ baseUrl: `${url}/process/v1` });
    const { data, error, response } = await process.POST('/credit-checks', {
      headers: await auth('credit:check'),
      body: { crmAccountId: '001Dn00000GlbxAIAR', orderAmount: { amountMinor: 1_500_000, currency: 'EUR' } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    const check: ProcessComponents['schemas']['CreditCheck'] = data!;
    const decision: 'approve' | 'review' | 'decline' = check.decision;
    const available: number = check.availableCredit.amountMinor;
    const currency: string = check.creditLimit.currency;
    const reasons: string[] = check.reasons.map((r) => r.code);
    expect(decision).toBe('approve');
    expect(check.erpCustomerId).toBe('8812');
    expect(currency).toBe('EUR');
    // Globex: its limit less what it owes (unpaid invoices) and what is ordered but not yet billed.
    const globex = SEED_COMPANIES.find((c) => c.netsuiteCustomerId === '8812')!;
    const owed = globex.openInvoices.reduce((sum, invoice) => sum + invoice[4], 0);
    expect(available).toBe(globex.credit.limitMinor - owed - globex.credit.unbilledMinor);
    expect(reasons).toEqual([]);
  });

  it('GET /experience/v1/crm-widgets/accounts/{crmAccountId}/summary: typed sections, PII masked without pii:read', async () => {
    const experience = createClient<ExperiencePaths>({ baseUrl: `${url}/experience/v1` });
    const { data, response } = await experience.GET('/crm-widgets/accounts/{crmAccountId}/summary', {
      params: { path: { crmAccountId: '001Dn00000InitAIAR' } },
      headers: await auth('accounts:read'),
    });
    expect(response.status).toBe(200);
    const summary: ExperienceComponents['schemas']['AccountSummary'] = data!;
    const partial: boolean = summary.partial;
    const status: 'good' | 'watch' | 'hold' | undefined = summary.credit?.status;
    const overdue: number | undefined = summary.invoices?.overdueCount;
    const email: string | undefined = summary.primaryContact?.email;
    expect(summary.crmAccountId).toBe('001Dn00000InitAIAR');
    expect(partial).toBe(false);
    expect(status).toBe('hold');
    expect(overdue).toBeGreaterThan(0);
    expect(email).toBeDefined();
    expect(email).not.toBe('peter.gibbons@initech.example');
    expect(summary.sources.map((s) => s.source).sort()).toEqual(['crm', 'erp']);
  });

  it('GET /system/v1/erp/customers/{customerId}/credit-profile: a typed ERP credit profile', async () => {
    const system = createClient<SystemPaths>({ baseUrl: `${url}/system/v1` });
    const { data, response } = await system.GET('/erp/customers/{customerId}/credit-profile', {
      params: { path: { customerId: '8814' } },
      headers: await auth('erp:read'),
    });
    expect(response.status).toBe(200);
    const profile: SystemComponents['schemas']['CreditProfile'] = data!;
    const onHold: boolean = profile.onCreditHold;
    const limit: number = profile.creditLimit.amountMinor;
    const days: number = profile.daysOverdue;
    expect(profile.customerId).toBe('8814');
    expect(onHold).toBe(true);
    expect(limit).toBeGreaterThanOrEqual(0);
    expect(days).toBeGreaterThanOrEqual(0);
    expect(Date.parse(profile.asOf)).not.toBeNaN();
  });

  it('when the customer is unknown, the error body is a typed problem', async () => {
    const system = createClient<SystemPaths>({ baseUrl: `${url}/system/v1` });
    const { data, error, response } = await system.GET('/erp/customers/{customerId}', {
      params: { path: { customerId: '99999' } },
      headers: await auth('erp:read'),
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem: Problem = error!;
    const code: string = problem.code;
    const status: number = problem.status;
    expect(code).toBe('erp.customer_not_found');
    expect(status).toBe(404);
    expect(problem.traceId).toBe(response.headers.get('x-request-id'));
  });

  it('when the body breaks the schema, the typed problem points at the field', async () => {
    const process = createClient<ProcessPaths>({ baseUrl: `${url}/process/v1` });
    const { error, response } = await process.POST('/credit-checks', {
      headers: await auth('credit:check'),
      // A typed client cannot send this by mistake; a cast stands for an untyped caller.
      body: { crmAccountId: '001Dn00000GlbxAIAR', orderAmount: { amountMinor: 1, currency: 'euro' } } as ProcessComponents['schemas']['CreditCheckRequest'],
    });
    expect(response.status).toBe(422);
    const problem: ProcessComponents['schemas']['Problem'] = error!;
    const pointers: (string | undefined)[] = (problem.errors ?? []).map((e) => e.pointer);
    expect(problem.code).toBe('http.validation');
    expect(pointers).toContain('/orderAmount/currency');
  });
});
