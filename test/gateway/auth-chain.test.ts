import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { accessTokenClaims, signJwt, tamperPayload, tamperSignature, type TestKeys } from '../harness/test-tokens.js';
import { createTestApp, expectProblem, ianaType, rawRequest, socketPeerAddress, strataType, type TestApp } from '../harness/test-app.js';

/**
 * Authentication, authorisation and rate limiting through the whole gateway (RELIABILITY.md A1–A8,
 * A11, A14, C1, C4, C5): one route per layer, real tokens signed by the test key, real vendor sandboxes
 * behind, so "no vendor call" is counted by the sandboxes themselves.
 */
const GLOBEX_CHECK = { crmAccountId: '001Dn00000GlbxAIAR', orderAmount: { amountMinor: 100_00, currency: 'EUR' } };

interface LayerRoute {
  readonly layer: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly scope: string;
  readonly body?: unknown;
}

const ROUTES: readonly LayerRoute[] = [
  { layer: 'system', method: 'GET', path: '/system/v1/erp/customers/8812', scope: 'erp:read' },
  { layer: 'process', method: 'POST', path: '/process/v1/credit-checks', scope: 'credit:check', body: GLOBEX_CHECK },
  { layer: 'experience', method: 'GET', path: '/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', scope: 'accounts:read' },
];

const INVALID_TOKEN_CHALLENGE = 'Bearer realm="gw", error="invalid_token"';
const GENERIC_INVALID_TOKEN_DETAIL = 'The access token is not valid for this API.';

const send = (t: TestApp, route: LayerRoute, headers: Record<string, string>, path = route.path) =>
  t.app.request(path, {
    method: route.method,
    headers: { ...(route.body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(route.body ? { body: JSON.stringify(route.body) } : {}),
  });

const allVendorCalls = async (t: TestApp) => (await t.vendorCalls('netsuite')) + (await t.vendorCalls('salesforce'));

const expectNoRateLimitFields = (res: Response) => {
  expect(res.headers.get('ratelimit')).toBeNull();
  expect(res.headers.get('ratelimit-policy')).toBeNull();
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Each bad token, valid in every other respect, for the route's scope. */
interface BadToken {
  readonly row: string;
  readonly kind: string;
  readonly make: (keys: TestKeys, scope: string) => Promise<string> | string;
  /** Refused as expired: the challenge says so (A7). */
  readonly expired?: boolean;
}

const bad = (row: string, kind: string, make: BadToken['make'], expired = false): BadToken => ({ row, kind, make, expired });

const BAD_TOKENS: readonly BadToken[] = [
  bad('A3', 'a tampered payload (scope raised)', async (k, scope) => tamperPayload(await k.mint({ scope: 'openid' }), { scope })),
  bad('A3', 'a tampered signature', async (k, scope) => tamperSignature(await k.mint({ scope }))),
  bad('A3', 'a signature by another key under our kid', (k, scope) => k.signedByStranger({ scope })),
  bad('A4', 'alg none', (k, scope) => k.unsigned({ scope })),
  bad('A4', 'HS256 keyed with our public key', (k, scope) => k.hs256WithPublicKey({ scope })),
  bad('A4', 'RS512 (outside the allow-list) by our own key', (k, scope) =>
    signJwt(k.privateJwk, accessTokenClaims({ issuer: k.issuer, audience: k.audience, clock: systemClock }, { scope }), { alg: 'RS512', typ: 'at+jwt' })),
  bad('A5', 'typ JWT', (k, scope) => k.mint({ scope }, { typ: 'JWT' })),
  bad('A5', 'no typ (an ID token)', (k, scope) => k.mint({ scope, nonce: 'n-0S6_WzA2Mj', at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }, { typ: undefined })),
  bad('A6', 'the issuer with a trailing slash', (k, scope) => k.mint({ scope, iss: `${k.issuer}/` })),
  bad('A6', 'another issuer', (k, scope) => k.mint({ scope, iss: 'https://idp.evil.example' })),
  bad('A6', 'the audience of another API', (k, scope) => k.mint({ scope, aud: 'https://billing.strata.local' })),
  bad('A7', 'exp 61 s ago (skew is 30 s)', (k, scope) => k.mint({ scope, iat: nowSeconds() - 400, exp: nowSeconds() - 61 }), true),
  bad('A7', 'nbf 2 minutes ahead', (k, scope) => k.mint({ scope, nbf: nowSeconds() + 120 })),
  bad('A7', 'iat 2 minutes ahead', (k, scope) => k.mint({ scope, iat: nowSeconds() + 120 })),
  bad('A8', 'no exp', (k, scope) => k.mint({ scope, exp: undefined })),
  bad('A8', 'no jti', (k, scope) => k.mint({ scope, jti: undefined })),
  bad('A8', 'no client_id', (k, scope) => k.mint({ scope, client_id: undefined })),
  bad('A8', 'no sub', (k, scope) => k.mint({ scope, sub: undefined })),
  bad('A8', 'no iat', (k, scope) => k.mint({ scope, iat: undefined })),
];

describe.each(ROUTES)('$method $path ($layer layer)', (route) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('when no Authorization header is sent, answers 401 with Bearer realm="gw", no RateLimit fields and no vendor call (A1)', async () => {
    const before = await allVendorCalls(t);
    const res = await send(t, route, {});
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw"');
    expectNoRateLimitFields(res);
    await expectProblem(res, 401, 'auth.unauthenticated', strataType('unauthenticated'));
    expect(await allVendorCalls(t)).toBe(before);
  });

  it.each(BAD_TOKENS)('when the token has $row: $kind, answers 401 invalid_token, generic and without a vendor call', async ({ make, expired }) => {
    const before = await allVendorCalls(t);
    const res = await send(t, route, { authorization: `Bearer ${await make(t.keys, route.scope)}` });
    expect(res.headers.get('www-authenticate')).toBe(expired ? `${INVALID_TOKEN_CHALLENGE}, error_description="token expired"` : INVALID_TOKEN_CHALLENGE);
    expectNoRateLimitFields(res);
    const { body } = await expectProblem(res, 401, 'auth.invalid_token', strataType('invalid-token'));
    expect(body.detail).toBe(GENERIC_INVALID_TOKEN_DETAIL);
    expect(await allVendorCalls(t)).toBe(before);
  });

  it.each([
    ['the Basic scheme', { authorization: 'Basic Y3JtOnNlY3JldA==' }, route.path],
    ['Bearer with no token', { authorization: 'Bearer ' }, route.path],
    ['a token in the query string', {}, `${route.path}?access_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln`],
  ])('when credentials come with %s, answers 400 invalid_request without a vendor call (A2)', async (_kind, headers, path) => {
    const before = await allVendorCalls(t);
    const res = await send(t, route, headers, path);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="invalid_request"');
    await expectProblem(res, 400, 'auth.invalid_request', strataType('invalid-request'));
    expect(await allVendorCalls(t)).toBe(before);
  });

  it('when the token lacks the route scope, answers 403 insufficient_scope naming it, without a vendor call (A11)', async () => {
    const before = await allVendorCalls(t);
    const res = await send(t, route, { authorization: `Bearer ${await t.token('pii:read')}` });
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="gw", error="insufficient_scope", scope="${route.scope}"`);
    await expectProblem(res, 403, 'auth.insufficient_scope', strataType('insufficient-scope'));
    expect(await allVendorCalls(t)).toBe(before);
  });

  // Last: a passing call may warm caches that would hide a vendor call in the tests above.
  it('when the token expired 10 s ago (within the 30 s skew), it is accepted (A7)', async () => {
    const token = await t.keys.mint({ scope: route.scope, client_id: 'crm-integration', sub: 'crm-integration', iat: nowSeconds() - 400, exp: nowSeconds() - 10 });
    const res = await send(t, route, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
  });
});

describe('credentials on the wire', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('when two Authorization headers are sent over HTTP, answers 400 invalid_request (A2)', async () => {
    const server = await t.listen();
    const token = await t.token('erp:read');
    const res = await rawRequest(`${server.url}/system/v1/erp/customers/8812`, {
      headers: [
        ['authorization', `Bearer ${token}`],
        ['authorization', `Bearer ${token}`],
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="gw", error="invalid_request"');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'auth.invalid_request', type: strataType('invalid-request') });
  });

  it('when the Authorization header is 64 KiB, answers 431 without parsing it (A14)', async () => {
    const before = await allVendorCalls(t);
    const res = await t.app.request('/system/v1/erp/customers/8812', { headers: { authorization: `Bearer ${'a'.repeat(64 * 1024)}` } });
    await expectProblem(res, 431, 'http.headers_too_large', strataType('headers-too-large'));
    expect(await allVendorCalls(t)).toBe(before);
  });
});

describe('rate limiting through the gateway (limit 3 per 60 s)', () => {
  const PLAN = { rateLimit: { defaultPlan: { limit: 3, windowSeconds: 60 }, plans: {}, clients: {} } };
  const PATH = '/system/v1/erp/customers/8812';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: PLAN });
  });
  afterAll(() => t.close());

  const tokenFor = (clientId: string) => t.keys.mint({ scope: 'erp:read', client_id: clientId, sub: clientId });

  it('when a client exceeds its quota, answers 3 × 200 with RateLimit fields, then 429 quota-exceeded without a vendor call (C1)', async () => {
    const token = await tokenFor('c1-client');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.app.request(PATH, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
      remaining.push(/^"default";r=(\d+);t=\d+$/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? 'missing');
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const before = await allVendorCalls(t);
    const res = await t.app.request(PATH, { headers: { authorization: `Bearer ${token}` } });
    const resetSeconds = Number(/^"default";r=0;t=(\d+)$/.exec(res.headers.get('ratelimit') ?? '')?.[1]);
    expect(resetSeconds).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(resetSeconds);
    const { body } = await expectProblem(res, 429, 'rate_limit.quota_exceeded', ianaType('quota-exceeded'));
    expect(body['violated-policies']).toEqual(['default']);
    expect(await allVendorCalls(t)).toBe(before);
  });

  it('when every request carries a fresh X-Forwarded-For, X-Client-Id and Forwarded, the client is still limited as one (C4)', async () => {
    const token = await tokenFor('c4-client');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.app.request(PATH, {
        headers: {
          authorization: `Bearer ${token}`,
          'x-forwarded-for': `203.0.113.${i + 1}`,
          'x-real-ip': `203.0.113.${i + 1}`,
          forwarded: `for=203.0.113.${i + 1}`,
          'x-client-id': `spoofed-client-${i}`,
        },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // The key is the verified client_id: another client is not affected.
    expect((await t.app.request(PATH, { headers: { authorization: `Bearer ${await tokenFor('c4-other-client')}` } })).status).toBe(200);
  });
});

describe('invalid-token flood (C5)', () => {
  const ATTACKER = '127.0.0.2';
  const VICTIM_HOST = '127.0.0.3';
  const PATH = '/system/v1/erp/customers/8812';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { rateLimit: { defaultPlan: { limit: 3, windowSeconds: 60 }, plans: {}, clients: {} } },
      deps: { clientAddress: socketPeerAddress },
    });
  });
  afterAll(() => t.close());

  it('when one address floods forged tokens naming a victim, it gets 429 after its pre-auth budget, and the victim keeps its full quota', async () => {
    const server = await t.listen();
    const forged = await t.keys.signedByStranger({ scope: 'erp:read', client_id: 'victim-client', sub: 'victim-client' });
    const before = await allVendorCalls(t);
    const flood = [];
    for (let i = 0; i < 70; i++) {
      flood.push(await rawRequest(server.url + PATH, { headers: [['authorization', `Bearer ${forged}`]], localAddress: ATTACKER }));
    }
    const statuses = flood.map((r) => r.status);
    const firstRefusal = statuses.indexOf(429);
    // 60 failures per minute per address; a unit may come back while the flood runs.
    expect(firstRefusal).toBeGreaterThanOrEqual(60);
    expect(firstRefusal).toBeLessThanOrEqual(62);
    expect(new Set(statuses.slice(0, firstRefusal))).toEqual(new Set([401]));
    expect(new Set(statuses.slice(firstRefusal))).toEqual(new Set([429]));
    const refused = flood[firstRefusal]!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit']).toBeUndefined();
    expect(refused.headers['ratelimit-policy']).toBeUndefined();
    expect(JSON.parse(refused.body)).toMatchObject({ type: ianaType('quota-exceeded'), code: 'rate_limit.quota_exceeded' });
    expect(flood.every((r) => r.headers['ratelimit'] === undefined)).toBe(true);
    expect(await allVendorCalls(t)).toBe(before);

    const victim = await rawRequest(server.url + PATH, {
      headers: [['authorization', `Bearer ${await t.keys.mint({ scope: 'erp:read', client_id: 'victim-client', sub: 'victim-client' })}`]],
      localAddress: VICTIM_HOST,
    });
    expect(victim.status).toBe(200);
    expect(victim.headers['ratelimit']).toMatch(/^"default";r=2;t=\d+$/);
  });
});
