import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import type { AppEnv } from '../../../../shared/http/app-env.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../../shared/http/problem.js';
import { createRouterTestApp } from '../../../../test/harness/router-test-app.js';
import { NS_CUSTOMER_PATH } from '../../../../openapi/vendors/netsuite/types.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, PaymentSchema, SalesOrderSchema } from '../contract.js';
import type { NetsuiteResilience } from '../netsuite/config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from '../netsuite/sandbox-harness.js';
import { createInSandbox, sandboxAdapter } from '../netsuite/test-support.js';
import { createErpRouter } from '../router.js';

/** The ERP system routes with the real NetSuite adapter against the sandbox over HTTP. */
let sandbox: NetsuiteSandboxHandle;
let closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sandbox = await serveNetsuiteSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

const createTestErpApp = (options: { deadlineMs?: number; resilience?: NetsuiteResilience } = {}) => {
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 10, ...options.resilience } });
  closers.push(adapter.close);
  return createRouterTestApp('/system/v1/erp', createErpRouter({ erp: adapter.erp }), options);
};

const post = (app: Hono<AppEnv>, path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const expectProblem = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const text = await res.text();
  const body = ProblemSchema.parse(JSON.parse(text));
  expect(body).toMatchObject({ status, code, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return { body, text };
};

/** Vendor words that must never reach a client: NetSuite's error codes and texts, seeded PII, the HTML page. */
const VENDOR_TEXT = /UNEXPECTED_ERROR|SERVICE_UNAVAILABLE|"TIMEOUT"|o:error|Error ID|[Gg]lobex|[Nn]et[Ss]uite|<html|Internal Server Error|Gateway Timeout|The request timed out/;

describe('ERP system routes', () => {
  describe('GET /system/v1/erp/customers/{customerId}', () => {
    it('when the customer exists, answers 200 with a body that validates against ErpCustomer', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8812');
      expect(res.status).toBe(200);
      expect(ErpCustomerSchema.parse(await res.json())).toMatchObject({ id: '8812', legalName: 'Globex GmbH', currency: 'EUR' });
    });

    it('when the customer does not exist, answers 404 problem', async () => {
      await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/424242'), 404, 'erp.customer_not_found');
    });

    it('when the id is not a NetSuite id but matches the contract pattern, answers 404 without a vendor call', async () => {
      await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/globex-gmbh'), 404, 'erp.customer_not_found');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it.each(['%2E%2E%2F8812', '..%2F8812', '8812%3Ffields%3Did', 'a'.repeat(65), '8812%20OR%201%3D1'])(
      'when the id is %s, answers 422 naming the parameter (no JSON pointer, no value), without a vendor call',
      async (id) => {
        const { body, text } = await expectProblem(await createTestErpApp().request(`/system/v1/erp/customers/${id}`), 422, 'http.validation');
        expect(body.errors).toEqual([{ parameter: 'customerId', detail: expect.any(String) }]);
        expect(text).not.toContain('8812');
        expect((await sandbox.stats()).total).toBe(0);
      },
    );
  });

  describe('GET /system/v1/erp/customers/{customerId}/credit-profile', () => {
    it('when the customer exists, answers 200 with a body that validates against CreditProfile', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8813/credit-profile');
      expect(res.status).toBe(200);
      expect(CreditProfileSchema.parse(await res.json())).toMatchObject({ customerId: '8813', onCreditHold: true, daysOverdue: 42 });
    });
  });

  describe('GET /system/v1/erp/customers/{customerId}/invoices', () => {
    it('when no status or limit is given, answers 200 with the open invoices (up to 20), validating against Invoice[]', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8812/invoices');
      expect(res.status).toBe(200);
      const invoices = z.array(InvoiceSchema).parse(await res.json());
      expect(invoices.map((i) => [i.number, i.status, i.agingBucket])).toEqual([
        ['INV-10422', 'open', 'current'],
        ['INV-10488', 'open', 'current'],
      ]);
      expect((await sandbox.requests()).find((r) => r.path.endsWith('/suiteql'))?.query.limit).toBe('20');
    });

    it('when status=paid, answers the paid invoices; status=all answers paid and open ones', async () => {
      const app = createTestErpApp();
      const paid = z.array(InvoiceSchema).parse(await (await app.request('/system/v1/erp/customers/8813/invoices?status=paid')).json());
      expect(paid.map((i) => [i.status, i.amountDue.amountMinor])).toEqual([['paid', 0]]);
      const all = z.array(InvoiceSchema).parse(await (await app.request('/system/v1/erp/customers/8813/invoices?status=all')).json());
      expect(all.map((i) => [i.number, i.status, i.agingBucket])).toEqual([
        ['INV-10301', 'overdue', '31-60'],
        ['INV-10201', 'paid', 'current'],
        ['INV-10455', 'open', 'current'],
      ]);
    });

    it('when limit=1, answers one invoice', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8813/invoices?limit=1');
      expect(z.array(InvoiceSchema).parse(await res.json())).toHaveLength(1);
    });

    it.each([
      ['limit=100000', 'limit'],
      ['limit=0', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=abc', 'limit'],
      ['status=overdue', 'status'],
      ['offset=5', 'offset'],
    ])('when the query is %s, answers 422 naming %s, without a vendor call (B6)', async (query, parameter) => {
      const { body } = await expectProblem(await createTestErpApp().request(`/system/v1/erp/customers/8812/invoices?${query}`), 422, 'http.validation');
      expect(body.errors).toEqual([{ parameter, detail: expect.any(String) }]);
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the customer does not exist, answers 404 problem', async () => {
      await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/424242/invoices'), 404, 'erp.customer_not_found');
    });
  });

  describe('GET /system/v1/erp/customers/{customerId}/payments', () => {
    it('when the customer has paid, answers 200 with Payment[] naming the invoices paid', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8816/payments?limit=5');
      expect(res.status).toBe(200);
      expect(z.array(PaymentSchema).parse(await res.json())).toEqual([
        { id: '45400', number: 'PYMT-20404', receivedOn: expect.any(String), amount: { amountMinor: 4_500_00, currency: 'EUR' }, method: 'EFT', appliedToInvoiceIds: ['40450'] },
      ]);
    });

    it.each(['limit=101', 'limit=0', 'status=paid'])('when the query is %s, answers 422 without a vendor call', async (query) => {
      await expectProblem(await createTestErpApp().request(`/system/v1/erp/customers/8816/payments?${query}`), 422, 'http.validation');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the customer does not exist, answers 404 problem', async () => {
      await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/424242/payments'), 404, 'erp.customer_not_found');
    });
  });

  describe('GET /system/v1/erp/customers?taxId=|legalName=&country=', () => {
    it.each(['taxId=DE811907980', 'legalName=globex%20GMBH', 'legalName=Globex%20GmbH&country=DE'])('when searched with %s, answers 200 with Globex', async (query) => {
      const res = await createTestErpApp().request(`/system/v1/erp/customers?${query}`);
      expect(res.status).toBe(200);
      expect(z.array(ErpCustomerSchema).parse(await res.json()).map((c) => c.id)).toEqual(['8812']);
    });

    it('when nothing matches, answers 200 with an empty list', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers?legalName=Globex%20GmbH&country=FR');
      expect([res.status, await res.json()]).toEqual([200, []]);
    });

    it.each([
      ['no criterion', '', { detail: 'give taxId or legalName' }],
      ['only a country', 'country=DE', { detail: 'give taxId or legalName' }],
      ['a country in lower case', 'legalName=Globex&country=de', { parameter: 'country' }],
      ['an unknown parameter', 'taxId=DE811907980&name=Globex', { parameter: 'name', detail: 'unknown property' }],
    ])('when the query has %s, answers 422 without a vendor call', async (_name, query, error) => {
      const { body } = await expectProblem(await createTestErpApp().request(`/system/v1/erp/customers?${query}`), 422, 'http.validation');
      expect(body.errors).toEqual([expect.objectContaining(error)]);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('POST /system/v1/erp/customers', () => {
    const HOOLI = { legalName: 'Hooli Inc.', country: 'US', currency: 'USD', taxId: '94-3121234', externalRef: 'cus_01HZX3HOOLI' };

    it('when no customer matches, answers 201 with the created customer and its Location; the same request again answers 200 with the same customer', async () => {
      const app = createTestErpApp();
      const created = await post(app, '/system/v1/erp/customers', HOOLI);
      expect([created.status, created.headers.get('location')]).toEqual([201, '/system/v1/erp/customers/9001']);
      expect(ErpCustomerSchema.parse(await created.json())).toMatchObject({ id: '9001', legalName: 'Hooli Inc.', taxId: '94-3121234', currency: 'USD' });
      const again = await post(app, '/system/v1/erp/customers', HOOLI);
      expect([again.status, ErpCustomerSchema.parse(await again.json()).id]).toEqual([200, '9001']);
      expect((await sandbox.created()).customers).toHaveLength(1);
    });

    it('when the tax id matches a customer, answers 200 with it', async () => {
      const res = await post(createTestErpApp(), '/system/v1/erp/customers', { ...HOOLI, taxId: 'FR40303265045' });
      expect([res.status, ErpCustomerSchema.parse(await res.json()).id]).toEqual([200, '8814']);
    });

    it('when the legal name and country match two customers, answers 409 and creates nothing', async () => {
      for (const ref of ['dup-1', 'dup-2']) {
        await createInSandbox(sandbox.baseUrl, NS_CUSTOMER_PATH, { externalId: ref, companyName: 'Hooli Inc.', isPerson: false, currency: { id: '1' }, addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { country: { id: 'US' } } }] } });
      }
      await expectProblem(await post(createTestErpApp(), '/system/v1/erp/customers', { ...HOOLI, taxId: undefined }), 409, 'erp.duplicate_customer');
      expect((await sandbox.created()).customers).toHaveLength(2);
    });

    it.each([
      ['an unknown property', { ...HOOLI, vatId: 'x' }, '/vatId'],
      ['no externalRef', { ...HOOLI, externalRef: undefined }, '/externalRef'],
      ['an externalRef with a slash', { ...HOOLI, externalRef: '../9001' }, '/externalRef'],
      ['a country in lower case', { ...HOOLI, country: 'us' }, '/country'],
    ])('when the body has %s, answers 422 pointing at it, without a vendor call', async (_name, body, pointer) => {
      const { body: problem } = await expectProblem(await post(createTestErpApp(), '/system/v1/erp/customers', body), 422, 'http.validation');
      expect(problem.errors).toContainEqual({ pointer, detail: expect.any(String) });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('POST /system/v1/erp/sales-orders and GET /system/v1/erp/sales-orders/{orderId}', () => {
    const ORDER = { customerId: '8815', currency: 'USD', externalRef: 'ord_route_1', purchaseOrderNumber: 'PO-9', lines: [{ itemId: 'STRATA-ENT', quantity: 100 }] };

    it('when the order is valid, answers 201 with the ERP order number and Location; GET answers the same order', async () => {
      const app = createTestErpApp();
      const res = await post(app, '/system/v1/erp/sales-orders', ORDER);
      expect([res.status, res.headers.get('location')]).toEqual([201, '/system/v1/erp/sales-orders/60001']);
      const order = SalesOrderSchema.parse(await res.json());
      expect(order).toMatchObject({ orderNumber: 'SO-105001', customerId: '8815', externalRef: 'ord_route_1', total: { amountMinor: 5_000_00, currency: 'USD' } });
      const read = await app.request('/system/v1/erp/sales-orders/60001');
      expect([read.status, SalesOrderSchema.parse(await read.json())]).toEqual([200, order]);
    });

    it('when the same order is posted again, answers the one order: no second order in the ERP', async () => {
      const app = createTestErpApp();
      const first = SalesOrderSchema.parse(await (await post(app, '/system/v1/erp/sales-orders', ORDER)).json());
      const again = await post(app, '/system/v1/erp/sales-orders', ORDER);
      expect([again.status, SalesOrderSchema.parse(await again.json()).id]).toEqual([201, first.id]);
      expect((await sandbox.created()).salesOrders).toHaveLength(1);
    });

    it('when a line names an unknown item, answers 422 erp.item_not_found', async () => {
      await expectProblem(await post(createTestErpApp(), '/system/v1/erp/sales-orders', { ...ORDER, lines: [{ itemId: 'NOPE', quantity: 1 }] }), 422, 'erp.item_not_found');
    });

    it('when the customer does not exist, answers 404 erp.customer_not_found', async () => {
      await expectProblem(await post(createTestErpApp(), '/system/v1/erp/sales-orders', { ...ORDER, customerId: '424242' }), 404, 'erp.customer_not_found');
    });

    it.each([
      ['no lines', { ...ORDER, lines: [] }, '/lines'],
      ['a negative quantity', { ...ORDER, lines: [{ itemId: 'STRATA-ENT', quantity: -1 }] }, '/lines/0/quantity'],
      ['a unit price in decimals', { ...ORDER, lines: [{ itemId: 'STRATA-ENT', quantity: 1, unitPriceMinor: 12.5 }] }, '/lines/0/unitPriceMinor'],
      ['an unknown line property', { ...ORDER, lines: [{ itemId: 'STRATA-ENT', quantity: 1, discount: 5 }] }, '/lines/0/discount'],
      ['an ISO date that is not one', { ...ORDER, orderedOn: '2026-13-01' }, '/orderedOn'],
    ])('when the body has %s, answers 422 pointing at it, without a vendor call', async (_name, body, pointer) => {
      const { body: problem } = await expectProblem(await post(createTestErpApp(), '/system/v1/erp/sales-orders', body), 422, 'http.validation');
      expect(problem.errors).toContainEqual({ pointer, detail: expect.any(String) });
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the order does not exist, answers 404; when its id is malformed, 422 without a vendor call', async () => {
      const app = createTestErpApp();
      await expectProblem(await app.request('/system/v1/erp/sales-orders/999999'), 404, 'erp.order_not_found');
      await sandbox.resetStats();
      await expectProblem(await app.request('/system/v1/erp/sales-orders/..%2F60001'), 422, 'http.validation');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when NetSuite applied the order but its answer was lost, answers 504; the client’s retry answers 201 with that one order', async () => {
      await sandbox.addFault({ fault: 'timeout', pathPattern: '/record/v1/salesOrder/\\d+' });
      const app = createTestErpApp({ deadlineMs: 1_000, resilience: { attemptTimeoutMs: 250, responseReserveMs: 100 } });
      const { text } = await expectProblem(await post(app, '/system/v1/erp/sales-orders', ORDER), 504, 'vendor.timeout');
      expect(text).not.toMatch(VENDOR_TEXT);
      await sandbox.clearFaults();
      const retried = await post(app, '/system/v1/erp/sales-orders', ORDER);
      expect(retried.status).toBe(201);
      expect((await sandbox.created()).salesOrders.map((o) => o.id)).toEqual([SalesOrderSchema.parse(await retried.json()).id]);
    });
  });

  describe('vendor failures', () => {
    it('when NetSuite keeps failing with 500, answers 502 upstream-error naming the domain, with no vendor text', async () => {
      await sandbox.addFault({ fault: 'error500', pathPattern: '/record/' });
      const { body, text } = await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/8812/credit-profile'), 502, 'vendor.error');
      expect(body).toMatchObject({ type: 'https://strata.dev/problems/upstream-error', vendor: 'erp' });
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when NetSuite sends an HTML page with 200, answers 502 upstream-invalid-response with no vendor text', async () => {
      await sandbox.addFault({ fault: 'html', pathPattern: '/record/' });
      const { text } = await expectProblem(await createTestErpApp().request('/system/v1/erp/customers/8812'), 502, 'vendor.invalid_response');
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when NetSuite does not answer within the deadline, answers 504 upstream-timeout in time, with no vendor text', async () => {
      await sandbox.addFault({ fault: 'timeout', pathPattern: '/query/' });
      const app = createTestErpApp({ deadlineMs: 1_000, resilience: { attemptTimeoutMs: 250, responseReserveMs: 100 } });
      const started = performance.now();
      const res = await app.request('/system/v1/erp/customers/8812/invoices');
      expect(performance.now() - started).toBeLessThanOrEqual(1_000);
      const { body, text } = await expectProblem(res, 504, 'vendor.timeout');
      expect(body).toMatchObject({ type: 'https://strata.dev/problems/upstream-timeout', vendor: 'erp' });
      expect(text).not.toMatch(VENDOR_TEXT);
    });

    it('when NetSuite answers 429 with Retry-After: 30, answers 503 with Retry-After: 30 (not 429)', async () => {
      await sandbox.addFault({ fault: 'rate-limit', pathPattern: '/record/', retryAfter: 30 });
      const res = await createTestErpApp().request('/system/v1/erp/customers/8812');
      await expectProblem(res, 503, 'vendor.rate_limited');
      expect(res.headers.get('retry-after')).toBe('30');
    });
  });

  describe('the published operations', () => {
    it('when the router is documented, every operation is there with erp:read for reads and erp:write for writes', () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      closers.push(adapter.close);
      const document = createErpRouter({ erp: adapter.erp }).getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'erp', version: '1' } });
      const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { operationId: string; security: unknown }>).map(([method, op]) => [op.operationId, method.toUpperCase(), path, op.security]),
      );
      expect(operations.sort()).toEqual(
        [
          ['createOrMatchErpCustomer', 'POST', '/customers', [{ oauth2: ['erp:write'] }]],
          ['createSalesOrder', 'POST', '/sales-orders', [{ oauth2: ['erp:write'] }]],
          ['findErpCustomers', 'GET', '/customers', [{ oauth2: ['erp:read'] }]],
          ['getCreditProfile', 'GET', '/customers/{customerId}/credit-profile', [{ oauth2: ['erp:read'] }]],
          ['getErpCustomer', 'GET', '/customers/{customerId}', [{ oauth2: ['erp:read'] }]],
          ['getSalesOrder', 'GET', '/sales-orders/{orderId}', [{ oauth2: ['erp:read'] }]],
          ['listInvoices', 'GET', '/customers/{customerId}/invoices', [{ oauth2: ['erp:read'] }]],
          ['listPayments', 'GET', '/customers/{customerId}/payments', [{ oauth2: ['erp:read'] }]],
        ].sort(),
      );
    });
  });
});
