import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import type { CallContext } from '../http/app-env.js';
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from '../vendor-http/http-client.js';
import { createVendorCaller } from './vendor-caller.js';

/** A scripted vendor: each call takes the next step; records what was sent. */
const scripted = (steps: (HttpResponse | TransportError)[]) => {
  const sent: HttpRequest[] = [];
  const http: HttpClient = {
    async send(req) {
      sent.push(req);
      const step = steps[Math.min(sent.length - 1, steps.length - 1)]!;
      if (step instanceof TransportError) throw step;
      return step;
    },
    close: async () => undefined,
  };
  return { http, sent };
};

const res = (status: number, headers: Record<string, string> = {}, body = '{}'): HttpResponse => ({ status, headers, body });
const ctx = (budgetMs = 2_000): CallContext => ({
  signal: new AbortController().signal,
  deadlineAt: Date.now() + budgetMs,
  requestId: '4bf92f3577b34da6a3ce929d0e0e4736',
  trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' },
});
const read = { method: 'GET', path: '/customer/1', retry: true } as const;
const write = { method: 'POST', path: '/salesOrder', body: '{}', retry: false } as const;
const caller = (http: HttpClient, breaker = { failureThreshold: 50 }) =>
  createVendorCaller({ vendor: 'netsuite', domain: 'erp', http, clock: systemClock, backoffMs: 1, breaker });

describe('createVendorCaller', () => {
  it('sends our trace id to the vendor with a fresh span id', async () => {
    const v = scripted([res(200)]);
    await caller(v.http).call(read, ctx());
    expect(v.sent[0]?.headers?.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$/);
  });

  it('when a read gets 5xx, retries a bounded number of times, then answers vendor.error for the domain', async () => {
    const v = scripted([res(503)]);
    const r = await caller(v.http).call(read, ctx());
    expect(r).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'erp' } });
    expect(v.sent).toHaveLength(3);
  });

  it('when a read times out once, the retry succeeds', async () => {
    const v = scripted([new TransportError('timeout'), res(200, {}, '{"id":1}')]);
    const r = await caller(v.http).call(read, ctx());
    expect(r.ok && r.value.body).toBe('{"id":1}');
  });

  it('never retries a write the vendor cannot de-duplicate', async () => {
    const v = scripted([new TransportError('timeout')]);
    const r = await caller(v.http).call(write, ctx());
    expect(r.ok ? undefined : r.error.code).toBe('vendor.timeout');
    expect(v.sent).toHaveLength(1);
  });

  it('when the deadline has passed, does not call the vendor at all', async () => {
    const v = scripted([res(200)]);
    const r = await caller(v.http).call(read, { ...ctx(), deadlineAt: Date.now() - 1 });
    expect(r.ok ? undefined : r.error.code).toBe('vendor.timeout');
    expect(v.sent).toHaveLength(0);
  });

  it('when the vendor answers 429, reports its Retry-After and pauses every further call', async () => {
    const v = scripted([res(429, { 'retry-after': '30' }), res(200)]);
    const c = caller(v.http);
    expect(await c.call(read, ctx())).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: 'erp', retryAfterSeconds: 30 } });
    const second = await c.call(read, ctx());
    expect(second.ok ? undefined : second.error).toMatchObject({ code: 'vendor.rate_limited' });
    expect(v.sent).toHaveLength(1);
  });

  it('after repeated failures opens the circuit and answers without calling the vendor', async () => {
    const v = scripted([res(500)]);
    const c = caller(v.http, { failureThreshold: 3 });
    await c.call(read, ctx());
    const before = v.sent.length;
    const r = await c.call(read, ctx());
    expect(r.ok ? undefined : r.error.code).toBe('vendor.circuit_open');
    expect(v.sent.length).toBe(before);
  });

  it('does not follow a redirect', async () => {
    const v = scripted([res(302, { location: 'http://evil.example/' })]);
    const r = await caller(v.http).call(read, ctx());
    expect(r.ok ? undefined : r.error.code).toBe('vendor.error');
    expect(v.sent).toHaveLength(1);
  });

  it('hands 2xx and 4xx responses to the adapter to interpret', async () => {
    const v = scripted([res(404, {}, '{"type":"x"}')]);
    const r = await caller(v.http).call(read, ctx());
    expect(r.ok && r.value.status).toBe(404);
  });
});

describe('createVendorCaller: a 429 without Retry-After', () => {
  it('pauses for the vendor’s own window when one is configured', async () => {
    const v = scripted([res(429)]);
    const c = createVendorCaller({ vendor: 'hubspot', domain: 'crm', http: v.http, clock: systemClock, defaultRetryAfterSeconds: 10 });
    const r = await c.call(read, ctx());
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 10 });
  });
});
