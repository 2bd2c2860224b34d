/**
 * The oauth policy end to end over real HTTP on loopback: a real oidc-provider issuer, a JWKS
 * endpoint we can count and break, the remote key source, and the gateway served by @hono/node-server.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JSONWebKeySet } from 'jose';
import { createManualClock } from '../../shared/clock.js';
import { startTestIssuer, type TestIssuer } from '../../test/harness/test-issuer.js';
import { generateTestKeyPair, signJwt } from '../../test/harness/test-tokens.js';
import { createRemoteKeySource, type RemoteKeySourceOptions } from './remote-key-source.js';
import { captureLogs, createOauthTestApp, CUSTOMER_PATH, serveOnLoopback } from './test-support.js';
import { createAccessTokenVerifier } from './verifier.js';

const CUSTOMER = `${CUSTOMER_PATH}/C-1001`;

/** A loopback JWKS endpoint that serves a document we control, counting hits; `down` makes it answer 503. */
const startCountingJwks = async (initial: JSONWebKeySet) => {
  const state = { jwks: initial, hits: 0, down: false };
  const server = createServer((_req, res) => {
    state.hits += 1;
    if (state.down) return res.writeHead(503).end('unavailable');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

describe('oauth policy with a real issuer over HTTP', () => {
  let idp: TestIssuer;
  let jwks: Awaited<ReturnType<typeof startCountingJwks>>;
  let idpJwks: JSONWebKeySet;
  const logs = captureLogs();
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    idp = await startTestIssuer();
    idpJwks = (await (await fetch(idp.jwksUri)).json()) as JSONWebKeySet;
    jwks = await startCountingJwks(idpJwks);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await jwks.close();
    await idp.close();
  });
  beforeEach(() => {
    jwks.state.jwks = idpJwks;
    jwks.state.hits = 0;
    jwks.state.down = false;
  });

  /** A gateway (test app) whose key source reads the counting JWKS endpoint, on a manual clock. */
  const startGateway = async (keyOptions: Partial<RemoteKeySourceOptions> = {}) => {
    const clock = createManualClock(Date.now());
    const keys = createRemoteKeySource({ jwksUri: jwks.url, clock, logger: logs.logger, ...keyOptions });
    const verifier = createAccessTokenVerifier({ issuer: idp.issuer, audience: idp.audience, keys, clock });
    const server = await serveOnLoopback(createOauthTestApp({ verifier, logger: logs.logger }).app.fetch);
    closers.push(server.close);
    const get = (token?: string) => fetch(`${server.url}${CUSTOMER}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { clock, get, url: server.url };
  };

  it('when the CRM integration presents a token from the issuer, answers 200 as that client', async () => {
    const gw = await startGateway();
    const res = await gw.get(await idp.token('crm-integration'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, clientId: 'crm-integration' });
  });

  it('when the partner (accounts:read only) calls an erp:read route, answers 403 insufficient_scope', async () => {
    const gw = await startGateway();
    const res = await gw.get(await idp.token('partner'));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="insufficient_scope", scope="erp:read"');
  });

  describe('A5 tokens that are not access tokens, signed with the IdP key', () => {
    it('when a token forged with the IdP key has typ at+jwt, accepts it (control)', async () => {
      const gw = await startGateway();
      expect((await gw.get(await idp.forge({ client_id: 'crm-integration', scope: 'erp:read' }))).status).toBe(200);
    });

    it.each([
      ['typ JWT', {}, { typ: 'JWT' }],
      ['no typ', {}, { typ: undefined }],
      ['an ID token shape (aud = client id, nonce, typ JWT)', { aud: 'crm-integration', nonce: 'n-1', auth_time: 1, azp: 'crm-integration' }, { typ: 'JWT' }],
    ])('when the IdP-signed token has %s, answers 401 invalid_token', async (_label, claims, header) => {
      const gw = await startGateway();
      const res = await gw.get(await idp.forge({ scope: 'erp:read', ...claims }, header));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gw", error="invalid_token"');
    });

    it('when the IdP-signed token names the issuer with a trailing slash (A6), answers 401', async () => {
      const gw = await startGateway();
      expect((await gw.get(await idp.forge({ iss: `${idp.issuer}/` }))).status).toBe(401);
    });
  });

  describe('A9 unknown kid', () => {
    it('when 50 requests carry random kids, the JWKS is fetched once more per cooldown, and all answer 401', async () => {
      const gw = await startGateway();
      expect((await gw.get(await idp.token('crm-integration'))).status).toBe(200);
      expect(jwks.state.hits).toBe(1);
      gw.clock.advance(30_000);

      const stranger = await generateTestKeyPair();
      const spray = async () => {
        const tokens = await Promise.all(
          Array.from({ length: 50 }, () => signJwt(stranger.privateJwk, { ...validClaims(idp, gw.clock.now()) }, { typ: 'at+jwt', kid: randomUUID() })),
        );
        return Promise.all(tokens.map(async (t) => (await gw.get(t)).status));
      };
      expect(new Set(await spray())).toEqual(new Set([401]));
      expect(jwks.state.hits).toBe(2);
      expect(new Set(await spray())).toEqual(new Set([401]));
      expect(jwks.state.hits).toBe(2);
    });

    it('when the IdP rotates to a new key, the first token with the new kid triggers a refetch and answers 200', async () => {
      const gw = await startGateway();
      expect((await gw.get(await idp.token('crm-integration'))).status).toBe(200);
      const rotated = await generateTestKeyPair();
      jwks.state.jwks = { keys: [...idpJwks.keys, rotated.publicJwk] };
      gw.clock.advance(30_000);
      const token = await signJwt(rotated.privateJwk, validClaims(idp, gw.clock.now()), { typ: 'at+jwt' });
      expect((await gw.get(token)).status).toBe(200);
      expect(jwks.state.hits).toBe(2);
    });
  });

  describe('A10 JWKS endpoint down', () => {
    it('when the JWKS goes down after the keys were loaded, tokens still verify with the last-known keys', async () => {
      const gw = await startGateway({ maxAgeMs: 60_000, staleMaxAgeMs: 3_600_000 });
      expect((await gw.get(await idp.forge({}, {}, gw.clock))).status).toBe(200);
      jwks.state.down = true;
      gw.clock.advance(120_000);
      const res = await gw.get(await idp.forge({ jti: randomUUID() }, {}, gw.clock));
      expect(res.status).toBe(200);
      expect(jwks.state.hits).toBe(2); // it did try to refresh
    });

    it('when the last-known keys are older than the stale limit, answers 503 with Retry-After: 5 (never fails open)', async () => {
      const gw = await startGateway({ maxAgeMs: 60_000, staleMaxAgeMs: 120_000 });
      expect((await gw.get(await idp.forge({}, {}, gw.clock))).status).toBe(200);
      jwks.state.down = true;
      gw.clock.advance(121_000);
      const res = await gw.get(await idp.forge({ jti: randomUUID() }, {}, gw.clock));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'auth.unavailable', type: 'https://strata.dev/problems/auth-unavailable' });
    });

    it('when the keys were never loaded, answers 503 with Retry-After: 5', async () => {
      jwks.state.down = true;
      const gw = await startGateway();
      const res = await gw.get(await idp.token('crm-integration'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    });
  });

  it('no log line written during these requests contains an access token', async () => {
    const gw = await startGateway();
    const token = await idp.token('operator');
    await gw.get(token);
    expect((await fetch(`${gw.url}${CUSTOMER}?access_token=${token}`)).status).toBe(400);
    expect(logs.text()).not.toContain(token.split('.')[1]!);
    expect(logs.text()).toContain('"status":400');
  });
});

/** Valid access-token claims for the test issuer at `nowMs`. */
const validClaims = (idp: TestIssuer, nowMs: number) => {
  const now = Math.floor(nowMs / 1000);
  return { iss: idp.issuer, aud: idp.audience, sub: 'crm-integration', client_id: 'crm-integration', jti: randomUUID(), iat: now, exp: now + 300, scope: 'erp:read' };
};
