import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import type { AppEnv } from '../../../../shared/http/app-env.js';
import { notFound, onError } from '../../../../shared/http/on-error.js';
import { ProblemSchema } from '../../../../shared/http/problem.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { requestContext } from '../../../../policies/request-context/request-context.js';
import { CrmAccountSchema } from '../contract.js';
import { createSalesforceCrmAdapter } from '../salesforce/adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from '../salesforce/config.js';
import { HTML_FAULT_CANARY } from '../salesforce/sandbox-faults.js';
import { captureLogger, startSalesforceSandbox, type SalesforceSandboxHandle } from '../salesforce/sandbox-harness.js';
import { createCrmRouter } from '../router.js';

// The CRM router in a small app (request context first, router at /system/v1/crm, the one onError),
// with the real Salesforce adapter against the sandbox over HTTP. Auth is tested with the policies.
describe('CRM system routes', () => {
  let sandbox: SalesforceSandboxHandle;
  let http: HttpClient;
  let app: Hono<AppEnv>;
  let logs: ReturnType<typeof captureLogger>;

  const build = (overrides: Partial<SalesforceConfig> = {}) => {
    http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    logs = captureLogger();
    const crm = createSalesforceCrmAdapter(
      { ...sandboxSalesforceConfig(sandbox.baseUrl), retries: 1, backoffMs: 5, attemptTimeoutMs: 300, ...overrides },
      { http, clock: systemClock, logger: logs.logger },
    );
    app = new Hono<AppEnv>();
    app.use('*', requestContext({ logger: logs.logger, clock: systemClock, deadlineMs: 2_000 }));
    app.route('/system/v1/crm', createCrmRouter({ crm }));
    app.onError(onError);
    app.notFound(notFound);
  };
  const get = (path: string) => app.request(`/system/v1/crm${path}`);
  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    return { problem: ProblemSchema.parse(JSON.parse(text)), text };
  };

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
    build();
  });
  afterEach(async () => {
    await http.close();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('GET /accounts/{accountId} (getCrmAccount)', () => {
    it('when the account exists, answers 200 with a body that satisfies the contract schema', async () => {
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(200);
      const account = CrmAccountSchema.parse(await res.json()); // strict: no vendor field slipped through
      expect(account).toMatchObject({ id: '001Dn00000GlbxAIAR', externalId: 'cus_01HZX3GLOBEX', primaryContact: { name: 'Hanna Becker' } });
    });

    it('when no account has the id, answers 404 not-found', async () => {
      const res = await get('/accounts/001Dn00000NopeAIAR');
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem).toMatchObject({ code: 'crm.account_not_found', type: 'https://strata.dev/problems/not-found' });
    });

    it.each([['%2e%2e%2f001Dn00000GlbxAIAR'], ['..%2F..%2Fetc'], ['a'.repeat(65)], ["001'%20OR%201=1"]])(
      'when the id is off-pattern (%s), answers 422 naming the parameter, without calling Salesforce',
      async (id) => {
        const res = await get(`/accounts/${id}`);
        expect(res.status).toBe(422);
        const { problem, text } = await problemOf(res);
        expect(problem.errors?.[0]).toMatchObject({ parameter: 'accountId' });
        expect(text).not.toContain('..');
        expect((await sandbox.stats()).total).toBe(0);
      },
    );
  });

  describe('GET /accounts?externalId= (findCrmAccountByExternalId)', () => {
    it('when one account carries the external id, answers 200 with it', async () => {
      const res = await get('/accounts?externalId=cus_01HZX3WAYNE');
      expect(res.status).toBe(200);
      expect(CrmAccountSchema.parse(await res.json())).toMatchObject({ id: '001Dn00000WaynAIAR', name: 'Wayne Enterprises B.V.' });
    });

    it('when none does, answers 404', async () => {
      const res = await get('/accounts?externalId=cus_01HZX3NOBODY');
      expect(res.status).toBe(404);
      expect((await problemOf(res)).problem.code).toBe('crm.account_not_found');
    });

    it.each([
      ['missing', ''],
      ['a SOQL injection', `?externalId=${encodeURIComponent("x' OR Name != '")}`],
      ['too long', `?externalId=${'a'.repeat(65)}`],
      ['with an unknown parameter', '?externalId=cus_01HZX3WAYNE&limit=1000'],
    ])('when the query is %s, answers 422 without calling Salesforce', async (_, query) => {
      const res = await get(`/accounts${query}`);
      expect(res.status).toBe(422);
      const { problem, text } = await problemOf(res);
      expect(problem.code).toBe('http.validation');
      expect(text).not.toContain('OR Name');
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('vendor faults become problems without vendor text', () => {
    it('when Salesforce fails with 500, answers 502 upstream-error naming the crm domain only', async () => {
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/services/data/' });
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(502);
      const { problem, text } = await problemOf(res);
      expect(problem).toMatchObject({ code: 'vendor.error', type: 'https://strata.dev/problems/upstream-error', vendor: 'crm' });
      expect(text).not.toMatch(/UNKNOWN_EXCEPTION|unexpected error|salesforce/i);
    });

    it('when Salesforce sends an HTML page, answers 502 upstream-invalid-response without the page', async () => {
      await sandbox.injectFault({ fault: 'html', pathPattern: '/query' });
      const res = await get('/accounts?externalId=cus_01HZX3WAYNE');
      expect(res.status).toBe(502);
      const { problem, text } = await problemOf(res);
      expect(problem.code).toBe('vendor.invalid_response');
      expect(text).not.toContain(HTML_FAULT_CANARY);
      expect(logs.text()).not.toContain(HTML_FAULT_CANARY);
    });

    it('when Salesforce does not answer in time, answers 504 upstream-timeout', async () => {
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/services/data/' });
      const res = await get('/accounts/001Dn00000GlbxAIAR');
      expect(res.status).toBe(504);
      expect((await problemOf(res)).problem).toMatchObject({ code: 'vendor.timeout', type: 'https://strata.dev/problems/upstream-timeout' });
    });

    it("when Salesforce's org request limit is spent, answers 503 with Retry-After (not 429, which would blame the client)", async () => {
      await sandbox.injectFault({ fault: 'request-limit', pathPattern: '/query', times: 1 });
      const res = await get('/accounts?externalId=cus_01HZX3WAYNE');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('60');
      const { problem, text } = await problemOf(res);
      expect(problem.type).toBe('https://iana.org/assignments/http-problem-types#temporary-reduced-capacity');
      expect(text).not.toContain('TotalRequests');
    });
  });
});
