import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import type { AppEnv } from '../../../../shared/http/app-env.js';
import { onError } from '../../../../shared/http/on-error.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../../../shared/http/problem.js';
import { requestContext } from '../../../../policies/request-context/request-context.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema } from '../contract.js';
import type { NetsuiteResilience } from '../netsuite/config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from '../netsuite/sandbox-harness.js';
import { captureLogger, sandboxAdapter } from '../netsuite/test-support.js';
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
  const app = new Hono<AppEnv>();
  app.use('*', requestContext({ logger: captureLogger().logger, clock: systemClock, deadlineMs: options.deadlineMs ?? 3_000 }));
  app.route('/system/v1/erp', createErpRouter({ erp: adapter.erp }));
  app.onError(onError);
  return app;
};

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
    it('when no limit is given, answers 200 with every open invoice (up to 20), validating against Invoice[]', async () => {
      const res = await createTestErpApp().request('/system/v1/erp/customers/8812/invoices');
      expect(res.status).toBe(200);
      const invoices = z.array(InvoiceSchema).parse(await res.json());
      expect(invoices.map((i) => i.number)).toEqual(['INV-10422', 'INV-10488']);
      expect((await sandbox.requests()).find((r) => r.path.endsWith('/suiteql'))?.query.limit).toBe('20');
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
});
