import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createRequestLog } from './request-log.js';

const sandboxWith = (options: { limit: number; requestsInStats?: boolean }) => {
  const log = createRequestLog({ describe: (c) => ({ method: c.req.method, path: c.req.path.replace(/^\/acme/, '') }), ...options });
  const sandbox = new Hono();
  sandbox.route('/__sandbox', log.routes);
  sandbox.use('/services/*', log.record);
  sandbox.all('/services/*', (c) => c.json({ ok: true }));
  const app = new Hono().route('/acme', sandbox);
  return (path: string, method = 'GET') => app.request(`http://sandbox.test/acme${path}`, { method });
};

describe('createRequestLog', () => {
  it('counts vendor requests per path, not control calls, and keeps only the last `limit` requests', async () => {
    const call = sandboxWith({ limit: 2 });
    await call('/services/a');
    await call('/services/b', 'POST');
    await call('/services/a');
    expect(await (await call('/__sandbox/stats')).json()).toEqual({ total: 3, byPath: { '/services/a': 2, '/services/b': 1 } });
    expect(await (await call('/__sandbox/requests')).json()).toEqual({ requests: [{ method: 'POST', path: '/services/b' }, { method: 'GET', path: '/services/a' }] });
  });

  it('when the stats are deleted, zeroes the counts and forgets the requests', async () => {
    const call = sandboxWith({ limit: 10 });
    await call('/services/a');
    expect((await call('/__sandbox/stats', 'DELETE')).status).toBe(204);
    expect(await (await call('/__sandbox/stats')).json()).toEqual({ total: 0, byPath: {} });
    expect(await (await call('/__sandbox/requests')).json()).toEqual({ requests: [] });
  });

  it('when requestsInStats is set, returns the requests with the stats', async () => {
    const call = sandboxWith({ limit: 10, requestsInStats: true });
    await call('/services/a');
    expect(await (await call('/__sandbox/stats')).json()).toEqual({ total: 1, byPath: { '/services/a': 1 }, requests: [{ method: 'GET', path: '/services/a' }] });
  });

  it('when the limit is not a positive integer, refuses the configuration at start-up', () => {
    expect(() => createRequestLog({ describe: (c) => ({ path: c.req.path }), limit: 0 })).toThrow(/limit/);
  });
});
