import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import type { CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from './config.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { captureLogger, startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';

// RELIABILITY.md section E, against the sandbox over real HTTP. Each call here is one chain
// (findAccountByExternalId: query, then contact query) so attempt counts are exact.
const EXTERNAL_ID = 'cus_01HZX3GLOBEX';
const QUERY = '/query';

let sandbox: SalesforceSandboxHandle;
beforeAll(async () => {
  sandbox = await startSalesforceSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

// E1, E3–E7 for the main read. E8 runs on a search in reliability-writes.test.ts: this read answers
// fewer bytes than the token endpoint, so no cap stops the one and lets the other through.
describeVendorReliability(
  'Salesforce',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const { logger, lines } = captureLogger();
    const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    const config = { ...sandboxSalesforceConfig(sandbox.baseUrl), retries, backoffMs, attemptTimeoutMs, ...(breaker ? { breaker } : {}) };
    const crm = createSalesforceCrmAdapter(config, { http, clock, logger });
    return {
      read: (ctx) => crm.findAccountByExternalId(EXTERNAL_ID, ctx),
      readPathPattern: QUERY,
      domain: 'crm',
      harness: sandbox.harness,
      logs: () => lines,
      close: () => http.close(),
    };
  },
  { logName: 'salesforce', neverLogged: new RegExp(`${HTML_FAULT_CANARY}|Globex|[Uu]nexpected error|[Tt]emporarily unavailable`) },
);

describe('Salesforce adapter under vendor faults (RELIABILITY.md E)', () => {
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

  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('E4 vendor throttling', () => {
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

  describe('E6 malformed vendor bodies', () => {
    it('when the token response has wrong types, answers vendor.invalid_response and calls no data endpoint', async () => {
      const crm = adapter({});
      await sandbox.injectFault({ fault: 'wrong-types', pathPattern: '/oauth2/token' });
      const result = await crm.findAccountByExternalId(EXTERNAL_ID, testCallContext(systemClock));
      expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
      expect(await sandbox.count('/services/data/')).toBe(0);
    });
  });
});
