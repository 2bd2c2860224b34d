import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import type { SupportPort } from '../contract.js';
import { createServicenowSupportAdapter } from './adapter.js';
import { SANDBOX_SERVICENOW_CREDENTIALS, sandboxServicenowConfig, type ServicenowResilience } from './config.js';
import { seededSysId } from './sandbox-data.js';
import { FAULT_CANARY } from './sandbox-faults.js';
import { callCtx, captureLogger, startServicenowSandbox, type ServicenowSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the sandbox over real HTTP. getCase is one GET (after one token
// request), createCase a look-up GET, a company GET and one POST, so attempt counts are exact. The
// shared kit runs E1, E3–E8 on getCase; this file keeps what it does not: writes (E2), the token
// endpoint's faults, the enforced hourly rule, the streamed over-cap list and the 401 refresh.
const GLOBEX = SEED_COMPANIES[0]!;
const INITECH = SEED_COMPANIES[1]!;
const CASE_PATH = '/incident/';
const SEEDED_CASE = seededSysId(`incident:${INITECH.canonicalId}:API returns 500 on bulk export`);
const HOOLI = { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' };
const NEW_CASE = { organizationId: INITECH.vendorIds.servicenowCompanySysId, subject: 'Export fails', description: 'Bulk export answers 500.', severity: 'sev1' as const, externalRef: 'case-e2-0001' };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

let sandbox: ServicenowSandboxHandle;
beforeAll(async () => {
  sandbox = await startServicenowSandbox();
});
afterAll(() => sandbox.close());

// E1, E3–E8 for the main read (getCase: one GET after one token request). E8: the token answer
// (167 bytes) fits under a 256-byte cap, the incident (370 bytes, declared length) does not.
describeVendorReliability(
  'ServiceNow',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { logger, lines } = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    const resilience: ServicenowResilience = { retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) };
    const support = createServicenowSupportAdapter(sandboxServicenowConfig(sandbox.baseUrl, { resilience }), { http, clock, logger });
    return { read: (ctx) => support.getCase(SEEDED_CASE, ctx), readPathPattern: CASE_PATH, domain: 'support', harness: sandbox.harness, logs: () => lines, close: () => http.close() };
  },
  {
    logName: 'servicenow',
    // The fault bodies' canary and user, and the seeded incident's company and subject.
    neverLogged: new RegExp(`${FAULT_CANARY}|beth\\.anglin|Initech|initech\\.example|bulk export`, 'i'),
    overCap: { maxResponseBytes: 256 },
  },
);

describe('ServiceNow adapter under vendor faults (RELIABILITY.md E)', () => {
  const clients: HttpClient[] = [];
  const adapter = (resilience: ServicenowResilience = {}, deps: { clock?: Clock; maxResponseBytes?: number } = {}) => {
    const log = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(deps.maxResponseBytes ? { maxResponseBytes: deps.maxResponseBytes } : {}) });
    clients.push(http);
    const support: SupportPort = createServicenowSupportAdapter(sandboxServicenowConfig(sandbox.baseUrl, { resilience: { retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...resilience } }), {
      http,
      clock: deps.clock ?? systemClock,
      logger: log.logger,
    });
    return { support, ...log };
  };
  const count = (method: string, fragment: string) => sandbox.count(method, fragment);
  const companiesWithRef = (ref: string) => sandbox.rows('core_company', `u_external_ref=${ref}`);
  const incidentsWithRef = (ref: string) => sandbox.rows('incident', `correlation_id=${ref}`);

  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('E1 read timeout', () => {
    it('when the token endpoint hangs, the call fails with vendor.timeout and no Table API request is made', async () => {
      const { support } = adapter({ attemptTimeoutMs: 150 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/oauth_token\\.do$' });
      expect(code(await support.getCase(SEEDED_CASE, callCtx(systemClock, 2_000)))).toBe('vendor.timeout');
      expect(await count('POST', '/oauth_token.do')).toBe(3); // a token request is safe to repeat
      expect(await count('GET', CASE_PATH)).toBe(0);
    });
  });

  describe('E2 write timeout: no blind retry, the caller retries with the same reference', () => {
    it('when the case create never reaches ServiceNow, answers vendor.timeout after one POST; the retry creates exactly one incident', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      // The look-up GET and the POST share the path: the first rule (harmless) is spent by the look-up.
      await sandbox.injectFault({ fault: 'latency', delayMs: 0, pathPattern: '/incident$', times: 1 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/incident$', times: 1 });
      const timedOut = await support.createCase(NEW_CASE, callCtx(systemClock, 2_000));
      // retryable: the caller may send the same request again later; the adapter itself never re-sends the POST.
      expect(timedOut).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'support' } });
      expect(await count('POST', '/incident')).toBe(1);
      expect(await incidentsWithRef(NEW_CASE.externalRef)).toHaveLength(0);

      const retried = await support.createCase(NEW_CASE, callCtx(systemClock));
      expect(retried).toMatchObject({ ok: true, value: { severity: 'sev1', organizationId: NEW_CASE.organizationId } });
      expect(await incidentsWithRef(NEW_CASE.externalRef)).toHaveLength(1);
    });

    it('when ServiceNow commits the incident but the answer is lost, the retry finds it: one incident per reference, no second POST', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'latency', delayMs: 0, pathPattern: '/incident$', times: 1 });
      // trickle: the insert runs, then its answer dribbles in slower than the attempt budget.
      await sandbox.injectFault({ fault: 'trickle', delayMs: 100, pathPattern: '/incident$', times: 1 });
      const timedOut = await support.createCase(NEW_CASE, callCtx(systemClock, 2_000));
      expect(code(timedOut)).toBe('vendor.timeout');
      expect(await count('POST', '/incident')).toBe(1);
      const committed = await incidentsWithRef(NEW_CASE.externalRef);
      expect(committed).toHaveLength(1);

      const retried = await support.createCase(NEW_CASE, callCtx(systemClock));
      expect(retried).toMatchObject({ ok: true, value: { id: committed[0]!.sys_id, number: committed[0]!.number, severity: 'sev1' } });
      expect(await count('POST', '/incident')).toBe(1);
      expect(await incidentsWithRef(NEW_CASE.externalRef)).toHaveLength(1);
    });

    it('when ServiceNow commits the company but the answer is lost, the retry finds it: no duplicate', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'latency', delayMs: 0, pathPattern: '/core_company$', times: 1 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 100, pathPattern: '/core_company$', times: 1 });
      expect(code(await support.createOrganization(HOOLI, callCtx(systemClock, 2_000)))).toBe('vendor.timeout');
      const committed = await companiesWithRef(HOOLI.externalRef);
      expect(committed).toHaveLength(1);

      await sandbox.resetStats();
      expect(await support.createOrganization(HOOLI, callCtx(systemClock))).toMatchObject({ ok: true, value: { id: committed[0]!.sys_id } });
      expect(await count('POST', '/core_company')).toBe(0);
      expect(await companiesWithRef(HOOLI.externalRef)).toHaveLength(1);
    });

    it('the tier update sets one column, so a timed-out PATCH is sent again (idempotent) and succeeds', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/core_company/', times: 1 });
      const result = await support.setEntitlement(GLOBEX.vendorIds.servicenowCompanySysId, 'premium', callCtx(systemClock, 2_000));
      expect(result).toMatchObject({ ok: true, value: { tier: 'premium' } });
      expect(await count('PATCH', '/core_company/')).toBe(2);
    });
  });

  describe('E3 vendor 5xx on a write', () => {
    it('when ServiceNow answers 500 to a create, does not send it again', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'latency', delayMs: 0, pathPattern: '/core_company$', times: 1 });
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/core_company$' });
      expect(code(await support.createOrganization(HOOLI, callCtx(systemClock)))).toBe('vendor.error');
      expect(await count('POST', '/core_company')).toBe(1);
    });
  });

  describe('E4 vendor throttling (429 from an inbound REST rate-limit rule)', () => {
    it("when the sandbox enforces the integration user's hourly rule, the adapter stops at the first 429", async () => {
      const strict = await startServicenowSandbox({ requestsPerHour: 2, enforceRateLimit: true });
      try {
        const http = createUndiciHttpClient({ baseUrl: strict.baseUrl });
        clients.push(http);
        const support = createServicenowSupportAdapter(sandboxServicenowConfig(strict.baseUrl), { http, clock: systemClock });
        const results = [];
        for (let i = 0; i < 4; i++) results.push(code(await support.getOrganization(GLOBEX.vendorIds.servicenowCompanySysId, callCtx(systemClock))));
        expect(results).toEqual(['ok', 'ok', 'vendor.rate_limited', 'vendor.rate_limited']);
        expect(await strict.count('GET', '/core_company/')).toBe(3);
      } finally {
        await strict.close();
      }
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it('when a token answer is not the documented one, answers vendor.invalid_response', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'wrong-types', pathPattern: '/oauth_token\\.do$' });
      expect(code(await support.getCase(SEEDED_CASE, callCtx(systemClock)))).toBe('vendor.invalid_response');
    });
  });

  describe('E7 redirects', () => {
    it('when the token endpoint redirects (the client secret would follow), it is not followed either', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'redirect', pathPattern: '/oauth_token\\.do$' });
      expect(code(await support.getCase(SEEDED_CASE, callCtx(systemClock)))).toBe('vendor.error');
      expect(await count('POST', '/__sandbox/redirect-target')).toBe(0);
    });
  });

  describe('E8 response larger than the cap', () => {
    it('when a streamed list grows past the cap, stops reading and answers vendor.invalid_response', async () => {
      const { support, lines } = adapter({}, { maxResponseBytes: 1_024 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 0, pathPattern: '/incident$' });
      const result = await support.listCases(INITECH.vendorIds.servicenowCompanySysId, { status: 'all', limit: 100 }, callCtx(systemClock));
      expect(code(result)).toBe('vendor.invalid_response');
      expect(lines.join('')).toMatch(/"failure":"too_large"/);
    });

    it('under the cap, the same list answers', async () => {
      const { support } = adapter({}, { maxResponseBytes: 64 * 1024 });
      const result = await support.listCases(INITECH.vendorIds.servicenowCompanySysId, { status: 'all', limit: 100 }, callCtx(systemClock));
      expect(result.ok && result.value).toHaveLength(3);
    });
  });

  describe('authentication', () => {
    it('when ServiceNow refuses the token (401) twice, answers vendor.error after one refresh and never logs a secret', async () => {
      const { support, text } = adapter();
      await sandbox.injectFault({ fault: 'unauthorized', pathPattern: CASE_PATH });
      expect(await support.getCase(SEEDED_CASE, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'support' } });
      expect(await count('GET', CASE_PATH)).toBe(2);
      expect(await count('POST', '/oauth_token.do')).toBe(2);
      expect(text()).toMatch(/"status":401/);
      expect(text()).not.toContain(SANDBOX_SERVICENOW_CREDENTIALS.clientSecret);
      expect(text()).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
    });
  });
});
