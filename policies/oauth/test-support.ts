/**
 * Test support for the oauth policy's own suites (not product code): a small app with the real
 * request-context policy, the oauth policy and a few routes, and a log capture.
 */
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { createRoute, z } from '@hono/zod-openapi';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../shared/clock.js';
import { createRouter } from '../../shared/http/create-router.js';
import { onError } from '../../shared/http/on-error.js';
import { problemResponses } from '../../shared/http/problem.js';
import { createLogger } from '../../shared/logging.js';
import { requestContext } from '../request-context/request-context.js';
import type { AccessTokenVerifier } from './verifier.js';
import { oauth } from './oauth.js';
import { createRouteSecurityTable } from './route-security.js';

export const CUSTOMER_PATH = '/system/v1/erp/customers';

/** Everything the app logs, as text, to search for secrets. */
export const captureLogs = () => {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => chunks.join('') };
};

const ok = { 200: { description: 'OK', content: { 'application/json': { schema: z.object({ ok: z.boolean(), clientId: z.string().optional() }) } } }, ...problemResponses() };

/**
 * Routes: `GET /system/v1/erp/customers/{customerId}` (erp:read), `GET /reports` (erp:read AND crm:read,
 * or ops:admin), `GET /public/ping` (`security: []`), `GET /internal/replay` (no security declared)
 * and `GET /plain` (a plain Hono route, outside the OpenAPI registry).
 */
export const createOauthTestApp = (deps: { verifier: AccessTokenVerifier; logger: ReturnType<typeof createLogger>; maxAuthorizationBytes?: number }) => {
  const app = createRouter();
  const security = createRouteSecurityTable();
  app.onError(onError);
  app.use('*', requestContext({ logger: deps.logger, clock: systemClock, deadlineMs: 5_000 }));
  app.use('*', oauth({ verifier: deps.verifier, security, ...(deps.maxAuthorizationBytes ? { maxAuthorizationBytes: deps.maxAuthorizationBytes } : {}) }));

  app.openapi(
    createRoute({
      method: 'get',
      path: `${CUSTOMER_PATH}/{customerId}`,
      security: [{ oauth2: ['erp:read'] }],
      request: { params: z.object({ customerId: z.string().max(64) }) },
      responses: ok,
    }),
    (c) => c.json({ ok: true, clientId: c.get('principal')?.clientId }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/reports', security: [{ oauth2: ['erp:read', 'crm:read'] }, { oauth2: ['ops:admin'] }], responses: ok }),
    (c) => c.json({ ok: true, clientId: c.get('principal')?.clientId }, 200),
  );
  app.openapi(createRoute({ method: 'get', path: '/public/ping', security: [], responses: ok }), (c) => c.json({ ok: true }, 200));
  app.openapi(createRoute({ method: 'get', path: '/internal/replay', responses: ok }), (c) => c.json({ ok: true }, 200));
  app.get('/plain', (c) => c.json({ ok: true }));

  const { unmapped } = security.load(app.openAPIRegistry.definitions);
  return { app, unmapped };
};

/** Serves an app on 127.0.0.1, port 0, through @hono/node-server (real HTTP, raw headers available). */
export const serveOnLoopback = async (fetch: (request: Request, env?: unknown) => Response | Promise<Response>) => {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
};
