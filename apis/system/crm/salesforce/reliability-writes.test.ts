import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient, type UndiciHttpClientOptions } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { captureLogger, startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E for the operations beyond the account reads (reliability.test.ts covers
// those): opportunity and contact reads, the search, and the two writes, which are PATCHes. A PATCH
// sets fields to given values, so the adapter sends it with `retry: true` (E2): a repeat after a
// timeout leaves the record as one PATCH would, and there is no create that could duplicate.
const STARK = SEED_COMPANIES[3]!;
const WAYNE = SEED_COMPANIES[4]!;
const OPPORTUNITY = WAYNE.opportunity.salesforceId;
const ACCOUNT_ROW = `/sobjects/Account/${STARK.salesforceAccountId}`;
const REFERENCES = { erpCustomerId: STARK.netsuiteCustomerId, billingCustomerId: STARK.vendorIds.stripeCustomerId } as const;

describe('Salesforce adapter writes and record reads under vendor faults (RELIABILITY.md E)', () => {
  let sandbox: SalesforceSandboxHandle;
  const clients: HttpClient[] = [];
  const adapter = (
    overrides: Partial<SalesforceConfig> = {},
    deps: { clock?: { now(): number }; logger?: ReturnType<typeof captureLogger>['logger']; http?: Partial<UndiciHttpClientOptions> } = {},
  ): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...deps.http });
    clients.push(http);
    const config = { ...sandboxSalesforceConfig(sandbox.baseUrl), retries: 2, backoffMs: 5, attemptTimeoutMs: 1_000, ...overrides };
    return createSalesforceCrmAdapter(config, { http, clock: deps.clock ?? systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  /** Takes the token first, so faults aimed at data paths meet a warm session. */
  const warm = async (crm: CrmPort, clock: { now(): number } = systemClock) => {
    expect((await crm.getContact('003Dn00000WaynP1AQ', testCallContext(clock))).ok).toBe(true);
    await sandbox.resetStats();
  };
  const patches = async () => (await sandbox.stats()).requests.filter((r) => r.method === 'PATCH').length;
  const writeBack = (crm: CrmPort, clock: { now(): number } = systemClock, budgetMs = 3_000) =>
    crm.writeBackReferences({ kind: 'account', id: STARK.salesforceAccountId }, REFERENCES, testCallContext(clock, budgetMs));

  beforeAll(async () => {
    // Forty more accounts whose names start with "Bulk": a search for them answers ~15 kB (E8).
    const bulk = Array.from({ length: 40 }, (_, i) => ({
      Id: `001Dn00000B${String(i).padStart(3, '0')}AIAR`,
      Name: `Bulk Trading ${String(i).padStart(2, '0')} Ltd`,
      External_Id__c: null,
      LastModifiedDate: '2026-10-05T12:00:00.000+0000',
    }));
    sandbox = await startSalesforceSandbox({ extraAccounts: bulk });
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
    it('when an opportunity read never answers, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
      const crm = adapter({ attemptTimeoutMs: 150 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'timeout', pathPattern: '/sobjects/Opportunity/' });
      const started = Date.now();
      const result = await crm.getOpportunity(OPPORTUNITY, testCallContext(systemClock, 2_000));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'crm' } });
      expect(await sandbox.count('/sobjects/Opportunity/')).toBe(3);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('E2 write timeout (PATCH: idempotent, so retried)', () => {
    it('when the first PATCH times out, sends the same PATCH again and the references are written once', async () => {
      const crm = adapter({ attemptTimeoutMs: 200 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'timeout', pathPattern: ACCOUNT_ROW, times: 1 });
      expect(await writeBack(crm)).toEqual({ ok: true, value: undefined });
      expect(await patches()).toBe(2);
      const { requests } = await sandbox.stats();
      expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.json?.keys)).toEqual([
        ['Billing_Customer_Id__c', 'ERP_Customer_Id__c'],
        ['Billing_Customer_Id__c', 'ERP_Customer_Id__c'],
      ]);
      expect(await sandbox.readRecord('Account', STARK.salesforceAccountId)).toMatchObject({ ERP_Customer_Id__c: '8815', Billing_Customer_Id__c: 'cus_QStark0000001' });
    });

    it('when every PATCH times out, stops within the deadline with vendor.timeout; the caller repeating the write later gets the same record', async () => {
      const crm = adapter({ attemptTimeoutMs: 150 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'timeout', pathPattern: ACCOUNT_ROW });
      const started = Date.now();
      expect(await writeBack(crm, systemClock, 2_000)).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'crm' } });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await patches()).toBe(3); // bounded: 1 + 2 retries
      await sandbox.clearFaults();
      expect(await writeBack(crm)).toEqual({ ok: true, value: undefined });
      expect(await writeBack(crm)).toEqual({ ok: true, value: undefined });
      expect(await sandbox.readRecord('Account', STARK.salesforceAccountId)).toMatchObject({ ERP_Customer_Id__c: '8815' });
    });

    it('when the PATCH of an opportunity update times out once, retries it and answers the updated opportunity', async () => {
      const crm = adapter({ attemptTimeoutMs: 200 });
      await warm(crm);
      // Called with the 15-character id, the adapter reads by it and then PATCHes (and reads back) by
      // the 18-character id Salesforce answered: so this pattern catches the PATCH first, not the read.
      await sandbox.injectFault({ fault: 'timeout', pathPattern: `/Opportunity/${OPPORTUNITY}$`, times: 1 });
      const result = await crm.updateOpportunity(OPPORTUNITY.slice(0, 15), { stage: 'negotiation' }, testCallContext(systemClock));
      expect(result.ok && result.value).toMatchObject({ id: OPPORTUNITY, stage: 'negotiation', vendorStage: 'Negotiation/Review' });
      expect((await sandbox.stats()).requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'PATCH', 'GET']);
    });
  });

  describe('E3 vendor 5xx and the circuit breaker', () => {
    it('when the PATCH answers 500, retries it (idempotent), then vendor.error without the vendor message', async () => {
      const { logger, text } = captureLogger();
      const crm = adapter({}, { logger });
      await warm(crm);
      await sandbox.injectFault({ fault: 'error500', pathPattern: ACCOUNT_ROW });
      expect(await writeBack(crm)).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'crm' } });
      expect(await patches()).toBe(3);
      expect(text()).not.toMatch(/unexpected error/i);
    });

    it('when failures reach the threshold, opens the circuit for writes too: no PATCH is sent', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({ retries: 0, breaker: { failureThreshold: 2, openMs: 10_000 } }, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'error503', pathPattern: '/sobjects/Opportunity/' });
      await crm.getOpportunity(OPPORTUNITY, testCallContext(clock));
      await crm.getOpportunity(OPPORTUNITY, testCallContext(clock));
      const open = await writeBack(crm, clock);
      expect(open.ok ? undefined : open.error).toMatchObject({ code: 'vendor.circuit_open', retryAfterSeconds: 10 });
      expect(await patches()).toBe(0);
    });
  });

  describe('E4 vendor throttling', () => {
    it('when the PATCH answers 429 with Retry-After, answers vendor.rate_limited with it and does not retry', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({}, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 20_000).toUTCString(), pathPattern: ACCOUNT_ROW, times: 1 });
      const limited = await writeBack(crm, clock);
      expect(limited.ok ? undefined : limited.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 20 });
      expect(await patches()).toBe(1);
    });

    it('when the PATCH meets REQUEST_LIMIT_EXCEEDED, answers vendor.rate_limited and pauses every call', async () => {
      const clock = createManualClock(Date.parse('2026-11-01T10:00:00Z'));
      const crm = adapter({ requestLimitPauseMs: 60_000 }, { clock });
      await warm(crm, clock);
      await sandbox.injectFault({ fault: 'request-limit', pathPattern: ACCOUNT_ROW, times: 1 });
      expect(await writeBack(crm, clock)).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'crm', retryAfterSeconds: 60 } });
      const paused = await crm.getOpportunity(OPPORTUNITY, testCallContext(clock));
      expect(paused.ok ? undefined : paused.error.code).toBe('vendor.rate_limited');
      expect((await sandbox.stats()).total).toBe(1);
    });
  });

  describe('E5 trickling body', () => {
    it('when a contact trickles in slower than the attempt budget, answers vendor.timeout', async () => {
      const crm = adapter({ retries: 0, attemptTimeoutMs: 200 });
      await warm(crm);
      await sandbox.injectFault({ fault: 'trickle', delayMs: 50, pathPattern: '/sobjects/Contact/' });
      const result = await crm.getContact('003Dn00000WaynP1AQ', testCallContext(systemClock));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.timeout');
    });
  });

  describe('E6 malformed vendor bodies', () => {
    it.each([['html'], ['malformed'], ['wrong-types']] as const)('when an opportunity read gets %s, answers vendor.invalid_response, logging no part of it', async (fault) => {
      const { logger, text } = captureLogger();
      const crm = adapter({}, { logger });
      await warm(crm);
      await sandbox.injectFault({ fault, pathPattern: '/sobjects/Opportunity/' });
      expect(await crm.getOpportunity(OPPORTUNITY, testCallContext(systemClock))).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      expect(text()).not.toContain(HTML_FAULT_CANARY);
      expect(text()).not.toContain('Wayne');
    });

    it('when a PATCH is answered by an HTML page with 200 instead of 204, does not take it for success', async () => {
      const crm = adapter();
      await warm(crm);
      await sandbox.injectFault({ fault: 'html', pathPattern: ACCOUNT_ROW });
      expect(await writeBack(crm)).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      expect(await patches()).toBe(1);
    });

    it('when the search result has wrong types, answers vendor.invalid_response', async () => {
      const crm = adapter();
      await warm(crm);
      await sandbox.injectFault({ fault: 'wrong-types', pathPattern: '/query' });
      expect(await crm.searchAccounts({ name: 'Wa', limit: 5 }, testCallContext(systemClock))).toMatchObject({ ok: false, error: { code: 'vendor.invalid_response' } });
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

    it('when a PATCH is redirected to another host, answers vendor.error, never follows it and does not resend', async () => {
      const crm = adapter();
      await warm(crm);
      await sandbox.injectFault({ fault: 'redirect', location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`, pathPattern: ACCOUNT_ROW });
      expect(await writeBack(crm)).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(elsewhereHits).toBe(0);
      expect(await patches()).toBe(1);
    });
  });

  describe('E8 response larger than the cap', () => {
    const CAP = 4_096;

    // The declared-length path (Content-Length over the cap) is not tested here: the shared undici
    // client's `res.body.destroy()` on that path leaves an unhandled 'aborted' error (reported to the lead).
    it('when a streamed body (no Content-Length) grows past the cap, stops reading and answers vendor.invalid_response', async () => {
      const crm = adapter({}, { http: { maxResponseBytes: CAP } });
      await warm(crm);
      await sandbox.injectFault({ fault: 'trickle', delayMs: 0, pathPattern: '/query' });
      expect(await crm.searchAccounts({ name: 'Bulk', limit: 50 }, testCallContext(systemClock))).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'crm' } });
      expect(await sandbox.count('/query')).toBe(1);
    });

    it('under the cap, the same search answers all forty', async () => {
      const result = await adapter({}, { http: { maxResponseBytes: 64 * 1024 } }).searchAccounts({ name: 'Bulk', limit: 50 }, testCallContext(systemClock));
      expect(result.ok && result.value).toHaveLength(40);
    });
  });
});
