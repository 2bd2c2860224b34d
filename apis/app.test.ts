import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness/test-app.js';

describe('createApp: readiness and draining (RELIABILITY.md G3)', () => {
  let ready = true;
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ deps: { isReady: () => ready } })));
  afterAll(() => t.close());

  it('when serving, /ready and /health answer 200 and connections stay open', async () => {
    ready = true;
    const r = await t.app.request('/ready');
    expect(r.status).toBe(200);
    expect(r.headers.get('connection')).toBeNull();
    expect((await t.app.request('/health')).status).toBe(200);
  });

  it('when draining, /ready answers 503 so the load balancer stops routing, and every response closes its connection', async () => {
    ready = false;
    const r = await t.app.request('/ready');
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: 'draining' });
    const api = await t.get('/system/v1/erp/customers/8812', 'erp:read');
    expect(api.status).toBe(200);
    expect(api.headers.get('connection')).toBe('close');
  });
});
