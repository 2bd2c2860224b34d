import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import type { SupportPort } from '../contract.js';
import { createZendeskSupportAdapter } from './adapter.js';
import { SANDBOX_ZENDESK_CREDENTIALS, sandboxZendeskConfig, type ZendeskResilience } from './config.js';
import { FAULT_CANARY } from './sandbox-faults.js';
import { callCtx, captureLogger, startZendeskSandbox, type ZendeskSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the sandbox over real HTTP. getCase is one GET, createOrganization
// a look-up GET then one POST, so attempt counts are exact.
const CASE_PATH = '/tickets/';
const HOOLI = { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' };
const NEW_CASE = { organizationId: '360000008813', subject: 'Export fails', description: 'Bulk export answers 500.', severity: 'sev1' as const, externalRef: 'case-e2-0001' };

let sandbox: ZendeskSandboxHandle;
/** The first seeded ticket of Initech (organization 360000008813). */
let seededCaseId: string;
beforeAll(async () => {
  sandbox = await startZendeskSandbox();
  const tickets = (await (await sandbox.vendor('/api/v2/organizations/360000008813/tickets')).json()) as { tickets: { id: number }[] };
  seededCaseId = String(tickets.tickets[0]!.id);
});
afterAll(() => sandbox.close());

// E1, E3–E8 for the main read: getCase (one GET /api/v2/tickets/{id}?include=slas; API-token auth, no
// token call). E8 streams the answer (trickle, no pause: no Content-Length), so the client's counting
// path cuts it off at the cap: a ticket with its SLAs is about 1.1 KB.
describeVendorReliability(
  'Zendesk',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { logger, lines } = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    const resilience: ZendeskResilience = { retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) };
    const support = createZendeskSupportAdapter(sandboxZendeskConfig(sandbox.baseUrl, { resilience }), { http, clock, logger });
    return {
      read: (ctx) => support.getCase(seededCaseId, ctx),
      readPathPattern: `/api/v2/tickets/${seededCaseId}`,
      domain: 'support',
      harness: sandbox.harness,
      logs: () => lines,
      close: () => http.close(),
    };
  },
  {
    logName: 'zendesk',
    // The fault bodies' canary and texts, the 500's requester, Initech's ticket (E6's record).
    neverLogged: new RegExp(`${FAULT_CANARY}|globex\\.example|hanna\\.becker|Something went wrong|down for maintenance|Initech|initech\\.example|bulk export`, 'i'),
    overCap: { maxResponseBytes: 512, fault: { fault: 'trickle', delayMs: 0 } },
  },
);

// Zendesk's own: writes (E2, E3 on a create), the account's per-minute limit, the cap not hit, a refused API token.
describe('Zendesk adapter under vendor faults (RELIABILITY.md E)', () => {
  const clients: HttpClient[] = [];
  const adapter = (resilience: ZendeskResilience = {}, deps: { clock?: Clock; maxResponseBytes?: number } = {}) => {
    const log = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(deps.maxResponseBytes ? { maxResponseBytes: deps.maxResponseBytes } : {}) });
    clients.push(http);
    const support: SupportPort = createZendeskSupportAdapter(sandboxZendeskConfig(sandbox.baseUrl, { resilience: { retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...resilience } }), {
      http,
      clock: deps.clock ?? systemClock,
      logger: log.logger,
    });
    return { support, ...log };
  };
  const count = (method: string, fragment: string) => sandbox.count(method, fragment);
  const organizationsWithRef = async (ref: string) =>
    ((await (await sandbox.vendor(`/api/v2/organizations/search?external_id=${ref}`)).json()) as { organizations: { id: number }[] }).organizations;
  const ticketsWithRef = async (ref: string) => ((await (await sandbox.vendor(`/api/v2/tickets?external_id=${ref}`)).json()) as { tickets: { id: number }[] }).tickets;

  beforeEach(async () => {
    await sandbox.reset();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('E2 write timeout: no blind retry, the caller retries with the same reference', () => {
    it('when the create never reaches Zendesk, answers vendor.timeout after one POST; the retry creates exactly one', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/organizations$' });
      const timedOut = await support.createOrganization(HOOLI, callCtx(systemClock, 2_000));
      // retryable: the caller may send the same request again later; the adapter itself never re-sends the POST.
      expect(timedOut).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'support' } });
      expect(await count('POST', '/organizations')).toBe(1); // a non-idempotent write is sent once

      await sandbox.clearFaults();
      const retried = await support.createOrganization(HOOLI, callCtx(systemClock));
      expect(retried).toMatchObject({ ok: true, value: { externalRef: HOOLI.externalRef } });
      expect(await organizationsWithRef(HOOLI.externalRef)).toHaveLength(1);
    });

    it('when Zendesk commits the organization but the answer is lost, the retry finds it: no second POST, no duplicate', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      // trickle: the create runs, then its answer dribbles in slower than the attempt budget.
      await sandbox.injectFault({ fault: 'trickle', delayMs: 100, pathPattern: '/organizations$' });
      const timedOut = await support.createOrganization(HOOLI, callCtx(systemClock, 2_000));
      expect(timedOut.ok ? undefined : timedOut.error.code).toBe('vendor.timeout');
      expect(await count('POST', '/organizations')).toBe(1);
      const committed = await organizationsWithRef(HOOLI.externalRef);
      expect(committed).toHaveLength(1);

      await sandbox.clearFaults();
      await sandbox.resetStats();
      const retried = await support.createOrganization(HOOLI, callCtx(systemClock));
      expect(retried).toMatchObject({ ok: true, value: { id: String(committed[0]!.id) } });
      expect(await count('POST', '/organizations')).toBe(0);
      expect(await organizationsWithRef(HOOLI.externalRef)).toHaveLength(1);
    });

    it('when Zendesk commits the ticket but the answer is lost, the retry finds it: one ticket per reference', async () => {
      const { support } = adapter({ attemptTimeoutMs: 200 });
      // The look-up GET and the POST share the path: the first rule (harmless) is spent by the look-up.
      await sandbox.injectFault({ fault: 'latency', delayMs: 0, pathPattern: '/tickets$', times: 1 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 100, pathPattern: '/tickets$', times: 1 });
      const timedOut = await support.createCase(NEW_CASE, callCtx(systemClock, 2_000));
      expect(timedOut.ok ? undefined : timedOut.error.code).toBe('vendor.timeout');
      expect(await count('POST', '/tickets')).toBe(1);
      const committed = await ticketsWithRef(NEW_CASE.externalRef);
      expect(committed).toHaveLength(1);

      const retried = await support.createCase(NEW_CASE, callCtx(systemClock));
      expect(retried).toMatchObject({ ok: true, value: { id: String(committed[0]!.id), severity: 'sev1' } });
      expect(await count('POST', '/tickets')).toBe(1);
      expect(await ticketsWithRef(NEW_CASE.externalRef)).toHaveLength(1);
    });
  });

  describe('E3 vendor 5xx on a write', () => {
    it('when Zendesk answers 500 to a create, does not send it again', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/organizations$' });
      const result = await support.createOrganization(HOOLI, callCtx(systemClock));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(await count('POST', '/organizations')).toBe(1);
    });
  });

  describe('E4 vendor throttling (429 APIRateLimitExceeded)', () => {
    it("when the sandbox enforces the account's per-minute limit, the adapter stops at the first 429", async () => {
      const strict = await startZendeskSandbox({ requestsPerMinute: 2, enforceRateLimit: true });
      try {
        const http = createUndiciHttpClient({ baseUrl: strict.baseUrl });
        clients.push(http);
        const support = createZendeskSupportAdapter(sandboxZendeskConfig(strict.baseUrl), { http, clock: systemClock });
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await support.getOrganization('360000008812', callCtx(systemClock)));
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'vendor.rate_limited', 'vendor.rate_limited']);
        expect((await strict.stats()).total).toBe(3);
      } finally {
        await strict.close();
      }
    });
  });

  describe('E8 response cap (the over-cap read is in the shared kit)', () => {
    it('under the cap, an organization\'s whole ticket list answers', async () => {
      const { support } = adapter({}, { maxResponseBytes: 64 * 1024 });
      const result = await support.listCases('360000008813', { status: 'all', limit: 100 }, callCtx(systemClock));
      expect(result.ok && result.value).toHaveLength(3);
    });
  });

  describe('authentication', () => {
    it("when Zendesk refuses the API token (401), answers vendor.error at once and never logs the token", async () => {
      const { support, text } = adapter();
      await sandbox.injectFault({ fault: 'unauthorized', pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'support' } });
      expect(await count('GET', CASE_PATH)).toBe(1);
      expect(text()).toMatch(/"status":401/);
      expect(text()).not.toContain(SANDBOX_ZENDESK_CREDENTIALS.apiToken);
      expect(text()).not.toContain(Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}/token:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64'));
    });
  });
});
