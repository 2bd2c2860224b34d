import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { err, ok } from '../../../../shared/result.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { createDynamicsBcErpAdapter } from './adapter.js';
import { sandboxDynamicsBcConfig, type DynamicsBcResilience } from './config.js';
import { externalDocumentNumberFor } from './odata.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { serveDynamicsBcSandbox, type DynamicsBcSandboxHandle } from './sandbox-harness.js';
import { COMPANY_PATH, TOKEN_PATH, callCtx, sandboxAdapter } from './test-support.js';

/** RELIABILITY.md E1–E8 for the Business Central adapter, with real sockets and real time. */
const GLOBEX = SEED_COMPANIES[0]!;
const STARK = SEED_COMPANIES[3]!;
const GLOBEX_ID = GLOBEX.vendorIds.businessCentralId;
const CUSTOMER_PATH = `${COMPANY_PATH}/customers(${GLOBEX_ID})`;
const ENTITY = '/customers\\(';
let sandbox: DynamicsBcSandboxHandle;
let adapters: ReturnType<typeof sandboxAdapter>[] = [];

beforeAll(async () => {
  sandbox = await serveDynamicsBcSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
});

const adapterWith = (resilience: DynamicsBcResilience = {}, maxResponseBytes?: number) => {
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 10, ...resilience }, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
  adapters.push(adapter);
  return adapter;
};
/** Fetches a token first, so a fault scripted afterwards hits the API call, not the token call. */
const warmedAdapter = async (resilience: DynamicsBcResilience = {}) => {
  const adapter = adapterWith(resilience);
  expect((await adapter.erp.getCustomer(SEED_COMPANIES[1]!.vendorIds.businessCentralId, callCtx(systemClock))).ok).toBe(true);
  await sandbox.resetStats();
  return adapter;
};
const calls = async (path = CUSTOMER_PATH) => (await sandbox.stats()).byPath[path] ?? 0;
const posts = async (set: string) => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === `${COMPANY_PATH}/${set}`).length;
const timed = async <T>(run: () => Promise<T>) => {
  const started = performance.now();
  const result = await run();
  return { result, elapsed: performance.now() - started };
};

describe('Business Central adapter under vendor faults', () => {
  describe('E1: read timeout', () => {
    it('when every attempt hangs, retries a bounded number of times, then answers vendor.timeout within the deadline', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 2, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: ENTITY });
      const deadlineMs = 1_500;
      const { result, elapsed } = await timed(() => adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock, deadlineMs)));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'erp' } });
      expect(elapsed).toBeLessThanOrEqual(deadlineMs);
      expect(await calls()).toBe(3);
    });

    it('when one attempt hangs and the next answers, the read succeeds', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 2 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: ENTITY, times: 1 });
      expect((await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock, 2_000))).ok).toBe(true);
      expect(await calls()).toBe(2);
    });
  });

  describe('E2: write timeout', () => {
    it('when a sales order lands but its response is too late, does not send it again; the retry finds it, no duplicate', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 2 });
      await sandbox.writeFault({ kind: 'slow-commit', delayMs: 800, times: 1, pathPattern: '/salesOrders$' });
      const input = { customerId: STARK.vendorIds.businessCentralId, currency: 'USD', externalRef: 'ord_e2_late', lines: [{ itemId: 'STRATA-ENT', quantity: 5 }] };
      const first = await adapter.erp.createSalesOrder(input, callCtx(systemClock, 2_000));
      expect(first).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'erp' } });
      expect(await posts('salesOrders')).toBe(1); // no blind retry of a non-idempotent write

      const retry = await adapter.erp.createSalesOrder(input, callCtx(systemClock, 2_000));
      expect(retry).toMatchObject({ ok: true, value: { externalRef: 'ord_e2_late', total: { amountMinor: 225_00 } } });
      expect(await posts('salesOrders')).toBe(1);
      const bearer = await bearerToken();
      const stored = await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/salesOrders?$filter=externalDocumentNumber eq '${externalDocumentNumberFor('ord_e2_late')}'`, { headers: { authorization: bearer } });
      expect(((await stored.json()) as { value: unknown[] }).value).toHaveLength(1);
    });

    it('when a customer create lands but times out, the retry with the same reference matches it', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250 });
      await sandbox.writeFault({ kind: 'slow-commit', delayMs: 800, times: 1, pathPattern: '/customers$' });
      const input = { legalName: 'Late Reply Ltd', country: 'GB', currency: 'GBP', externalRef: 'cus_e2_late' } as const;
      expect(await adapter.erp.createOrMatchCustomer(input, callCtx(systemClock, 2_000))).toMatchObject({ ok: false, error: { code: 'vendor.timeout' } });
      const retry = await adapter.erp.createOrMatchCustomer(input, callCtx(systemClock, 2_000));
      expect(retry).toMatchObject({ ok: true, value: { outcome: 'matched', customer: { legalName: 'Late Reply Ltd' } } });
      expect(await posts('customers')).toBe(1);
    });

    it('when a write hangs and never lands, it is sent once; the retry creates it once', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 2 });
      await sandbox.writeFault({ kind: 'hang', pathPattern: '/salesOrders$', times: 1, delayMs: 1_000 });
      const input = { customerId: STARK.vendorIds.businessCentralId, currency: 'USD', externalRef: 'ord_e2_lost', lines: [{ itemId: 'STRATA-PRO', quantity: 1 }] };
      expect(await adapter.erp.createSalesOrder(input, callCtx(systemClock, 2_000))).toMatchObject({ ok: false, error: { code: 'vendor.timeout' } });
      expect(await adapter.erp.createSalesOrder(input, callCtx(systemClock, 2_000))).toMatchObject({ ok: true });
      expect((await sandbox.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/salesOrders'))).toHaveLength(2);
    });
  });

  describe('E3: vendor 5xx', () => {
    it('when BC answers 500, retries the read, then answers vendor.error without its body; the breaker then answers without a call', async () => {
      const adapter = await warmedAdapter({ retries: 2, breaker: { failureThreshold: 3, openMs: 60_000 } });
      await sandbox.addFault({ fault: 'error500', pathPattern: ENTITY });
      const first = await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock));
      expect(first).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'erp' } });
      expect(await calls()).toBe(3);
      expect(adapter.logs()).not.toMatch(/globex\.example|C08812|unexpected error occurred/i);

      const second = await adapter.erp.getCreditProfile(GLOBEX_ID, callCtx(systemClock));
      expect(second.ok || second.error).toMatchObject({ code: 'vendor.circuit_open', retryable: true, vendor: 'erp', retryAfterSeconds: expect.any(Number) });
      expect((await sandbox.stats()).total).toBe(3);
    });

    it('when a write gets a 503, it is not retried: vendor.error after one POST', async () => {
      const adapter = await warmedAdapter();
      await sandbox.writeFault({ kind: 'error503', pathPattern: '/salesOrders$', times: 1 });
      const r = await adapter.erp.createSalesOrder({ customerId: GLOBEX_ID, currency: 'EUR', externalRef: 'ORD-E3', lines: [{ itemId: 'STRATA-ENT', quantity: 1 }] }, callCtx(systemClock));
      expect(r).toMatchObject({ ok: false, error: { code: 'vendor.error' } });
      expect(await posts('salesOrders')).toBe(1);
    });

    it('when a 4xx is not one the adapter knows, answers vendor.error and logs BC’s code, not its message', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'entity-changed', pathPattern: ENTITY, times: 1 });
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toMatchObject({ ok: false, error: { code: 'vendor.error' } });
      expect(adapter.logs()).toContain('"errorCode":"Request_EntityChanged"');
      expect(adapter.logs()).not.toContain('Another user');
    });
  });

  describe('E4: vendor 429 with Retry-After', () => {
    it('when Retry-After is 30 seconds, answers vendor.rate_limited with 30 and sends nothing more while paused', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: ENTITY, retryAfter: 30, times: 1 });
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 30 } });
      expect(await calls()).toBe(1);
      const next = await adapter.erp.listInvoices(GLOBEX_ID, { status: 'open', limit: 5 }, callCtx(systemClock));
      expect(next.ok || next.error.code).toBe('vendor.rate_limited');
      expect(next.ok || next.error.retryAfterSeconds).toBeGreaterThan(28);
      expect((await sandbox.stats()).total).toBe(1);
    });

    it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: ENTITY, retryAfter: new Date(Date.now() + 45_000).toUTCString() });
      const limited = await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock));
      expect(limited.ok || limited.error.code).toBe('vendor.rate_limited');
      expect(limited.ok || limited.error.retryAfterSeconds).toBeGreaterThanOrEqual(43);
      expect(limited.ok || limited.error.retryAfterSeconds).toBeLessThanOrEqual(45);
    });

    it("with the outbound budget, every attempt takes a slot and gives it back; a refused slot calls nobody", async () => {
      let held = 0;
      let granted = 0;
      let refuse = false;
      const budget: OutboundBudget = {
        async acquire(vendor) {
          expect(vendor).toBe('dynamics-bc');
          if (refuse) return err({ code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: 7 });
          held++;
          granted++;
          return ok({ release: () => void held-- });
        },
      };
      const config = sandboxDynamicsBcConfig(sandbox.baseUrl);
      const http = createUndiciHttpClient({ baseUrl: config.baseUrl });
      try {
        const erp = createDynamicsBcErpAdapter(config, { http, clock: systemClock, budget });
        expect((await erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).ok).toBe(true);
        expect([granted, held]).toEqual([2, 0]); // the token request and the read (the sandbox serves both)
        await sandbox.resetStats();
        refuse = true;
        expect(await erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toMatchObject({ ok: false, error: { code: 'vendor.rate_limited', retryAfterSeconds: 7, vendor: 'erp' } });
        expect((await sandbox.stats()).total).toBe(0);
      } finally {
        await http.close();
      }
    });
  });

  describe('E5: trickling body', () => {
    it('when the body trickles in, the deadline covers the body read and the answer is vendor.timeout in time', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 300, retries: 1, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'trickle', pathPattern: ENTITY, delayMs: 50 });
      const deadlineMs = 1_000;
      const { result, elapsed } = await timed(() => adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock, deadlineMs)));
      expect(result.ok || result.error.code).toBe('vendor.timeout');
      expect(elapsed).toBeLessThanOrEqual(deadlineMs);
    });
  });

  describe('E6: malformed vendor bodies', () => {
    it.each([
      ['an HTML page with 200', 'html', ENTITY],
      ['truncated JSON', 'malformed', ENTITY],
      ['wrong types', 'wrong-types', ENTITY],
      ['wrong types in a collection', 'wrong-types', '/salesInvoices$'],
      ['a truncated token response', 'malformed', '/oauth2/'],
    ] as const)('when BC sends %s, answers vendor.invalid_response and logs no payload', async (_name, fault, pathPattern) => {
      const adapter = adapterWith();
      await sandbox.addFault({ fault, pathPattern });
      const result = pathPattern.includes('Invoices')
        ? await adapter.erp.listInvoices(GLOBEX_ID, { status: 'all', limit: 5 }, callCtx(systemClock))
        : await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock));
      expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
      const logs = adapter.logs();
      expect(logs).toContain('invalid vendor response');
      expect(logs).toMatch(/"sha256":"[0-9a-f]{16}"/);
      expect(logs).not.toMatch(new RegExp(`globex|DE811907980|INV-104|<html|${HTML_FAULT_CANARY}|access_token|eyJ0eX`, 'i'));
    });
  });

  describe('E7: vendor redirect', () => {
    it('when BC answers 302 to another host, answers vendor.error and does not follow it', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'redirect', pathPattern: ENTITY });
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
      const stats = await sandbox.stats();
      expect(stats.byPath['/__sandbox/redirect-target']).toBeUndefined();
      expect(stats.byPath[CUSTOMER_PATH]).toBe(1);
      expect(stats.byPath[TOKEN_PATH]).toBeUndefined();
    });
  });

  describe('E8: response larger than the cap', () => {
    it('when a response exceeds the client’s cap, answers vendor.invalid_response without reading it whole', async () => {
      const adapter = adapterWith({}, 400);
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
      expect((await sandbox.stats()).byPath[CUSTOMER_PATH]).toBe(1); // not retried
      expect(adapter.logs()).toContain('"failure":"too_large"');
    });
  });
});

const bearerToken = async () => {
  const { SANDBOX_DYNAMICS_BC } = await import('./config.js');
  const { BC_SCOPE } = await import('../../../../openapi/vendors/dynamics-bc/types.js');
  const res = await fetch(`${sandbox.baseUrl}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_DYNAMICS_BC.clientId, client_secret: SANDBOX_DYNAMICS_BC.clientSecret, scope: BC_SCOPE }),
  });
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
};
