import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, strataType, type TestApp } from '../harness/test-app.js';

/**
 * Version lifecycle through the whole gateway (RELIABILITY.md J1–J3): configured per layer and major
 * version, announced with Deprecation / Sunset / Link (RFC 9745, RFC 8594), 410 once retired.
 */
const MIGRATION_GUIDE = 'https://docs.strata.dev/migrations/system-v1';
const GLOBEX_CUSTOMER = '/system/v1/erp/customers/8812';

const allVendorCalls = async (t: TestApp) => (await t.vendorCalls('netsuite')) + (await t.vendorCalls('salesforce'));

describe('J1: a deprecated version with a future sunset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { versions: { 'system/v1': { deprecation: '2026-01-01T00:00:00Z', sunset: '2099-09-30T23:59:59Z', link: MIGRATION_GUIDE } } },
    });
  });
  afterAll(() => t.close());

  it('answers as before, with Deprecation, Sunset and both Links exactly', async () => {
    const res = await t.get(GLOBEX_CUSTOMER, 'erp:read');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: '8812', legalName: 'Globex GmbH' });
    expect(res.headers.get('deprecation')).toBe('@1767225600');
    expect(res.headers.get('sunset')).toBe('Wed, 30 Sep 2099 23:59:59 GMT');
    expect(res.headers.get('link')).toBe(`<${MIGRATION_GUIDE}>; rel="deprecation"; type="text/html", <${MIGRATION_GUIDE}>; rel="sunset"; type="text/html"`);
  });

  it('announces it on error responses of that version too', async () => {
    const res = await t.get('/system/v1/erp/customers/424242', 'erp:read');
    expect(res.headers.get('deprecation')).toBe('@1767225600');
    expect(res.headers.get('sunset')).toBe('Wed, 30 Sep 2099 23:59:59 GMT');
    await expectProblem(res, 404, 'erp.customer_not_found', strataType('not-found'));
  });

  it('leaves the other layers untouched', async () => {
    const res = await t.post('/process/v1/credit-checks', 'credit:check', { crmAccountId: '001Dn00000GlbxAIAR', orderAmount: { amountMinor: 100_00, currency: 'EUR' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBeNull();
    expect(res.headers.get('sunset')).toBeNull();
    expect(res.headers.get('link')).toBeNull();
  });
});

describe('J2: a version past its sunset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { versions: { 'system/v1': { deprecation: '2025-01-01T00:00:00Z', sunset: '2025-06-30T23:59:59Z', link: MIGRATION_GUIDE } } },
    });
  });
  afterAll(() => t.close());

  it.each([GLOBEX_CUSTOMER, '/system/v1/crm/accounts/001Dn00000GlbxAIAR'])('answers %s with 410 version-retired and Link rel="sunset", without a vendor call', async (path) => {
    const before = await allVendorCalls(t);
    const res = await t.get(path, 'erp:read crm:read');
    expect(res.headers.get('link')).toBe(`<${MIGRATION_GUIDE}>; rel="sunset"`);
    expect(res.headers.get('sunset')).toBe('Mon, 30 Jun 2025 23:59:59 GMT');
    await expectProblem(res, 410, 'version.retired', strataType('version-retired'));
    expect(await allVendorCalls(t)).toBe(before);
  });

  it('answers 410 even without a token (the version is gone for everyone)', async () => {
    await expectProblem(await t.app.request(GLOBEX_CUSTOMER), 410, 'version.retired', strataType('version-retired'));
  });

  it('leaves the other layers working', async () => {
    expect((await t.get('/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', 'accounts:read')).status).toBe(200);
  });
});

describe('J3: a version that does not exist', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['/system/v9/erp/customers/8812', 'GET'],
    ['/system/v2/erp/customers/8812', 'GET'],
    ['/process/v2/credit-checks', 'POST'],
    ['/experience/v0/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', 'GET'],
  ])('answers %s with 404 unknown-version listing the supported versions, without a vendor call', async (path, method) => {
    const before = await allVendorCalls(t);
    const res = await t.app.request(path, { method, headers: { authorization: `Bearer ${await t.token('erp:read credit:check accounts:read')}` } });
    const { body } = await expectProblem(res, 404, 'version.unknown', strataType('unknown-version'));
    expect(body.supportedVersions).toEqual(['v1']);
    expect(await allVendorCalls(t)).toBe(before);
  });
});
