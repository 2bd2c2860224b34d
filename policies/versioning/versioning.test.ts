import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { createRouter } from '../../shared/http/create-router.js';
import { notFound, onError } from '../../shared/http/on-error.js';
import { createLogger } from '../../shared/logging.js';
import { requestContext } from '../request-context/request-context.js';
import { versioning } from './versioning.js';

const migrationGuide = 'https://docs.strata.dev/system/v1-migration';
const lifecycles = {
  // The dates of RELIABILITY.md J1.
  'system/v1': { deprecation: '2025-12-31T23:59:59Z', sunset: '2026-09-30T23:59:59Z', link: migrationGuide },
  'system/v2': {},
  'process/v1': {},
  'experience/v1': { deprecation: '2027-01-01T00:00:00Z', link: 'https://docs.strata.dev/experience/v1-migration' },
};
const SUNSET = Date.parse('2026-09-30T23:59:59Z');

const createTestApp = () => {
  const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
  const calls = { count: 0 };
  const app = createRouter();
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestContext({ logger: createLogger({ level: 'silent' }), clock, deadlineMs: 5_000 }));
  app.use('*', versioning({ lifecycles, clock }));
  app.get('/system/v1/ping', (c) => {
    calls.count++;
    return c.json({ version: 'v1' });
  });
  app.post('/system/v1/orders', (c) => {
    calls.count++;
    return c.json({ created: true }, 201);
  });
  app.get('/system/v1/failing', () => {
    throw new AppError('vendor.error');
  });
  app.get('/system/v2/ping', (c) => c.json({ version: 'v2' }));
  app.post('/system/v9/orders', (c) => {
    calls.count++; // registered but not configured: must never run
    return c.json({ created: true }, 201);
  });
  app.get('/experience/v1/ping', (c) => c.json({ version: 'v1' }));
  app.get('/health', (c) => c.text('ok'));
  app.get('/system/status', (c) => c.text('status'));
  return { app, clock, calls };
};

const deprecationLinks = `<${migrationGuide}>; rel="deprecation"; type="text/html", <${migrationGuide}>; rel="sunset"; type="text/html"`;

describe('versioning', () => {
  it('when a deprecated version is called, it answers as usual with Deprecation, Sunset and Link (J1)', async () => {
    const { app, calls } = createTestApp();
    const res = await app.request('/system/v1/ping');

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: 'v1' });
    expect(calls.count).toBe(1);
    expect(res.headers.get('deprecation')).toBe('@1767225599');
    expect(res.headers.get('sunset')).toBe('Wed, 30 Sep 2026 23:59:59 GMT');
    expect(res.headers.get('link')).toBe(deprecationLinks);
  });

  it('when a deprecated version answers with an error, the error carries the lifecycle headers too', async () => {
    const { app } = createTestApp();
    for (const path of ['/system/v1/failing', '/system/v1/no-such-route']) {
      const res = await app.request(path);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('deprecation')).toBe('@1767225599');
      expect(res.headers.get('link')).toBe(deprecationLinks);
    }
  });

  it('when a deprecation is announced for a future date, the headers are sent already', async () => {
    const { app } = createTestApp();
    const res = await app.request('/experience/v1/ping');

    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBe(`@${Date.parse('2027-01-01T00:00:00Z') / 1000}`);
    expect(res.headers.get('sunset')).toBeNull();
    expect(res.headers.get('link')).toBe('<https://docs.strata.dev/experience/v1-migration>; rel="deprecation"; type="text/html"');
  });

  it('when a version has no lifecycle dates, no lifecycle headers are added', async () => {
    const { app } = createTestApp();
    const res = await app.request('/system/v2/ping');

    expect(res.status).toBe(200);
    for (const name of ['deprecation', 'sunset', 'link']) expect(res.headers.get(name)).toBeNull();
  });

  it('when the sunset has passed, answers 410 with Sunset and Link rel="sunset" and never runs the handler (J2)', async () => {
    const { app, clock, calls } = createTestApp();
    clock.set(SUNSET - 1);
    expect((await app.request('/system/v1/ping')).status).toBe(200);

    clock.set(SUNSET);
    const res = await app.request('/system/v1/orders', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const body = await res.json();

    expect(res.status).toBe(410);
    expect(body).toMatchObject({ code: 'version.retired', status: 410, type: 'https://strata.dev/problems/version-retired' });
    expect(res.headers.get('link')).toBe(`<${migrationGuide}>; rel="sunset"`);
    expect(res.headers.get('sunset')).toBe('Wed, 30 Sep 2026 23:59:59 GMT');
    expect(calls.count).toBe(1); // only the GET before the sunset
  });

  it('when the version is unknown, answers 404 listing the supported versions of that layer (J3)', async () => {
    const { app, clock, calls } = createTestApp();
    for (const path of ['/system/v9/orders', '/system/v0/orders', '/system/v01/ping']) {
      const res = await app.request(path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      const body = await res.json();
      expect(res.status).toBe(404);
      expect(body).toMatchObject({ code: 'version.unknown', supportedVersions: ['v1', 'v2'] });
    }
    expect(calls.count).toBe(0); // a write never falls through to some other version

    clock.set(SUNSET);
    expect(await (await app.request('/system/v9/ping')).json()).toMatchObject({ supportedVersions: ['v2'] });
    expect(await (await app.request('/process/v2/ping')).json()).toMatchObject({ supportedVersions: ['v1'] });
  });

  it('when the path is not a versioned API path, passes it through untouched', async () => {
    const { app } = createTestApp();
    for (const [path, text] of [
      ['/health', 'ok'],
      ['/system/status', 'status'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(text);
      for (const name of ['deprecation', 'sunset', 'link']) expect(res.headers.get(name)).toBeNull();
    }
  });

  it('when the configuration is bad, throws at construction', () => {
    const clock = createManualClock();
    expect(() => versioning({ lifecycles: { 'system/v1': { deprecation: '2026-06-01T00:00:00Z', sunset: '2026-05-31T23:59:59Z' } }, clock })).toThrow(
      /sunset .* is earlier than deprecation/,
    );
    expect(() => versioning({ lifecycles: { 'system/1': {} }, clock })).toThrow(/is not/);
    expect(() => versioning({ lifecycles: { 'system/v01': {} }, clock })).toThrow(/is not/);
    expect(() => versioning({ lifecycles: { 'system/v1': { sunset: 'next tuesday' } }, clock })).toThrow(/not an RFC 3339/);
    expect(() => versioning({ lifecycles: { 'system/v1': { deprecation: '2026-01-01T00:00:00Z', link: 'javascript:alert(1)' } }, clock })).toThrow(/link/);
  });
});
