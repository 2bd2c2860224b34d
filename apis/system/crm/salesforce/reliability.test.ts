import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { captureLogger, startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the sandbox over real HTTP. Each call here is one chain
// (findAccountByExternalId: query, then contact query) so attempt counts are exact.
const EXTERNAL_ID = 'cus_01HZX3GLOBEX';
const QUERY = '/query';

describe('Salesforce adapter under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: SalesforceSandboxHandle;
  const clients: HttpClient[] = [];
  const adapter = (overrides: Partial<SalesforceConfig>, deps: { clock?: { now(): number }; logger?: ReturnType<typeof captureLogger>['logger'] } = {}): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    clients.push(http);
    const config = { ...sandboxSalesforceConfig(sandbox.baseUrl), retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...overrides };
    return createSalesforceCrmAdapter(config, { http, clock: deps.clock ?? systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  /** Takes the token first, so faults aimed at data paths meet a warm session. */
  const warm = async (crm: CrmPort, clock: { now(): number } = systemClock) => {
    expect((await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock))).ok).toBe(true);
    await sandbox.resetStats();
  };

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('E1 read timeout', () => {
    it('when Salesforce never answers, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const crm = adapter({ attemptTimeoutMs: 150 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'timeout', pathPattern: QUERY });
      const started = Date.now();
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock, 2_000));
      const elapsed = Date.now() - started;
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count(QUERY)).toBe(3); // 1 + 2 retries, never more
      expect(elapsed).toBeLessThan(2_000); // total time stays inside the caller's deadline
    });

    it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
      const crm = adapter({ attemptTimeoutMs: 1_000 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'timeout', pathPattern: QUERY });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock, 300));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await sandbox.count(QUERY)).toBe(1);
    });
  });

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it.each([['error500'], ['error503']] as const)('when Salesforce answers %s, retries the read, then vendor.error without its message', async (fault) => {
      const { logger, text } = captureLogger();
      const crm = adapter({}, { logger });
      await warm(crm);
      await sandbox.injectFault({ fault, pathPattern: QUERY });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count(QUERY)).toBe(3);
      expect(text()).not.toMatch(/unexpected error|temporarily unavailable/i);
    });

    it('when failures reach the threshold, opens the circuit: no vendor call until the open period ends', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({ retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } }, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'error503', pathPattern: QUERY });
      for (let i = 0; i < 3; i++) await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(await sandbox.count(QUERY)).toBe(3);

      const open = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', vendor: 'crm', retryAfterSeconds: 10 });
      expect(await sandbox.count(QUERY)).toBe(3); // the open circuit sent nothing

      await sandbox.clearFaults();
      clock.advance(10_000); // half-open: one trial call goes through and closes the circuit
      expect((await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock))).ok).toBe(true);
    });
  });

  describe('E4 vendor throttling', () => {
    it('when Salesforce answers 429 with Retry-After in seconds, answers vendor.rate_limited with it and pauses calls', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({}, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: 30, pathPattern: QUERY, times: 1 });
      const limited = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 30 });
      expect(await sandbox.count(QUERY)).toBe(1); // 429 is not retried

      const paused = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(QUERY)).toBe(1); // not hammered while paused

      clock.advance(30_000);
      expect((await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock))).ok).toBe(true);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({}, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), pathPattern: QUERY, times: 1 });
      const limited = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 45 });
    });

    it("when Salesforce answers 403 REQUEST_LIMIT_EXCEEDED (its org limit), answers vendor.rate_limited and stops calling", async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({ requestLimitPauseMs: 60_000 }, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'request-limit', pathPattern: QUERY, times: 1 });
      const limited = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(limited).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'crm', retryAfterSeconds: 60 } });

      const paused = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(QUERY)).toBe(1);
    });
  });

  describe('E5 trickling body', () => {
    it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout', async () => {
      const crm = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'trickle', delayMs: 50, pathPattern: QUERY });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock, 2_000));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([
      ['html', 'an HTML page with a 200'],
      ['malformed', 'truncated JSON'],
      ['wrong-types', 'the right shape with wrong types'],
    ] as const)('when Salesforce sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (fault, _description) => {
      const { logger, lines } = captureLogger();
      const crm = adapter({}, { logger });
      await warm(crm);
      await sandbox.injectFault({ fault, pathPattern: QUERY });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      const invalid = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
      expect(invalid).toMatchObject({ vendor: 'salesforce', bytes: expect.any(Number), sha256: expect.any(String) });
      const logged = lines.join('');
      expect(logged).not.toContain(HTML_FAULT_CANARY);
      expect(logged).not.toContain('Globex'); // no fragment of the record either
    });

    it('when the token response has wrong types, answers vendor.invalid_response and calls no data endpoint', async () => {
      const crm = adapter({});
      await sandbox.injectFault({ fault: 'wrong-types', pathPattern: '/oauth2/token' });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
      expect(await sandbox.count('/services/data/')).toBe(0);
    });
  });

  describe('E7 redirects', () => {
    let elsewhere: Server;
    let elsewhereHits = 0;
    beforeAll(async () => {
      elsewhere = createServer((req, res) => {
        elsewhereHits += 1;
        res.end('{}');
      }).listen(0, '127.0.0.1');
      await once(elsewhere, 'listening');
    });
    afterAll(async () => {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    });

    it('when Salesforce redirects to another host, answers vendor.error and never follows (no credentials sent there)', async () => {
      const crm = adapter({});
      await warm(crm);
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
      await sandbox.injectFault({ fault: 'redirect', location, pathPattern: QUERY });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(elsewhereHits).toBe(0);
      expect(await sandbox.count(QUERY)).toBe(1); // not retried either
    });
  });
});
