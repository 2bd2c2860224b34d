import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { systemClock } from '../../shared/clock.js';
import { createRouter } from '../../shared/http/create-router.js';
import { onError } from '../../shared/http/on-error.js';
import { createTestKeys, type TestKeys } from '../../test/harness/test-tokens.js';
import { KeysUnavailableError } from './key-source.js';
import { oauth } from './oauth.js';
import { createRouteSecurityTable } from './route-security.js';
import { captureLogs, createOauthTestApp, CUSTOMER_PATH, serveOnLoopback } from './test-support.js';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './verifier.js';

const PROBLEMS = 'https://strata.dev/problems/';
const CUSTOMER = `${CUSTOMER_PATH}/C-1001`;

describe('oauth policy', () => {
  let keys: TestKeys;
  let verifier: AccessTokenVerifier;
  let calls: { verify: number };
  let logs: ReturnType<typeof captureLogs>;
  let app: ReturnType<typeof createOauthTestApp>['app'];
  let unmapped: readonly string[];

  beforeAll(async () => {
    keys = await createTestKeys();
    const real = createAccessTokenVerifier({ issuer: keys.issuer, audience: keys.audience, keys: keys.keySource, clock: systemClock });
    calls = { verify: 0 };
    // Counts verifications, to prove that some inputs never reach JWT parsing.
    verifier = {
      verify: (token) => {
        calls.verify += 1;
        return real.verify(token);
      },
    };
    logs = captureLogs();
    ({ app, unmapped } = createOauthTestApp({ verifier, logger: logs.logger }));
  });

  const get = (path: string, authorization?: string) => app.request(path, authorization === undefined ? {} : { headers: { authorization } });
  const bearer = async (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => `Bearer ${await keys.mint(claims, header)}`;

  const expectProblem = async (res: Response, status: number, slug: string, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, type: PROBLEMS + slug, code, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    return body;
  };

  describe('happy path', () => {
    it('when the token is valid and carries the route scope, runs the handler with the principal', async () => {
      const res = await get(CUSTOMER, await bearer({ client_id: 'crm-integration', scope: 'erp:read crm:read' }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, clientId: 'crm-integration' });
    });

    it('when the Bearer scheme is written in lower case, accepts it (auth schemes are case-insensitive)', async () => {
      const res = await get(CUSTOMER, (await bearer()).replace('Bearer', 'bearer'));
      expect(res.status).toBe(200);
    });

    it('when the route is public (security: []), serves it without a token', async () => {
      expect((await get('/public/ping')).status).toBe(200);
    });

    it('when no route matches, lets the request through to the 404', async () => {
      expect((await get('/no/such/route')).status).toBe(404);
    });
  });

  describe('A1 no credentials', () => {
    it('when there is no Authorization header, answers 401 with a bare Bearer challenge', async () => {
      const res = await get(CUSTOMER);
      await expectProblem(res, 401, 'unauthenticated', 'auth.unauthenticated');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw"');
    });
  });

  describe('A2 malformed credentials', () => {
    const expectInvalidRequest = async (res: Response) => {
      await expectProblem(res, 400, 'invalid-request', 'auth.invalid_request');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="invalid_request"');
    };

    it('when the token is sent in the query string, answers 400 invalid_request even though it is valid', async () => {
      const token = await keys.mint();
      await expectInvalidRequest(await get(`${CUSTOMER}?access_token=${token}`));
      await expectInvalidRequest(await get(`${CUSTOMER}?access_token=${token}`, `Bearer ${token}`));
      expect(logs.text()).not.toContain(token);
    });

    it.each([['Basic Y3JtOnNlY3JldA=='], ['Bearer'], ['Bearer '], ['Token abc'], ['Bearer a b'], ['Bearer a, Bearer b']])(
      'when Authorization is "%s", answers 400 invalid_request',
      async (authorization) => {
        await expectInvalidRequest(await get(CUSTOMER, authorization));
      },
    );

    it('when the server saw two Authorization headers but the request shows one (Node keeps only the first), answers 400 invalid_request', async () => {
      const valid = await bearer();
      const env = { incoming: { rawHeaders: ['host', 'localhost', 'authorization', valid, 'Authorization', valid] } };
      await expectInvalidRequest(await app.request(CUSTOMER, { headers: { authorization: valid } }, env));
      const single = { incoming: { rawHeaders: ['host', 'localhost', 'authorization', valid] } };
      expect((await app.request(CUSTOMER, { headers: { authorization: valid } }, single)).status).toBe(200);
    });

    it('when two Authorization headers arrive over real HTTP, answers 400 invalid_request', async () => {
      const server = await serveOnLoopback(app.fetch);
      try {
        const valid = await bearer();
        const single = await request(`${server.url}${CUSTOMER}`, { headers: { authorization: valid } });
        expect(single.statusCode).toBe(200);
        await single.body.dump();
        const twice = await request(`${server.url}${CUSTOMER}`, { headers: ['authorization', valid, 'authorization', valid] });
        expect(twice.statusCode).toBe(400);
        expect(twice.headers['www-authenticate']).toBe('Bearer realm="gw", error="invalid_request"');
        await twice.body.dump();
      } finally {
        await server.close();
      }
    });
  });

  describe('A3–A8 invalid tokens', () => {
    const expectInvalidToken = async (res: Response, challenge = 'Bearer realm="gw", error="invalid_token"') => {
      const body = await expectProblem(res, 401, 'invalid-token', 'auth.invalid_token');
      expect(res.headers.get('www-authenticate')).toBe(challenge);
      // The same generic detail whatever check failed.
      expect(body['detail']).toBe('The access token is not valid for this API.');
    };

    it.each([
      ['a forged signature (A3)', () => keys.signedByStranger()],
      ['alg none (A4)', async () => keys.unsigned()],
      ['HS256 with the public key as secret (A4)', () => keys.hs256WithPublicKey()],
      ['typ JWT (A5)', () => keys.mint({}, { typ: 'JWT' })],
      ['an issuer with a trailing slash (A6)', () => keys.mint({ iss: `${keys.issuer}/` })],
      ['another audience (A6)', () => keys.mint({ aud: 'https://other-api.example' })],
      ['iat 2 minutes in the future (A7)', () => keys.mint({ iat: Math.floor(Date.now() / 1000) + 120 })],
      ['no exp (A8)', () => keys.mint({ exp: undefined })],
      ['no client_id (A8)', () => keys.mint({ client_id: undefined })],
    ])('when the token has %s, answers 401 invalid_token', async (_label, token) => {
      await expectInvalidToken(await get(CUSTOMER, `Bearer ${await token()}`));
    });

    it('when the token expired 60 s beyond the skew, says "token expired" in the challenge (A7)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const res = await get(CUSTOMER, await bearer({ iat: now - 900, exp: now - 90 }));
      await expectInvalidToken(res, 'Bearer realm="gw", error="invalid_token", error_description="token expired"');
    });
  });

  describe('A10 keys unavailable', () => {
    it('when the key source has no keys, answers 503 auth.unavailable with Retry-After: 5', async () => {
      const unavailable = createAccessTokenVerifier({
        issuer: keys.issuer,
        audience: keys.audience,
        clock: systemClock,
        keys: {
          getKey: async () => {
            throw new KeysUnavailableError();
          },
        },
      });
      const { app: down } = createOauthTestApp({ verifier: unavailable, logger: captureLogs().logger });
      const res = await down.request(CUSTOMER, { headers: { authorization: await bearer() } });
      await expectProblem(res, 503, 'auth-unavailable', 'auth.unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
    });
  });

  describe('A11 scopes', () => {
    it('when the token lacks the route scope, answers 403 insufficient_scope naming the scope', async () => {
      const res = await get(CUSTOMER, await bearer({ scope: 'crm:read accounts:read' }));
      await expectProblem(res, 403, 'insufficient-scope', 'auth.insufficient_scope');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="insufficient_scope", scope="erp:read"');
    });

    it('when a route needs erp:read AND crm:read, or ops:admin, requires all scopes of one requirement', async () => {
      expect((await get('/reports', await bearer({ scope: 'erp:read' }))).status).toBe(403);
      expect((await get('/reports', await bearer({ scope: 'crm:read' }))).status).toBe(403);
      expect((await get('/reports', await bearer({ scope: 'erp:read crm:read' }))).status).toBe(200);
      expect((await get('/reports', await bearer({ scope: 'ops:admin' }))).status).toBe(200);
      const res = await get('/reports', await bearer({ scope: 'erp:read' }));
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="insufficient_scope", scope="erp:read crm:read"');
    });

    it('when a scope only shares a prefix with the required one, does not count it', async () => {
      expect((await get(CUSTOMER, await bearer({ scope: 'erp:read:all erp:reader' }))).status).toBe(403);
    });
  });

  describe('A13 deny by default', () => {
    it('when an OpenAPI route declares no security, answers 403 forbidden even with a valid token', async () => {
      await expectProblem(await get('/internal/replay', await bearer({ scope: 'ops:admin erp:read' })), 403, 'forbidden', 'auth.forbidden');
      expect(unmapped).toEqual(['GET /internal/replay']);
    });

    it('when a plain Hono route is outside the OpenAPI registry, answers 403 forbidden', async () => {
      await expectProblem(await get('/plain'), 403, 'forbidden', 'auth.forbidden');
    });

    it('when the security table was never loaded, fails closed with a 500 rather than letting the request through', async () => {
      const bare = createRouter();
      bare.onError(onError);
      bare.use('*', oauth({ verifier, security: createRouteSecurityTable() }));
      bare.get('/x', (c) => c.text('reached'));
      const res = await bare.request('/x', { headers: { authorization: await bearer() } });
      expect(res.status).toBe(500);
    });
  });

  describe('A14 oversized Authorization', () => {
    it('when Authorization is 64 KB, answers 431 without parsing it as a JWT', async () => {
      const before = calls.verify;
      const res = await get(CUSTOMER, `Bearer ${'a'.repeat(64 * 1024)}`);
      await expectProblem(res, 431, 'headers-too-large', 'http.headers_too_large');
      expect(calls.verify).toBe(before);
    });

    it('when Authorization is just under the limit, does parse it', async () => {
      const before = calls.verify;
      const res = await get(CUSTOMER, `Bearer ${'a'.repeat(8192 - 'Bearer '.length)}`);
      expect(res.status).toBe(401);
      expect(calls.verify).toBe(before + 1);
    });
  });

  describe('configuration', () => {
    it.each([[{ realm: 'g"w' }], [{ maxAuthorizationBytes: 10 }]])('when given %j, throws at construction', (overrides) => {
      expect(() => oauth({ verifier, security: createRouteSecurityTable(), ...overrides })).toThrow(/oauth:/);
    });
  });

  describe('H3 no token in logs', () => {
    it('when tokens are accepted or refused, no log line contains them, and refusals log the jose code', async () => {
      const accepted = await keys.mint();
      const refused = await keys.mint({ aud: 'https://other-api.example' });
      const expired = await keys.mint({ iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 120 });
      for (const token of [accepted, refused, expired]) await get(CUSTOMER, `Bearer ${token}`);
      await get(`${CUSTOMER}?access_token=${accepted}`);
      const text = logs.text();
      for (const token of [accepted, refused, expired]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[1]!);
      }
      expect(text).toContain('"code":"ERR_JWT_CLAIM_VALIDATION_FAILED"');
      expect(text).toContain('"code":"ERR_JWT_EXPIRED"');
    });
  });
});
