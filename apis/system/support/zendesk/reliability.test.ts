import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock, type Clock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
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

describe('Zendesk adapter under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: ZendeskSandboxHandle;
  let seededCaseId: string;
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

  beforeAll(async () => {
    sandbox = await startZendeskSandbox();
    const tickets = (await (await sandbox.vendor('/api/v2/organizations/360000008813/tickets')).json()) as { tickets: { id: number }[] };
    seededCaseId = String(tickets.tickets[0]!.id);
  });
  beforeEach(async () => {
    await sandbox.reset();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => sandbox.close());

  describe('E1 read timeout', () => {
    it('when Zendesk never answers, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const { support } = adapter({ attemptTimeoutMs: 150 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: CASE_PATH });
      const started = Date.now();
      const result = await support.getCase(seededCaseId, callCtx(systemClock, 2_000));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'support' } });
      expect(await count('GET', CASE_PATH)).toBe(3); // 1 + 2 retries, never more
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
      const { support } = adapter({ attemptTimeoutMs: 1_000 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock, 300));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await count('GET', CASE_PATH)).toBe(1);
    });
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

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it.each([['error500'], ['error503']] as const)('when Zendesk answers %s to a read, retries, then vendor.error without its message', async (fault) => {
      const { support, text } = adapter();
      await sandbox.injectFault({ fault, pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'support' } });
      expect(await count('GET', CASE_PATH)).toBe(3);
      expect(text()).not.toContain(FAULT_CANARY);
      expect(text()).not.toContain('globex.example');
    });

    it('when Zendesk answers 500 to a create, does not send it again', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'error500', pathPattern: '/organizations$' });
      const result = await support.createOrganization(HOOLI, callCtx(systemClock));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(await count('POST', '/organizations')).toBe(1);
    });

    it('when failures reach the threshold, opens the circuit: no vendor call until the open period ends', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const { support } = adapter({ retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } }, { clock });
      await sandbox.injectFault({ fault: 'error503', pathPattern: CASE_PATH });
      for (let i = 0; i < 3; i++) await support.getCase(seededCaseId, callCtx(clock));
      expect(await count('GET', CASE_PATH)).toBe(3);
      const open = await support.getCase(seededCaseId, callCtx(clock));
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', vendor: 'support', retryAfterSeconds: 10 });
      expect(await count('GET', CASE_PATH)).toBe(3);

      await sandbox.clearFaults();
      clock.advance(10_000);
      expect((await support.getCase(seededCaseId, callCtx(clock))).ok).toBe(true);
    });
  });

  describe('E4 vendor throttling (429 APIRateLimitExceeded)', () => {
    it('when Zendesk answers 429 with Retry-After in seconds, answers vendor.rate_limited with it and pauses calls', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const { support } = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: 30, pathPattern: CASE_PATH, times: 1 });
      const limited = await support.getCase(seededCaseId, callCtx(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 30 });
      expect(await count('GET', CASE_PATH)).toBe(1);

      const paused = await support.getCase(seededCaseId, callCtx(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await count('GET', CASE_PATH)).toBe(1); // not hammered while paused

      clock.advance(30_000);
      expect((await support.getCase(seededCaseId, callCtx(clock))).ok).toBe(true);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const { support } = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), pathPattern: CASE_PATH, times: 1 });
      const limited = await support.getCase(seededCaseId, callCtx(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 45 });
    });

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

  describe('E5 trickling body', () => {
    it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout', async () => {
      const { support } = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 50, pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock, 2_000));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([
      ['html', 'an HTML page with a 200'],
      ['malformed', 'truncated JSON'],
      ['wrong-types', 'the right shape with wrong types'],
    ] as const)('when Zendesk sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (fault, _description) => {
      const { support, lines } = adapter();
      await sandbox.injectFault({ fault, pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'support' } });
      const invalid = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
      expect(invalid).toMatchObject({ vendor: 'zendesk', bytes: expect.any(Number), sha256: expect.any(String) });
      const logged = lines.join('');
      expect(logged).not.toContain(FAULT_CANARY);
      expect(logged).not.toMatch(/Initech|initech\.example|bulk export/i);
    });
  });

  describe('E7 redirects', () => {
    let elsewhere: Server;
    let elsewhereHits = 0;
    beforeAll(async () => {
      elsewhere = createServer((_req, res) => {
        elsewhereHits += 1;
        res.end('{}');
      }).listen(0, '127.0.0.1');
      await once(elsewhere, 'listening');
    });
    afterAll(async () => {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    });

    it('when Zendesk redirects to another host, answers vendor.error and never follows (the API token is not sent there)', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'redirect', location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`, pathPattern: CASE_PATH });
      const result = await support.getCase(seededCaseId, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'support' } });
      expect(elsewhereHits).toBe(0);
      expect(await count('GET', CASE_PATH)).toBe(1);
    });

    it('when the redirect points at the sandbox under another host name, it is not followed either', async () => {
      const { support } = adapter();
      await sandbox.injectFault({ fault: 'redirect', pathPattern: CASE_PATH });
      expect((await support.getCase(seededCaseId, callCtx(systemClock))).ok).toBe(false);
      expect(await count('GET', '/__sandbox/redirect-target')).toBe(0);
    });
  });

  describe('E8 response larger than the cap', () => {
    // The declared-length path (Content-Length over the cap) is not exercised: the shared undici client's
    // `res.body.destroy()` there leaves an unhandled 'aborted' error (reported to the lead). A streamed body
    // (no Content-Length: the trickle fault with no pause) takes the counting path.
    it('when a streamed list grows past the response cap, stops reading and answers vendor.invalid_response', async () => {
      const { support, lines } = adapter({}, { maxResponseBytes: 1_024 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 0, pathPattern: '/tickets' });
      const result = await support.listCases('360000008813', { status: 'all', limit: 100 }, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'support' } });
      expect(await count('GET', '/tickets')).toBe(1); // not retried
      expect(lines.join('')).toMatch(/"failure":"too_large"/);
    });

    it('under the cap, the same list answers', async () => {
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
