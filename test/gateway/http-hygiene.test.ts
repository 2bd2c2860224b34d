import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, rawRequest, strataType, type TestApp } from '../harness/test-app.js';

/**
 * HTTP hygiene through the whole gateway (RELIABILITY.md B1–B4, B7–B9): what happens to a request
 * before any handler logic runs, and what every answer carries (problem shape, trace id, security headers).
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimitBytes: 2048 } });
});
afterAll(() => t.close());
afterEach(() => t.clearFaults());

const CREDIT_CHECKS = '/process/v1/credit-checks';
const GLOBEX_CUSTOMER = '/system/v1/erp/customers/8812';
/** Stark is not checked anywhere else in this file: a body that slipped through would cost an ERP call. */
const STARK_CHECK = JSON.stringify({ crmAccountId: '001Dn00000StrkAIAR', orderAmount: { amountMinor: 100_00, currency: 'USD' } });

const allVendorCalls = async () => (await t.vendorCalls('netsuite')) + (await t.vendorCalls('salesforce'));

/** POST /process/v1/credit-checks with a valid `credit:check` token and the body exactly as given. */
const postCreditCheck = async (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  t.app.request(CREDIT_CHECKS, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token('credit:check')}`, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' as const } : {}),
  });

const getWithToken = async (path: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { headers: { authorization: `Bearer ${await t.token('erp:read')}`, ...headers } });

describe('request bodies (B1: size limit)', () => {
  it('when Content-Length is over BODY_LIMIT, answers 413 content-too-large without a vendor call', async () => {
    const before = await allVendorCalls();
    const res = await postCreditCheck('x'.repeat(5_000), { 'content-type': 'application/json', 'content-length': '5000' });
    await expectProblem(res, 413, 'http.content_too_large', strataType('content-too-large'));
    expect(await allVendorCalls()).toBe(before);
  });

  it('when a chunked body without Content-Length grows past the limit, answers 413 and stops reading it', async () => {
    let pulled = 0;
    const megabyte = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 1_024) return controller.close();
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(' '.repeat(1_024)));
      },
    });
    const res = await postCreditCheck(megabyte);
    await expectProblem(res, 413, 'http.content_too_large', strataType('content-too-large'));
    // 2 KiB allowed: a few 1 KiB chunks are read, never the whole megabyte.
    expect(pulled).toBeLessThanOrEqual(8);
  });

  it('when the body is under the limit, it is processed', async () => {
    const res = await postCreditCheck(JSON.stringify({ crmAccountId: '001Dn00000GlbxAIAR', orderAmount: { amountMinor: 100_00, currency: 'EUR' } }));
    expect(res.status).toBe(200);
  });
});

describe('request media types (B2)', () => {
  it.each([
    ['text/plain', () => ({ body: STARK_CHECK, headers: { 'content-type': 'text/plain' } })],
    ['multipart/form-data', () => {
      const form = new FormData();
      form.append('body', STARK_CHECK);
      return { body: form, headers: {} };
    }],
  ] as const)('when the body is %s, answers 415 with Accept-Post: application/json and does not parse it', async (_type, make) => {
    const before = await allVendorCalls();
    const { body, headers } = make();
    const res = await postCreditCheck(body, headers);
    expect(res.headers.get('accept-post')).toBe('application/json');
    await expectProblem(res, 415, 'http.unsupported_media_type', strataType('unsupported-media-type'));
    expect(await allVendorCalls()).toBe(before);
  });

  it('when a text/plain body arrives over HTTP with Content-Length, answers 415 with Accept-Post', async () => {
    const server = await t.listen();
    const res = await rawRequest(server.url + CREDIT_CHECKS, {
      method: 'POST',
      headers: [
        ['authorization', `Bearer ${await t.token('credit:check')}`],
        ['content-type', 'text/plain'],
        ['content-length', String(Buffer.byteLength(STARK_CHECK))],
      ],
      body: STARK_CHECK,
    });
    expect(res.status).toBe(415);
    expect(res.headers['accept-post']).toBe('application/json');
    expect(res.headers['content-type']).toBe('application/problem+json');
  });
});

describe('malformed JSON (B3)', () => {
  it.each([
    ['truncated', '{"crmAccountId":"EchoCanary7","orderAmount":{"amountMi'],
    ['a trailing comma', '{"crmAccountId":"EchoCanary7","orderAmount":{"amountMinor":100,"currency":"EUR"},}'],
    ['empty', ''],
  ])('when the body is %s JSON, answers 400 malformed-json without echoing the input or a parser message', async (_kind, body) => {
    const { text } = await expectProblem(await postCreditCheck(body), 400, 'http.malformed_json', strataType('malformed-json'));
    expect(text).not.toMatch(/EchoCanary7|amountMi|SyntaxError|Unexpected|JSON\.parse|position \d/);
  });

  it('when the body starts with a byte-order mark, answers 400 malformed-json (it is not parsed past the BOM)', async () => {
    const before = await allVendorCalls();
    const { text } = await expectProblem(await postCreditCheck('\uFEFF' + STARK_CHECK), 400, 'http.malformed_json', strataType('malformed-json'));
    expect(text).not.toContain('StrkAIAR');
    expect(await allVendorCalls()).toBe(before);
  });
});

describe('schema violations (B4)', () => {
  const check = (overrides: Record<string, unknown>) => JSON.stringify({ crmAccountId: '001Dn00000StrkAIAR', orderAmount: { amountMinor: 100_00, currency: 'USD' }, ...overrides });

  it('when a required field is missing, answers 422 with a pointer to it', async () => {
    const { body } = await expectProblem(await postCreditCheck(JSON.stringify({ orderAmount: { amountMinor: 100, currency: 'EUR' } })), 422, 'http.validation', strataType('validation'));
    expect(body.errors).toEqual([{ pointer: '/crmAccountId', detail: expect.any(String) }]);
  });

  it('when a field has the wrong type, answers 422 pointing at /orderAmount/amountMinor and never echoes the value', async () => {
    const { body, text } = await expectProblem(
      await postCreditCheck(check({ orderAmount: { amountMinor: 'RejectedValue-93', currency: 'USD' } })),
      422,
      'http.validation',
      strataType('validation'),
    );
    expect(body.errors).toEqual([{ pointer: '/orderAmount/amountMinor', detail: expect.any(String) }]);
    expect(text).not.toContain('RejectedValue-93');
  });

  it('when unknown properties are sent (isAdmin, a nested price), answers 422 naming each by pointer, without a vendor call', async () => {
    const before = await allVendorCalls();
    const { body, text } = await expectProblem(
      await postCreditCheck(check({ isAdmin: 'root-canary-5521', orderAmount: { amountMinor: 100_00, currency: 'USD', price: 1 } })),
      422,
      'http.validation',
      strataType('validation'),
    );
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/isAdmin', detail: 'unknown property' },
        { pointer: '/orderAmount/price', detail: 'unknown property' },
      ]),
    );
    expect(body.errors).toHaveLength(2);
    expect(text).not.toContain('root-canary-5521');
    expect(await allVendorCalls()).toBe(before);
  });
});

describe('ids in paths (B7)', () => {
  it.each([
    ['/system/v1/erp/customers/..%2F8812', 422],
    ['/system/v1/erp/customers/%2e%2e%2f8812', 422],
    ['/system/v1/erp/customers/8812%3Fx%3D1', 422],
    ['/system/v1/erp/customers/8812%23x', 422],
    ['/system/v1/erp/customers/8812%20OR%201%3D1/credit-profile', 422],
    ['/system/v1/crm/accounts/001Dn00000GlbxAIAR%2F..%2F..', 422],
    ['/system/v1/erp/customers/../8812', 404],
    ['/system/v1/erp/customers/%2e%2e/8812', 404],
  ] as const)('when the path is %s, answers %i without a vendor call', async (path, status) => {
    const before = await allVendorCalls();
    const res = await t.app.request(path, { headers: { authorization: `Bearer ${await t.token('erp:read crm:read')}` } });
    if (status === 422) {
      const { body, text } = await expectProblem(res, 422, 'http.validation', strataType('validation'));
      expect(body.errors).toEqual([{ parameter: expect.stringMatching(/^(customerId|accountId)$/), detail: expect.any(String) }]);
      expect(text).not.toMatch(/8812|GlbxAIAR/);
    } else {
      await expectProblem(res, 404, 'http.not_found', strataType('not-found'));
    }
    expect(await allVendorCalls()).toBe(before);
  });
});

describe('methods (B8)', () => {
  it.each([
    ['PUT', GLOBEX_CUSTOMER, 'GET'],
    ['DELETE', GLOBEX_CUSTOMER, 'GET'],
    ['GET', CREDIT_CHECKS, 'POST'],
    ['PATCH', CREDIT_CHECKS, 'POST'],
  ])('when %s is sent to %s, answers 405 with Allow: %s and no vendor call', async (method, path, allow) => {
    const before = await allVendorCalls();
    const res = await t.app.request(path, { method, headers: { authorization: `Bearer ${await t.token('erp:read credit:check')}` } });
    expect(res.headers.get('allow')).toBe(allow);
    await expectProblem(res, 405, 'http.method_not_allowed', strataType('method-not-allowed'));
    expect(await allVendorCalls()).toBe(before);
  });

  it('when TRACE is sent over HTTP, answers 405 with Allow: GET and does not reflect the request', async () => {
    const server = await t.listen();
    const res = await rawRequest(server.url + GLOBEX_CUSTOMER, { method: 'TRACE', headers: [['x-reflect-canary', 'trace-canary-31']] });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ type: strataType('method-not-allowed'), code: 'http.method_not_allowed', traceId: res.headers['x-request-id'] });
    expect(res.body).not.toContain('trace-canary-31');
  });
});

describe('trace context (B9)', () => {
  const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const CALLER_SPAN_ID = '00f067aa0ba902b7';
  const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

  /** The traceparent NetSuite received for the latest customer read. */
  const vendorTraceparent = async () => {
    const reads = (await t.vendorRequests('netsuite')).filter((r) => r.path === '/services/rest/record/v1/customer/8812');
    return reads.at(-1)?.headers?.traceparent;
  };

  it.each([
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', `00-${CALLER_TRACE_ID}-0000000000000000-01`],
    ['upper-case hex', `00-${CALLER_TRACE_ID.toUpperCase()}-${CALLER_SPAN_ID.toUpperCase()}-01`],
    ['version ff', `ff-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`],
    ['a short trace id', `00-${CALLER_TRACE_ID.slice(1)}-${CALLER_SPAN_ID}-01`],
    ['garbage', 'not-a-traceparent'],
  ])('when traceparent has %s, answers normally under a new trace id, which the vendor receives', async (_kind, traceparent) => {
    const res = await getWithToken(GLOBEX_CUSTOMER, { traceparent, tracestate: 'congo=t61rcWkgMzE' });
    expect(res.status).toBe(200);
    const [, traceId] = TRACEPARENT.exec(res.headers.get('traceparent') ?? '') ?? [];
    expect(traceId).toBeDefined();
    expect(traceId).not.toBe(CALLER_TRACE_ID);
    expect(traceId).not.toMatch(/^0+$/);
    expect(res.headers.get('x-request-id')).toBe(traceId);
    expect(await vendorTraceparent()).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('when traceparent is valid, continues the trace: response and vendor call carry the caller trace id under new span ids', async () => {
    const res = await getWithToken(GLOBEX_CUSTOMER, { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(CALLER_TRACE_ID);
    const [, traceId, spanId] = TRACEPARENT.exec(res.headers.get('traceparent') ?? '') ?? [];
    expect(traceId).toBe(CALLER_TRACE_ID);
    expect(spanId).not.toBe(CALLER_SPAN_ID);
    const [, vendorTraceId, vendorSpanId] = TRACEPARENT.exec((await vendorTraceparent()) ?? '') ?? [];
    expect(vendorTraceId).toBe(CALLER_TRACE_ID);
    expect(vendorSpanId).not.toBe(CALLER_SPAN_ID);
  });

  it('when traceparent is valid and the request fails, the problem carries the caller trace id', async () => {
    const res = await t.app.request('/system/v1/erp/customers/8812', { headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` } });
    const { body } = await expectProblem(res, 401, 'auth.unauthenticated');
    expect(body.traceId).toBe(CALLER_TRACE_ID);
  });
});

describe('every answer', () => {
  it.each(['/nope', '/system/v1/erp/unknown-thing', '/system/v1/ledger/entries/1', '/experience/v1/crm-widgets'])(
    'when the path %s is unknown, answers a 404 problem',
    async (path) => {
      await expectProblem(await t.app.request(path), 404, 'http.not_found', strataType('not-found'));
    },
  );

  it.each([
    ['a 200', () => getWithToken(GLOBEX_CUSTOMER)],
    ['a 401 problem', () => t.app.request(GLOBEX_CUSTOMER)],
    ['a 404 problem', () => t.app.request('/nope')],
  ])('%s carries the security headers and a trace id', async (_kind, send) => {
    const res = await send();
    expect({
      'x-content-type-options': res.headers.get('x-content-type-options'),
      'x-frame-options': res.headers.get('x-frame-options'),
      'referrer-policy': res.headers.get('referrer-policy'),
      'cross-origin-resource-policy': res.headers.get('cross-origin-resource-policy'),
    }).toEqual({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cross-origin-resource-policy': 'same-origin' });
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('traceparent')).toBe(`00-${res.headers.get('x-request-id')}-${res.headers.get('traceparent')!.split('-')[2]}-01`);
  });
});
