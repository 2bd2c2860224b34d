import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { NS_CUSTOMER_PATH, NS_SALES_ORDER_PATH } from '../../../../openapi/vendors/netsuite/types.js';
import type { NewErpCustomer, NewSalesOrder } from '../contract.js';
import { idempotencyKeyFor } from './client.js';
import type { NetsuiteResilience } from './config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import { callCtx, sandboxAdapter } from './test-support.js';

/**
 * RELIABILITY.md E2 (and E3, E4, E6, E7 for writes): a sales order or customer write that fails in
 * flight is retried only with NetSuite's idempotency key, and a client's retry with the same
 * externalRef answers the one record — the sandbox is asked how many it holds.
 */
const ORDER_POST = `${NS_SALES_ORDER_PATH}$`;
const ORDER_READ = `${NS_SALES_ORDER_PATH}/\\d+`;
const ORDER: NewSalesOrder = { customerId: '8813', currency: 'GBP', externalRef: 'ord_e2_0001', lines: [{ itemId: 'STRATA-PRO', quantity: 40 }] };
const CUSTOMER: NewErpCustomer = { legalName: 'Hooli Inc.', country: 'US', currency: 'USD', externalRef: 'cus_e2_hooli' };
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

/** An adapter whose token and item/currency look-ups are already done, so faults hit the write. */
const warmedAdapter = async (resilience: NetsuiteResilience = {}, options: { maxResponseBytes?: number } = {}) => {
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 10, ...resilience }, ...options });
  adapters.push(adapter);
  expect((await adapter.erp.getCreditProfile('8813', callCtx(systemClock))).ok).toBe(true);
  await sandbox.resetStats();
  return adapter;
};
const posts = async (path: string) => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path === path);
const createdOrders = async () => (await sandbox.created()).salesOrders;

describe('NetSuite writes under vendor faults', () => {
  describe('E2: a sales-order write that times out', () => {
    it('when the first POST hangs, the retry carries the same idempotency key and one order is created', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 300, retries: 2 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: ORDER_POST, times: 1 });
      const result = await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock, 3_000));
      expect(result.ok && result.value.externalRef).toBe(ORDER.externalRef);
      const sent = await posts(NS_SALES_ORDER_PATH);
      expect(sent.map((r) => r.headers['x-netsuite-idempotency-key'])).toEqual([idempotencyKeyFor('salesOrder', ORDER.externalRef), idempotencyKeyFor('salesOrder', ORDER.externalRef)]);
      expect((await createdOrders()).map((o) => o.externalId)).toEqual([ORDER.externalRef]);
    });

    it('when NetSuite applied the write but the answer was lost, the caller gets vendor.timeout; its retry with the same externalRef answers that one order', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 1, responseReserveMs: 50 });
      // The POST succeeds; reading the new order back hangs until the deadline: the caller cannot know.
      await sandbox.addFault({ fault: 'timeout', pathPattern: ORDER_READ });
      const deadlineMs = 900;
      const started = performance.now();
      const lost = await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock, deadlineMs));
      expect(performance.now() - started).toBeLessThanOrEqual(deadlineMs);
      expect(lost).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: 'erp' } });
      expect(await createdOrders()).toHaveLength(1);

      await sandbox.clearFaults();
      const retried = await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock));
      expect(retried.ok && [retried.value.id, retried.value.orderNumber]).toEqual([(await createdOrders())[0]!.id, (await createdOrders())[0]!.tranId]);
      expect(await createdOrders()).toHaveLength(1); // no duplicate
    });

    it('when every POST hangs, gives up within the deadline after bounded attempts, and a later retry creates exactly one order', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 200, retries: 1, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: ORDER_POST });
      const deadlineMs = 1_000;
      const started = performance.now();
      const result = await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock, deadlineMs));
      expect(performance.now() - started).toBeLessThanOrEqual(deadlineMs);
      expect(result.ok || result.error.code).toBe('vendor.timeout');
      expect(await posts(NS_SALES_ORDER_PATH)).toHaveLength(2);
      expect(await createdOrders()).toEqual([]);

      await sandbox.clearFaults();
      expect((await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).ok).toBe(true);
      expect((await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).ok).toBe(true);
      expect(await createdOrders()).toHaveLength(1);
    });

    it('when a customer write succeeded but its answer was lost, the retry matches the customer by externalRef: one customer', async () => {
      const adapter = await warmedAdapter({ attemptTimeoutMs: 250, retries: 1, responseReserveMs: 50 });
      await sandbox.addFault({ fault: 'timeout', pathPattern: `${NS_CUSTOMER_PATH}/9001` });
      const lost = await adapter.erp.createOrMatchCustomer(CUSTOMER, callCtx(systemClock, 900));
      expect(lost.ok || lost.error.code).toBe('vendor.timeout');
      await sandbox.clearFaults();
      const retried = await adapter.erp.createOrMatchCustomer(CUSTOMER, callCtx(systemClock));
      expect(retried.ok && [retried.value.outcome, retried.value.customer.id]).toEqual(['matched', '9001']);
      expect((await sandbox.created()).customers).toHaveLength(1);
    });
  });

  describe('E3: vendor 5xx on a write', () => {
    it('when the POST answers 503 once, the keyed retry creates the order once', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'error503', pathPattern: ORDER_POST, times: 1 });
      expect((await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).ok).toBe(true);
      expect(await posts(NS_SALES_ORDER_PATH)).toHaveLength(2);
      expect(await createdOrders()).toHaveLength(1);
    });

    it('when the POST keeps answering 500, answers vendor.error after bounded attempts, with no vendor text in the logs', async () => {
      const adapter = await warmedAdapter({ retries: 2 });
      await sandbox.addFault({ fault: 'error500', pathPattern: ORDER_POST });
      expect(await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'erp' } });
      expect(await posts(NS_SALES_ORDER_PATH)).toHaveLength(3);
      expect(adapter.logs()).not.toMatch(/UNEXPECTED_ERROR|globex|Error ID/i);
    });
  });

  describe('E4: vendor 429 on a write', () => {
    it('when the POST answers 429 with Retry-After, answers vendor.rate_limited and does not send it again', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: ORDER_POST, retryAfter: 20 });
      expect(await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 20 } });
      expect(await posts(NS_SALES_ORDER_PATH)).toHaveLength(1);
    });
  });

  describe('E6 and E8: unusable answers to a write', () => {
    it.each([
      ['an HTML page with 200 instead of 204 + Location', 'html', ORDER_POST],
      ['the new order read back with wrong types', 'wrong-types', ORDER_READ],
      ['the new order read back truncated', 'malformed', ORDER_READ],
    ] as const)('when NetSuite sends %s, answers vendor.invalid_response and logs no payload', async (_name, fault, pathPattern) => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault, pathPattern });
      expect(await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
      expect(adapter.logs()).toContain('invalid vendor response');
      expect(adapter.logs()).not.toMatch(/Initech|SO-10|<html|twelve|STRATA-PRO/i);
    });

    it('when the order read back is larger than the response cap, answers vendor.invalid_response without reading it all', async () => {
      const adapter = await warmedAdapter({}, { maxResponseBytes: 930 });
      // Chunked (no Content-Length, as `trickle` sends it): the cap is enforced while reading. A declared
      // Content-Length over the cap is refused before reading; see the report on the undici client.
      await sandbox.addFault({ fault: 'trickle', pathPattern: ORDER_READ, delayMs: 1 });
      expect(await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: 'erp' } });
    });
  });

  describe('E7: vendor redirect on a write', () => {
    it('when the POST answers 302 to another host, answers vendor.error and neither follows it nor resends', async () => {
      const adapter = await warmedAdapter();
      await sandbox.addFault({ fault: 'redirect', pathPattern: ORDER_POST });
      expect(await adapter.erp.createSalesOrder(ORDER, callCtx(systemClock))).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'erp' } });
      expect((await sandbox.stats()).byPath['/__sandbox/redirect-target']).toBeUndefined();
      expect(await posts(NS_SALES_ORDER_PATH)).toHaveLength(1);
    });
  });
});
