import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, ianaType, strataType, type TestApp } from '../harness/test-app.js';

/**
 * Vendor faults through the whole gateway (RELIABILITY.md E1, E3, E4, E6, E7): the NetSuite sandbox
 * misbehaves on GET /system/v1/erp/customers/8812/credit-profile and the client gets a stable problem
 * naming the domain, never the vendor's words. Tests that trip the circuit breaker or the vendor's
 * pause get an app of their own, so breaker state never leaks between tests.
 */
const CREDIT_PROFILE = '/system/v1/erp/customers/8812/credit-profile';
const RECORD = '/services/rest/record/v1/customer/8812';
/** What NetSuite's error and maintenance pages say; none of it may reach a client or a log. */
const NETSUITE_WORDS = /UNEXPECTED_ERROR|sandbox-7f3a9c|Error ID|o:error|accounts@globex\.example|Internal Server Error|NetSuite|TSTDRV|<html|DOCTYPE/i;

/** A fresh gateway for one test, closed afterwards. */
const withApp = async (options: Parameters<typeof createTestApp>[0], body: (t: TestApp) => Promise<void>) => {
  const t = await createTestApp(options);
  try {
    await body(t);
  } finally {
    await t.close();
  }
};

/** Times one request (the token is minted before the clock starts). */
const timed = async (t: TestApp, path = CREDIT_PROFILE) => {
  const authorization = `Bearer ${await t.token('erp:read')}`;
  const started = performance.now();
  const res = await t.app.request(path, { headers: { authorization } });
  return { res, ms: performance.now() - started };
};

const recordCalls = async (t: TestApp) => (await t.vendorCallsByPath('netsuite'))[RECORD] ?? 0;

describe('E1: NetSuite hangs', () => {
  it('when the credit-profile read times out, answers 504 upstream-timeout naming erp, within the route deadline', () =>
    withApp({ config: { routeDeadlineMs: 1_500 } }, async (t) => {
      await t.fault('netsuite', { fault: 'timeout', pathPattern: '/record/' });
      const { res, ms } = await timed(t);
      const { body, text } = await expectProblem(res, 504, 'vendor.timeout', strataType('upstream-timeout'));
      expect(body.vendor).toBe('erp');
      expect(text).not.toMatch(NETSUITE_WORDS);
      // The deadline, plus a little for the event loop to write the answer.
      expect(ms).toBeLessThan(1_550);
      expect(await recordCalls(t)).toBeGreaterThanOrEqual(1);
      expect(await recordCalls(t)).toBeLessThanOrEqual(3);
    }));
});

describe('E3: NetSuite fails', () => {
  it('when the read keeps failing with 500, answers 502 upstream-error after bounded retries, without the vendor text', () =>
    withApp({}, async (t) => {
      await t.fault('netsuite', { fault: 'error500', pathPattern: '/record/' });
      const { res } = await timed(t);
      const { body, text } = await expectProblem(res, 502, 'vendor.error', strataType('upstream-error'));
      expect(body.vendor).toBe('erp');
      expect(text).not.toMatch(NETSUITE_WORDS);
      expect(await recordCalls(t)).toBe(3);
    }));

  it('when NetSuite fails once and then recovers, the retry answers 200', () =>
    withApp({}, async (t) => {
      await t.fault('netsuite', { fault: 'error503', pathPattern: '/record/', times: 1 });
      const { res } = await timed(t);
      expect(res.status).toBe(200);
      expect(await recordCalls(t)).toBe(2);
    }));

  it('when failures pile up, the breaker opens and answers 503 fast with Retry-After, without a vendor call', () =>
    withApp({}, async (t) => {
      await t.fault('netsuite', { fault: 'error500', pathPattern: '/record/' });
      expect((await timed(t)).res.status).toBe(502);
      await timed(t); // the fifth consecutive failure opens the breaker, during this request

      const before = await t.vendorCalls('netsuite');
      const open = [];
      for (let i = 0; i < 3; i++) open.push(await timed(t));
      for (const { res } of open) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        const { body } = await expectProblem(res, 503, 'vendor.circuit_open', strataType('upstream-unavailable'));
        expect(body.vendor).toBe('erp');
      }
      expect(await t.vendorCalls('netsuite')).toBe(before);
      // Fast: no vendor round trip and no backoff against a breaker that stays open for seconds.
      expect(Math.max(...open.map((o) => o.ms))).toBeLessThan(100);
    }));
});

describe('E4: NetSuite throttles the gateway', () => {
  it('when NetSuite answers 429 with Retry-After: 30, answers 503 temporary-reduced-capacity with Retry-After: 30, and pauses calls', () =>
    withApp({}, async (t) => {
      await t.fault('netsuite', { fault: 'rate-limit', pathPattern: '/record/', retryAfter: 30, times: 1 });
      const { res } = await timed(t);
      expect(res.headers.get('retry-after')).toBe('30');
      const { body } = await expectProblem(res, 503, 'vendor.rate_limited', ianaType('temporary-reduced-capacity'));
      expect(body.vendor).toBe('erp');
      expect(await recordCalls(t)).toBe(1);

      // The vendor is healthy again, but asked for 30 s: the gateway does not call it meanwhile.
      const { res: paused } = await timed(t);
      expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(25);
      expect(Number(paused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
      await expectProblem(paused, 503, 'vendor.rate_limited', ianaType('temporary-reduced-capacity'));
      expect(await recordCalls(t)).toBe(1);
    }));

  it('when NetSuite answers 429 with an HTTP-date 45 s ahead, answers 503 with Retry-After in seconds', () =>
    withApp({}, async (t) => {
      const retryAt = new Date(Date.now() + 45_000).toUTCString();
      await t.fault('netsuite', { fault: 'rate-limit', pathPattern: '/record/', retryAfter: retryAt });
      const { res } = await timed(t);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(40);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(45);
      await expectProblem(res, 503, 'vendor.rate_limited', ianaType('temporary-reduced-capacity'));
    }));
});

describe('E6/E7: NetSuite answers badly', () => {
  // These faults come with a 2xx/3xx: they never trip the breaker, so one app serves them all.
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => t.clearFaults());

  /** Raw-payload markers: the HTML page, the record's own values, the wrong-types filler. */
  const RAW_PAYLOAD = /NetSuite is being upgraded|TSTDRV0000000|billing@globex\.example|<html|DOCTYPE|CUS8812|accounts@globex\.example|DE811907980|"twelve"|twelve/;

  it.each(['html', 'malformed', 'wrong-types'])('when NetSuite sends a %s body with 200, answers 502 upstream-invalid-response; the payload is in neither body nor logs', async (fault) => {
    await t.fault('netsuite', { fault, pathPattern: '/record/' });
    const logsBefore = t.logs.length;
    const { res } = await timed(t);
    const { body, text } = await expectProblem(res, 502, 'vendor.invalid_response', strataType('upstream-invalid-response'));
    expect(body.vendor).toBe('erp');
    expect(text).not.toMatch(RAW_PAYLOAD);
    const lines = t.logs.slice(logsBefore);
    expect(lines.some((l) => l.includes('"invalid vendor response"'))).toBe(true);
    for (const line of lines) expect(line).not.toMatch(RAW_PAYLOAD);
  });

  it('when NetSuite redirects to another host, answers 502 upstream-error and does not follow', async () => {
    await t.fault('netsuite', { fault: 'redirect', pathPattern: '/record/' });
    const { res } = await timed(t);
    const { body } = await expectProblem(res, 502, 'vendor.error', strataType('upstream-error'));
    expect(body.vendor).toBe('erp');
    expect((await t.vendorCallsByPath('netsuite'))['/__sandbox/redirect-target']).toBeUndefined();
  });
});
