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

describe('createApp: CORS for configured origins only', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ config: { corsOrigins: ['https://crm.example.com'] } })));
  afterAll(() => t.close());

  it('when a configured origin sends a preflight, allows it with the headers a browser client needs', async () => {
    const r = await t.app.request('/process/v1/credit-checks', {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('when another origin asks, grants nothing', async () => {
    const r = await t.get('/system/v1/erp/customers/8812', 'erp:read', { headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the rate-limit and trace headers to the configured origin', async () => {
    const r = await t.get('/system/v1/erp/customers/8812', 'erp:read', { headers: { origin: 'https://crm.example.com' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    expect(r.headers.get('access-control-expose-headers')).toContain('RateLimit');
  });
});
