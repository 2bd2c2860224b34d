import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFaultInjection, type VendorFaultProfile } from './fault-injection.js';

// A made-up vendor: what a new sandbox supplies, and nothing more.
const ACME: VendorFaultProfile<'quota-spent'> = {
  errorResponse: (fault, status, headers) => new Response(JSON.stringify({ acmeError: fault }), { status, headers: { 'content-type': 'application/json', ...headers } }),
  wrongTypes: () => ({ id: false }),
  htmlPage: '<html><body>acme maintenance</body></html>',
  extraFaults: { 'quota-spent': () => new Response('{"acmeError":"quota"}', { status: 403 }) },
};

describe('createFaultInjection', () => {
  let app: Hono;
  const vendor = (path = '/acme/services/widgets/1', headers: Record<string, string> = {}) => app.request(`http://127.0.0.1:4010${path}`, { headers });
  const control = (method: string, body?: unknown) =>
    app.request('http://127.0.0.1:4010/acme/__sandbox/faults', { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });

  beforeEach(() => {
    const faults = createFaultInjection(ACME);
    const sandbox = new Hono();
    sandbox.route('/__sandbox', faults.routes);
    sandbox.use('/services/*', faults.inject);
    sandbox.get('/services/widgets/:id', (c) => c.json({ id: c.req.param('id'), name: 'Widget' }, 200, { 'x-vendor': 'acme' }));
    sandbox.patch('/services/widgets/:id', (c) => c.body(null, 204));
    app = new Hono().route('/acme', sandbox);
  });

  describe('x-sandbox-fault header', () => {
    it('when it names an error fault, answers with the vendor error body and status, Retry-After as given', async () => {
      const res = await vendor(undefined, { 'x-sandbox-fault': 'rate-limit', 'x-sandbox-retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' });
      expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([429, 'Wed, 21 Oct 2026 07:28:00 GMT', { acmeError: 'rate-limit' }]);
      expect((await vendor(undefined, { 'x-sandbox-fault': 'error503' })).status).toBe(503);
    });

    it("when it names the vendor's own fault, the vendor answers it", async () => {
      const res = await vendor(undefined, { 'x-sandbox-fault': 'quota-spent' });
      expect([res.status, await res.text()]).toEqual([403, '{"acmeError":"quota"}']);
    });

    it('when it names no known fault, answers 400 and does not serve the request', async () => {
      expect((await vendor(undefined, { 'x-sandbox-fault': 'meteor' })).status).toBe(400);
    });
  });

  describe('faults that corrupt the real answer', () => {
    it('malformed keeps the status and headers and cuts the body', async () => {
      const res = await vendor(undefined, { 'x-sandbox-fault': 'malformed' });
      expect([res.status, res.headers.get('x-vendor')]).toEqual([200, 'acme']);
      expect(await res.text()).toBe('{"id":"1","na'); // the first half of {"id":"1","name":"Widget"}
    });

    it("wrong-types serves the vendor's wrongly typed body; trickle still delivers the whole body", async () => {
      expect(await (await vendor(undefined, { 'x-sandbox-fault': 'wrong-types' })).json()).toEqual({ id: false });
      expect(await (await vendor(undefined, { 'x-sandbox-fault': 'trickle', 'x-sandbox-delay-ms': '0' })).json()).toEqual({ id: '1', name: 'Widget' });
    });

    it('html serves the vendor page with a 200', async () => {
      const res = await vendor(undefined, { 'x-sandbox-fault': 'html' });
      expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/html; charset=UTF-8', ACME.htmlPage]);
    });
  });

  describe('redirect', () => {
    it("by default, points at this sandbox's redirect target on the other loopback host name, which answers", async () => {
      const res = await vendor(undefined, { 'x-sandbox-fault': 'redirect' });
      expect([res.status, res.headers.get('location')]).toEqual([302, 'http://localhost:4010/acme/__sandbox/redirect-target']);
      expect(await (await app.request('http://localhost:4010/acme/__sandbox/redirect-target')).json()).toEqual({ followed: true });
    });

    it('when the rule names a location, points there', async () => {
      await control('POST', { fault: 'redirect', location: 'http://127.0.0.1:9/steal' });
      expect((await vendor()).headers.get('location')).toBe('http://127.0.0.1:9/steal');
    });
  });

  describe('control API /__sandbox/faults', () => {
    it('when a rule has times and pathPattern, applies it that often to matching paths, lists what is left, then forgets it', async () => {
      const post = await control('POST', { fault: 'error500', times: 2, pathPattern: '/widgets/2$' });
      expect(post.status).toBe(201);
      expect(await post.json()).toEqual({ faults: [{ fault: 'error500', times: 2, pathPattern: '/widgets/2$', remaining: 2 }] });
      expect((await vendor('/acme/services/widgets/1')).status).toBe(200);
      expect((await vendor('/acme/services/widgets/2')).status).toBe(500);
      expect(await (await control('GET')).json()).toEqual({ faults: [{ fault: 'error500', times: 2, pathPattern: '/widgets/2$', remaining: 1 }] });
      expect((await vendor('/acme/services/widgets/2')).status).toBe(500);
      expect((await vendor('/acme/services/widgets/2')).status).toBe(200);
      expect(await (await control('GET')).json()).toEqual({ faults: [] });
    });

    it('when a rule names a method, faults only requests with that method (the write, not the read of the same path)', async () => {
      await control('POST', { fault: 'error503', method: 'PATCH', pathPattern: '/widgets/1$' });
      expect((await vendor('/acme/services/widgets/1')).status).toBe(200);
      expect((await app.request('http://127.0.0.1:4010/acme/services/widgets/1', { method: 'PATCH' })).status).toBe(503);
      expect((await vendor('/acme/services/widgets/1')).status).toBe(200);
      expect((await app.request('http://127.0.0.1:4010/acme/services/widgets/2', { method: 'PATCH' })).status).toBe(204);
    });

    it('when the rules are deleted, requests are served normally again', async () => {
      await control('POST', { fault: 'quota-spent' });
      expect((await vendor()).status).toBe(403);
      expect((await control('DELETE')).status).toBe(204);
      expect((await vendor()).status).toBe(200);
    });

    it.each([[{ fault: 'meteor' }], [{ fault: 'error500', times: 0 }], [{ fault: 'error500', pathPattern: '(' }], [{ fault: 'error500', extra: 1 }], [{ fault: 'error500', method: 'TRACE' }], ['a bare string']])(
      'when the rule is invalid (%j), answers 400 and sets nothing',
      async (rule) => {
        expect((await control('POST', rule)).status).toBe(400);
        expect(await (await control('GET')).json()).toEqual({ faults: [] });
      },
    );
  });

  it("when a vendor's own fault would shadow a shared one, refuses the profile at start-up", () => {
    expect(() => createFaultInjection<'timeout'>({ ...ACME, extraFaults: { timeout: () => new Response(null) } })).toThrow(/timeout/);
  });
});
