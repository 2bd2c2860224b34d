import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { err, ok } from '../../../../shared/result.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { describeVendorReliability } from '../../../../test/harness/vendor-reliability-kit.js';
import { createDynamicsBcErpAdapter } from './adapter.js';
import { sandboxDynamicsBcConfig, type DynamicsBcResilience } from './config.js';
import { externalDocumentNumberFor } from './odata.js';
import { HTML_FAULT_CANARY } from './sandbox-faults.js';
import { serveDynamicsBcSandbox, type DynamicsBcSandboxHandle } from './sandbox-harness.js';
import { COMPANY_PATH, TOKEN_PATH, callCtx, sandboxAdapter } from './test-support.js';

/**
 * RELIABILITY.md E for the Business Central adapter, with real sockets. E1, E3–E8 for the main read
 * (getCustomer: one GET on `customers(…)`) run in the shared kit; what stays here is what the kit does
 * not run: E2 writes, BC's own faults, the outbound budget, token and collection bodies, and the breaker
 * and the 429 pause spanning operations.
 */
const GLOBEX = SEED_COMPANIES[0]!;
const STARK = SEED_COMPANIES[3]!;
const GLOBEX_ID = GLOBEX.vendorIds.businessCentralId;
const CUSTOMER_PATH = `${COMPANY_PATH}/customers(${GLOBEX_ID})`;
const ENTITY = '/customers\\(';
/** The 500's e-mail and customer number, the 503's text, the seed's data, the HTML page, tokens. */
const NEVER_LOGGED = new RegExp(`globex|C08812|unexpected error occurred|temporarily unavailable|DE811907980|INV-104|<html|${HTML_FAULT_CANARY}|access_token|eyJ0eX`, 'i');
let sandbox: DynamicsBcSandboxHandle;
let adapters: ReturnType<typeof sandboxAdapter>[] = [];

beforeAll(async () => {
  sandbox = await serveDynamicsBcSandbox();
});
afterAll(() => sandbox.close());

const adapterWith = (resilience: DynamicsBcResilience = {}) => {
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 10, ...resilience } });
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

// E1, E3–E8 for the main read. E8: the token answer fits in 400 bytes and the customer does not, so
// a cold adapter gets its token and is cut off at the cap on the read, with no fault armed.
describeVendorReliability(
  'Business Central',
  async ({ clock, retries, attemptTimeoutMs, backoffMs, breaker, maxResponseBytes }) => {
    const adapter = sandboxAdapter(sandbox.baseUrl, clock, { resilience: { retries, attemptTimeoutMs, backoffMs, ...(breaker ? { breaker } : {}) }, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
    return {
      read: (ctx) => adapter.erp.getCustomer(GLOBEX_ID, ctx),
      readPathPattern: ENTITY,
      domain: 'erp',
      harness: sandbox.harness,
      logs: () => adapter.lines,
      close: adapter.close,
    };
  },
  {
    logName: 'dynamics-bc',
    neverLogged: NEVER_LOGGED,
    overCap: { maxResponseBytes: 400 },
  },
);

describe('Business Central adapter under vendor faults', () => {
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    adapters = [];
  });

  describe('E1: read timeout (beyond the kit)', () => {
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

  describe('E3: vendor 5xx (beyond the kit)', () => {
    it('when one read’s retried attempts reach the breaker threshold, another operation is refused without a call', async () => {
      const adapter = await warmedAdapter({ retries: 2, breaker: { failureThreshold: 3, openMs: 60_000 } });
      await sandbox.addFault({ fault: 'error500', pathPattern: ENTITY });
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'erp' } });
      expect(await calls()).toBe(3); // each attempt counts towards the threshold

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

  describe('E4: vendor 429 with Retry-After (beyond the kit)', () => {
    it('when a read gets 429 with Retry-After, another operation is paused too: vendor.rate_limited with what is left, nothing sent', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: ENTITY, retryAfter: 30, times: 1 });
      expect(await adapter.erp.getCustomer(GLOBEX_ID, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 30 } });
      expect(await calls()).toBe(1);
      const next = await adapter.erp.listInvoices(GLOBEX_ID, { status: 'open', limit: 5 }, callCtx(systemClock));
      expect(next.ok || next.error.code).toBe('vendor.rate_limited');
      expect(next.ok || next.error.retryAfterSeconds).toBeGreaterThan(28);
      expect((await sandbox.stats()).total).toBe(1);
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

  describe('E6: malformed vendor bodies (beyond the kit: collections, the token endpoint)', () => {
    it.each([
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
      expect(logs).not.toMatch(NEVER_LOGGED);
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
