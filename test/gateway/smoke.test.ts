import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/test-app.js';

let t: TestApp;
beforeAll(async () => (t = await createTestApp()));
afterAll(() => t.close());

describe('the gateway in sandbox mode', () => {
  it('answers a system read through the whole chain', async () => {
    const r = await t.get('/system/v1/erp/customers/8812', 'erp:read');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id: '8812', legalName: 'Globex GmbH' });
    expect(await t.vendorCalls('netsuite')).toBeGreaterThan(0);
  });
});
