import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import type { NetsuiteResilience } from './config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import { callCtx, sandboxAdapter } from './test-support.js';

/**
 * RELIABILITY.md E1–E8 for the NetSuite adapter's reads, with real sockets (writes: adapter-write-faults.test.ts).
 * The main read (getCustomer: one GET of the customer record, so attempt counts are exact) runs the shared
 * kit; below it, what the kit does not cover: partial faults, the breaker and the pause across reads, the
 * Retry-After cap, the token and SuiteQL paths, and the other reads.
 */
const CUSTOMER_PATH = '/services/rest/record/v1/customer/8812';
const RECORD = '/record/v1/customer/';
/** Canaries from NetSuite's fault payloads and the seeded records: company, email, tax id, invoice numbers, the HTML page, the 500 detail, the token, wrong types. */
const NEVER_LOGGED = /globex|DE811907980|INV-104|<html|maintenance|access_token|twelve|UNEXPECTED_ERROR|Error ID/i;

// A sandbox per scenario, on the adapter's clock: the kit's manual clock starts weeks before today, and the
// sandbox checks the JWT assertion (iat, exp) and token expiry against its own clock.
describeVendorReliability(
  'NetSuite',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const served = await serveNetsuiteSandbox({ clock });
    const adapter = sandboxAdapter(served.baseUrl, clock, {
      resilience: { retries, attemptTimeoutMs, backoffMs, ...(breaker ? { breaker } : {}) },
      ...(maxResponseBytes ? { maxResponseBytes } : {}),
    });
    return {
      read: (ctx) => adapter.erp.getCustomer('8812', ctx),
      readPathPattern: '/record/v1/customer/8812',
      domain: 'erp',
      harness: served.harness,
      logs: adapter.logLines,
      close: async () => {
        await adapter.close();
        await served.close();
      },
    };
  },
  // E8: chunked (no Content-Length, as `trickle` sends it), so the cap applies while the body is read;
  // the token answer fits in 400 bytes, the customer record does not.
  { logName: 'netsuite', neverLogged: NEVER_LOGGED, overCap: { maxResponseBytes: 400, fault: { fault: 'trickle', delayMs: 1 } } },
);

describe('NetSuite adapter under vendor faults (beyond the shared kit)', () => {
  let sandbox: NetsuiteSandboxHandle;
  let adapters: ReturnType<typeof sandboxAdapter>[] = [];

  beforeAll(async () => {
    sandbox = await serveNetsuiteSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    adapters = [];
  });

  const adapterWith = (resilience: NetsuiteResilience = {}) => {
    const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 10, ...resilience } });
    adapters.push(adapter);
    return adapter;
  };
  /** Fetches a token first, so a fault scripted afterwards hits the record call, not the token call. */
  const warmedAdapter = async (resilience: NetsuiteResilience = {}) => {
    const adapter = adapterWith(resilience);
    expect((await adapter.erp.getCreditProfile('8813', callCtx(systemClock))).ok).toBe(true);
    await sandbox.resetStats(); // counts from zero; the token stays valid
    return adapter;
  };
  const calls = async (path = CUSTOMER_PATH) => (await sandbox.stats()).byPath[path] ?? 0;
  const timed = async <T>(run: () => Promise<T>) => {
    const started = performance.now();
    const result = await run();
    return { result, elapsed: performance.now() - started };
  };

  describe('E1: read timeout', () => {
    it('when the deadline is shorter than the attempts would take, the last attempt is cut to fit the deadline', async () => {
      const adapter = adapterWith({ attemptTimeoutMs: 400, retries: 5, responseReserveMs: 150 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: RECORD });
      const deadlineMs = 700;
      const { result, elapsed } = await timed(() => adapter.erp.getCustomer('8812', callCtx(systemClock, deadlineMs)));
      expect(result.ok || result.error.code).toBe('vendor.timeout');
      expect(elapsed).toBeLessThanOrEqual(deadlineMs);
      expect(await calls()).toBeLessThanOrEqual(2);
    });

    it('when one attempt hangs and the next answers, the read succeeds', async () => {
      const adapter = adapterWith({ attemptTimeoutMs: 250, retries: 2 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: RECORD, times: 1 });
      expect((await adapter.erp.getCustomer('8812', callCtx(systemClock, 2_000))).ok).toBe(true);
      expect(await calls()).toBe(2);
    });
  });

  describe('E3: vendor 5xx', () => {
    it('the breaker is the vendor\'s: when a customer read\'s retried 500s open it, the credit profile read answers circuit_open without a vendor call', async () => {
      const adapter = await warmedAdapter({ retries: 2, breaker: { failureThreshold: 3, openMs: 60_000 } });
      await sandbox.addFault({ fault: 'error500', pathPattern: RECORD });
      const first = await adapter.erp.getCustomer('8812', callCtx(systemClock));
      expect(first).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'erp' } });
      expect(await calls()).toBe(3);

      const second = await adapter.erp.getCreditProfile('8812', callCtx(systemClock));
      expect(second.ok || second.error).toMatchObject({ code: 'vendor.circuit_open', retryable: true, vendor: 'erp', retryAfterSeconds: expect.any(Number) });
      expect(second.ok || second.error.retryAfterSeconds).toBeGreaterThan(0);
      expect((await sandbox.stats()).total).toBe(3); // the open breaker kept the second call home
    });

    it('when NetSuite answers 503 once, the retry succeeds', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'error503', pathPattern: RECORD, times: 1 });
      expect((await adapter.erp.getCustomer('8812', callCtx(systemClock))).ok).toBe(true);
      expect(await calls()).toBe(2);
    });
  });

  describe('E4: vendor 429 with Retry-After', () => {
    it('the pause is the vendor\'s: after a 429 on the customer record, an invoice query answers vendor.rate_limited with the remaining pause and sends nothing', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: RECORD, retryAfter: 30, times: 1 });
      const limited = await adapter.erp.getCustomer('8812', callCtx(systemClock));
      expect(limited).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 30 } });
      expect(await calls()).toBe(1); // a 429 is not retried into the vendor's face

      const next = await adapter.erp.listInvoices('8812', { status: 'open', limit: 5 }, callCtx(systemClock));
      expect(next.ok || next.error.code).toBe('vendor.rate_limited');
      expect(next.ok || next.error.retryAfterSeconds).toBeGreaterThan(28);
      expect((await sandbox.stats()).total).toBe(1); // the fault was spent, yet nothing reached NetSuite
    });

    it('when Retry-After asks for a day, the pause is capped', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: RECORD, retryAfter: 86_400 });
      const limited = await adapter.erp.getCustomer('8812', callCtx(systemClock));
      expect(limited.ok || limited.error.retryAfterSeconds).toBe(120);
    });
  });

  describe('E6: malformed vendor bodies off the main read', () => {
    it.each([
      ['wrong types in a SuiteQL page', 'wrong-types', '/query/v1/suiteql'],
      ['a truncated token response', 'malformed', '/oauth2/v1/token'],
    ] as const)('when NetSuite sends %s, answers vendor.invalid_response and logs no payload', async (_name, fault, pathPattern) => {
      const adapter = adapterWith();
      await sandbox.addFault({ fault, pathPattern });
      const result = pathPattern.includes('suiteql')
        ? await adapter.erp.listInvoices('8812', { status: 'open', limit: 5 }, callCtx(systemClock))
        : await adapter.erp.getCustomer('8812', callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
      const logs = adapter.logs();
      expect(logs).toContain('invalid vendor response');
      expect(logs).toMatch(/"sha256":"[0-9a-f]{16}"/);
      expect(logs).not.toMatch(NEVER_LOGGED);
    });
  });

  describe('the other reads: sales orders, payments, invoices by status, customer search', () => {
    type Read = (a: ReturnType<typeof sandboxAdapter>, ms?: number) => Promise<{ ok: boolean }>;
    const reads: [string, string, Read][] = [
      ['getSalesOrder', '/record/v1/salesOrder/', (a, ms) => a.erp.getSalesOrder('50010', callCtx(systemClock, ms))],
      ['listPayments', '/query/v1/suiteql', (a, ms) => a.erp.listPayments('8813', { limit: 5 }, callCtx(systemClock, ms))],
      ['listInvoices (paid)', '/query/v1/suiteql', (a, ms) => a.erp.listInvoices('8813', { status: 'paid', limit: 5 }, callCtx(systemClock, ms))],
      ['findCustomers', '/query/v1/suiteql', (a, ms) => a.erp.findCustomers({ taxId: 'GB980780684' }, callCtx(systemClock, ms))],
    ];

    it.each(reads)('E1: when %s hangs, retries a bounded number of times and answers vendor.timeout within the deadline', async (_name, pathPattern, read) => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 150, retries: 1, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'timeout', pathPattern });
      const { result, elapsed } = await timed(() => read(adapter, 800));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'erp' } });
      expect(elapsed).toBeLessThanOrEqual(800);
      expect((await sandbox.stats()).total).toBe(2);
    });

    it.each(reads)('E3: when %s meets one 503, the retry succeeds', async (_name, pathPattern, read) => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'error503', pathPattern, times: 1 });
      expect((await read(adapter)).ok).toBe(true);
    });

    it.each(reads)('E4: when %s meets a 429, answers vendor.rate_limited with its Retry-After and does not retry', async (_name, pathPattern, read) => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern, retryAfter: 12 });
      expect(await read(adapter)).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 12 } });
      expect((await sandbox.stats()).total).toBe(1);
    });

    it.each(reads)('E7: when %s is redirected, answers vendor.error without following', async (_name, pathPattern, read) => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'redirect', pathPattern });
      expect(await read(adapter)).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
      expect((await sandbox.stats()).byPath['/__sandbox/redirect-target']).toBeUndefined();
    });

    it('E5: when a payments page trickles in, the deadline covers the body read', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 300, retries: 1, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'trickle', pathPattern: '/query/v1/suiteql', delayMs: 50 });
      const { result, elapsed } = await timed(() => adapter.erp.listPayments('8813', { limit: 5 }, callCtx(systemClock, 1_000)));
      expect(result.ok || result.error.code).toBe('vendor.timeout');
      expect(elapsed).toBeLessThanOrEqual(1_000);
    });

    it.each(reads)('E6: when %s gets wrong types, answers vendor.invalid_response and logs no payload', async (_name, pathPattern, read) => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'wrong-types', pathPattern });
      expect(await read(adapter)).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
      expect(adapter.logs()).not.toMatch(/Initech|PYMT|INV-10|SO-10|twelve|EFT/i);
    });
  });

  describe('E8: vendor response larger than the cap', () => {
    it('when a SuiteQL page exceeds the response cap, answers vendor.invalid_response without reading it all', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { maxResponseBytes: 400 });
      adapters.push(adapter);
      // Chunked (no Content-Length, as `trickle` sends it): the cap applies while the body is read.
      await sandbox.addFault({ fault: 'trickle', pathPattern: '/query/v1/suiteql', delayMs: 1 });
      const result = await adapter.erp.listInvoices('8812', { status: 'all', limit: 5 }, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
    });
  });
});
