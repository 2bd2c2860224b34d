import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { fail, ok } from '../../../../shared/result.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient, HttpMethod } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createHubspotCrmAdapter } from './adapter.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
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

// E1, E3–E8 for the main read (getContact: one GET, so attempt counts are exact).
let shared: HubspotSandboxHandle;
beforeAll(async () => {
  shared = await startHubspotSandbox();
});
afterAll(async () => {
  await shared.close();
});
describeVendorReliability(
  'HubSpot',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { logger, lines } = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: shared.baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    const config = { ...sandboxHubspotConfig(shared.baseUrl), retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) };
    const crm = createHubspotCrmAdapter(config, { http, clock, logger });
    return { read: (ctx) => crm.getContact(CONTACT, ctx), readPathPattern: CONTACT_PATH, domain: 'crm', harness: shared.harness, logs: () => lines, close: () => http.close() };
  },
  {
    logName: 'hubspot',
    neverLogged: new RegExp(`${HTML_FAULT_CANARY}|Hanna|[Ii]nternal error|[Uu]navailable \\(sandbox\\)`),
    overCap: { maxResponseBytes: 256 * 1024, fault: { fault: 'oversized' } },
  },
);

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

  describe('E4 vendor throttling', () => {
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

  describe('E7 redirects', () => {
    it('by default the redirect points at this sandbox under the other loopback name, which is never hit', async () => {
      await sandbox.injectFault({ fault: 'redirect', pathPattern: CONTACT_PATH });
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects${CONTACT_PATH}`, { redirect: 'manual', headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}` } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:\d+\/hubspot\/__sandbox\/redirect-target$/);
    });
  });

});
