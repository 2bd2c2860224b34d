import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { fail, ok } from '../../../../shared/result.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient, HttpMethod } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createHubspotCrmAdapter } from './adapter.js';
import { SANDBOX_HUBSPOT_ACCESS_TOKEN, sandboxHubspotConfig, type HubspotConfig } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { captureLogger, startHubspotSandbox, testCallContext, type HubspotSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the sandbox over real HTTP. Reads go through getContact (one GET,
// so attempt counts are exact); writes through updateOpportunity (a GET, then a PATCH on the same
// path — so faults aimed at the PATCH alone ride on the request as `x-sandbox-fault` headers).
const CONTACT = '7510000001';
const CONTACT_PATH = `/contacts/${CONTACT}`;
const INITECH = SEED_COMPANIES[1]!;
const DEAL = INITECH.opportunity.hubspotDealId;

type Logger = ReturnType<typeof captureLogger>['logger'];

describe('HubSpot adapter under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: HubspotSandboxHandle;
  const clients: HttpClient[] = [];
  /** An HttpClient that asks the sandbox for `fault` on requests with `method` only. */
  const faultOn = (inner: HttpClient, method: HttpMethod, headers: Record<string, string>): HttpClient => ({
    send: (request) => inner.send(request.method === method ? { ...request, headers: { ...request.headers, ...headers } } : request),
    close: () => inner.close(),
  });
  const adapter = (
    overrides: Partial<HubspotConfig> = {},
    deps: { clock?: { now(): number }; logger?: Logger; budget?: OutboundBudget; wrap?: (http: HttpClient) => HttpClient } = {},
  ): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    clients.push(http);
    const config = { ...sandboxHubspotConfig(sandbox.baseUrl), retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...overrides };
    return createHubspotCrmAdapter(config, {
      http: deps.wrap ? deps.wrap(http) : http,
      clock: deps.clock ?? systemClock,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.budget ? { budget: deps.budget } : {}),
    });
  };
  const dealNow = async () => {
    const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals/${DEAL}?properties=dealstage,amount`, { headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}` } });
    return ((await res.json()) as { properties: { dealstage: string; amount: string } }).properties;
  };

  beforeAll(async () => {
    sandbox = await startHubspotSandbox();
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
    it('when HubSpot never answers, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const crm = adapter({ attemptTimeoutMs: 150 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: CONTACT_PATH });
      const started = Date.now();
      const result = await crm.getContact(CONTACT, testCallContext(systemClock, 2_000));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count(CONTACT_PATH)).toBe(3); // 1 + 2 retries, never more
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
      const crm = adapter({ attemptTimeoutMs: 1_000 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: CONTACT_PATH });
      const result = await crm.getContact(CONTACT, testCallContext(systemClock, 300));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await sandbox.count(CONTACT_PATH)).toBe(1);
    });

    it('treats a search (a POST that changes nothing) as a read: retried', async () => {
      const crm = adapter({ attemptTimeoutMs: 150 });
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/companies/search' });
      const result = await crm.findAccountByExternalId('cus_01HZX3GLOBEX', testCallContext(systemClock, 2_000));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
      expect(await sandbox.count('/companies/search')).toBe(3);
    });
  });

  describe('E2 write timeout', () => {
    it('when the PATCH was applied but its answer never arrives, does not resend it; the caller\'s retry finds it applied and writes nothing', async () => {
      const slowPatch = (http: HttpClient) => faultOn(http, 'PATCH', { 'x-sandbox-fault': 'trickle', 'x-sandbox-delay-ms': '300' });
      const change = { stage: 'closed_won', amount: { amountMinor: 21_000_00, currency: 'GBP' } } as const;
      const first = await adapter({ attemptTimeoutMs: 200 }, { wrap: slowPatch }).updateOpportunity(DEAL, change, testCallContext(systemClock, 2_000));
      expect(first).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count('PATCH')).toBe(1); // a read would have been tried 3 times
      expect(await dealNow()).toMatchObject({ dealstage: 'closedwon', amount: '21000.00' }); // HubSpot did apply it

      const retry = await adapter().updateOpportunity(DEAL, change, testCallContext(systemClock));
      expect(retry.ok && retry.value).toMatchObject({ stage: 'closed_won', amount: { amountMinor: 21_000_00, currency: 'GBP' } });
      expect(await sandbox.count('PATCH')).toBe(1); // no second write
    });

    it('when the PATCH never reached HubSpot\'s store, the caller\'s retry writes it once', async () => {
      const hungPatch = (http: HttpClient) => faultOn(http, 'PATCH', { 'x-sandbox-fault': 'timeout' });
      const change = { stage: 'qualification' } as const;
      const first = await adapter({ attemptTimeoutMs: 200 }, { wrap: hungPatch }).updateOpportunity(DEAL, change, testCallContext(systemClock, 2_000));
      expect(first.ok ? undefined : first.error.code).toBe('vendor.timeout');
      expect(await sandbox.count('PATCH')).toBe(1);
      expect((await dealNow()).dealstage).not.toBe('qualifiedtobuy');

      const retry = await adapter().updateOpportunity(DEAL, change, testCallContext(systemClock));
      expect(retry.ok && retry.value.vendorStage).toBe('qualifiedtobuy');
      expect(await sandbox.count('PATCH')).toBe(2);
    });

    it('when a write-back PATCH answers 503, it is not retried within the call', async () => {
      const failingPatch = (http: HttpClient) => faultOn(http, 'PATCH', { 'x-sandbox-fault': 'error503' });
      const result = await adapter({}, { wrap: failingPatch }).writeBackReferences({ kind: 'account', id: INITECH.vendorIds.hubspotCompanyId }, { erpCustomerId: '8813' }, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count('PATCH')).toBe(1);
    });
  });

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it.each([['error500'], ['error503']] as const)('when HubSpot answers %s, retries the read, then vendor.error without its message', async (fault) => {
      const { logger, text } = captureLogger();
      const crm = adapter({}, { logger });
      await sandbox.injectFault({ fault, pathPattern: CONTACT_PATH });
      const result = await crm.getContact(CONTACT, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count(CONTACT_PATH)).toBe(3);
      expect(text()).not.toMatch(/internal error|unavailable \(sandbox\)/i);
    });

    it('when failures reach the threshold, opens the circuit: no vendor call until the open period ends', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({ retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } }, { clock });
      await sandbox.injectFault({ fault: 'error503', pathPattern: CONTACT_PATH });
      for (let i = 0; i < 3; i++) await crm.getContact(CONTACT, testCallContext(clock));
      expect(await sandbox.count(CONTACT_PATH)).toBe(3);

      const open = await crm.getContact(CONTACT, testCallContext(clock));
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', vendor: 'crm', retryAfterSeconds: 10 });
      expect(await sandbox.count(CONTACT_PATH)).toBe(3);

      await sandbox.clearFaults();
      clock.advance(10_000);
      expect((await crm.getContact(CONTACT, testCallContext(clock))).ok).toBe(true);
    });
  });

  describe('E4 vendor throttling', () => {
    it('when HubSpot answers 429 with Retry-After in seconds, answers vendor.rate_limited with it and pauses calls', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: 30, pathPattern: CONTACT_PATH, times: 1 });
      const limited = await crm.getContact(CONTACT, testCallContext(clock));
      expect(limited).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'crm', retryAfterSeconds: 30 } });
      expect(await sandbox.count(CONTACT_PATH)).toBe(1); // 429 is not retried

      const paused = await crm.getContact(CONTACT, testCallContext(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect(await sandbox.count(CONTACT_PATH)).toBe(1); // not hammered while paused

      clock.advance(30_000);
      expect((await crm.getContact(CONTACT, testCallContext(clock))).ok).toBe(true);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({}, { clock });
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), pathPattern: CONTACT_PATH, times: 1 });
      const limited = await crm.getContact(CONTACT, testCallContext(clock));
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 45 });
    });

    it("when the portal's own 10-second limit is spent (HubSpot sends no Retry-After), answers vendor.rate_limited and pauses", async () => {
      const limited = await startHubspotSandbox({ rateLimit: { max: 2, enforce: true } });
      const http = createUndiciHttpClient({ baseUrl: limited.baseUrl });
      try {
        const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
        const crm = createHubspotCrmAdapter(sandboxHubspotConfig(limited.baseUrl), { http, clock });
        expect((await crm.getContact(CONTACT, testCallContext(clock))).ok).toBe(true);
        expect((await crm.getContact(CONTACT, testCallContext(clock))).ok).toBe(true);
        const third = await crm.getContact(CONTACT, testCallContext(clock));
        expect(third.ok ? undefined : third.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 5 });
        expect(await limited.count(CONTACT_PATH)).toBe(3);
        await crm.getContact(CONTACT, testCallContext(clock));
        expect(await limited.count(CONTACT_PATH)).toBe(3); // paused: nothing sent
      } finally {
        await http.close();
        await limited.close();
      }
    });

    it('when the gateway\'s outbound budget for HubSpot is spent, answers vendor.rate_limited without calling HubSpot', async () => {
      const asked: string[] = [];
      const spent: OutboundBudget = {
        acquire: async (vendor) => {
          asked.push(vendor);
          return fail('vendor.rate_limited', { retryable: true, retryAfterSeconds: 2 });
        },
      };
      const result = await adapter({}, { budget: spent }).getContact(CONTACT, testCallContext(systemClock));
      expect(result.ok ? undefined : result.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 2, vendor: 'crm' });
      expect(asked).toEqual(['hubspot']);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('takes one budget slot per vendor request and releases each', async () => {
      let held = 0;
      let granted = 0;
      const counting: OutboundBudget = {
        acquire: async () => {
          held += 1;
          granted += 1;
          return ok({ release: () => void (held -= 1) });
        },
      };
      await adapter({}, { budget: counting }).getAccount(INITECH.vendorIds.hubspotCompanyId, testCallContext(systemClock));
      expect(granted).toBe((await sandbox.stats()).total);
      expect(held).toBe(0);
    });
  });

  describe('E5 trickling body', () => {
    it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout', async () => {
      const crm = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await sandbox.injectFault({ fault: 'trickle', delayMs: 50, pathPattern: CONTACT_PATH });
      const result = await crm.getContact(CONTACT, testCallContext(systemClock, 2_000));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([
      ['html', 'an HTML page with a 200'],
      ['malformed', 'truncated JSON'],
      ['wrong-types', 'the right shape with wrong types (numbers for strings)'],
    ] as const)('when HubSpot sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (fault, _description) => {
      const { logger, lines } = captureLogger();
      await sandbox.injectFault({ fault, pathPattern: CONTACT_PATH });
      const result = await adapter({}, { logger }).getContact(CONTACT, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      const invalid = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
      expect(invalid).toMatchObject({ vendor: 'hubspot', bytes: expect.any(Number), sha256: expect.any(String) });
      const logged = lines.join('');
      expect(logged).not.toContain(HTML_FAULT_CANARY);
      expect(logged).not.toContain('Hanna'); // no fragment of the record either
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

    it('when HubSpot redirects to another host, answers vendor.error and never follows (the token is not sent there)', async () => {
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
      await sandbox.injectFault({ fault: 'redirect', location, pathPattern: CONTACT_PATH });
      const result = await adapter().getContact(CONTACT, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(elsewhereHits).toBe(0);
      expect(await sandbox.count(CONTACT_PATH)).toBe(1);
    });

    it('by default the redirect points at this sandbox under the other loopback name, which is never hit', async () => {
      await sandbox.injectFault({ fault: 'redirect', pathPattern: CONTACT_PATH });
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects${CONTACT_PATH}`, { redirect: 'manual', headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}` } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:\d+\/hubspot\/__sandbox\/redirect-target$/);
    });
  });

  describe('E8 oversized response', () => {
    it('when the body grows past the client cap, answers vendor.invalid_response without buffering it all', async () => {
      await sandbox.injectFault({ fault: 'oversized', pathPattern: CONTACT_PATH });
      const { logger, text } = captureLogger();
      const started = Date.now();
      const result = await adapter({}, { logger }).getContact(CONTACT, testCallContext(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      expect(text()).toContain('"failure":"too_large"'); // cut off at the cap, not parsed after reading it all
      expect(await sandbox.count(CONTACT_PATH)).toBe(1); // not retried
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});
