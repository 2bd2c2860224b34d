import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../harness/test-app.js';

/**
 * A vendor's published limits protect it end to end: configured limits reach the adapter's caller,
 * and a request that finds the budget spent is answered 503 with Retry-After without reaching the
 * vendor — never 429, which would blame the client for a shared upstream quota (RELIABILITY.md E4).
 */
describe('the outbound budget through the gateway', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ vendorLimits: { zendesk: { requests: { limit: 2, windowSeconds: 60 } } } })));
  afterAll(() => t.close());

  it('when the support desk’s requests per window are spent, answers 503 with Retry-After and sends nothing more', async () => {
    const path = '/system/v1/support/organizations/360000008812';
    expect((await t.get(path, 'support:read')).status).toBe(200);
    expect((await t.get(path, 'support:read')).status).toBe(200);
    const before = await t.vendorCalls('zendesk');

    const refused = await t.get(path, 'support:read');
    const { body } = await expectProblem(refused, 503, 'vendor.rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({ vendor: 'support' });
    expect(await t.vendorCalls('zendesk')).toBe(before);
  });

  it('leaves the other vendors’ budgets untouched', async () => {
    expect((await t.get('/system/v1/erp/customers/8812', 'erp:read')).status).toBe(200);
  });
});
