import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errors as joseErrors, type JSONWebKeySet } from 'jose';
import { createManualClock } from '../../shared/clock.js';
import { generateTestKeyPair } from '../../test/harness/test-tokens.js';
import { KeysUnavailableError } from './key-source.js';
import { createRemoteKeySource, type RemoteKeySourceOptions } from './remote-key-source.js';

type Behaviour = 'ok' | 'error-500' | 'not-json' | 'hang' | 'redirect' | 'huge' | 'symmetric-only' | 'private-keys';

/** A loopback JWKS endpoint whose answer a test scripts, counting every hit. */
const startJwksServer = async () => {
  const state = { jwks: { keys: [] } as JSONWebKeySet, privateJwks: { keys: [] } as JSONWebKeySet, behaviour: 'ok' as Behaviour, hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits += 1;
    switch (state.behaviour) {
      case 'ok':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.jwks));
      case 'error-500':
        return res.writeHead(500, { 'content-type': 'text/html' }).end('<html>down</html>');
      case 'not-json':
        return res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
      case 'hang':
        return; // never answers
      case 'redirect':
        return res.writeHead(302, { location: 'http://169.254.169.254/jwks' }).end();
      case 'huge':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.jwks.keys, padding: 'x'.repeat(300 * 1024) }));
      case 'private-keys': // a misconfigured IdP publishing its private key
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.privateJwks));
      case 'symmetric-only':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

describe('createRemoteKeySource', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let kid: string;
  let clock: ReturnType<typeof createManualClock>;

  beforeAll(async () => {
    jwks = await startJwksServer();
    const pair = await generateTestKeyPair();
    kid = pair.publicJwk.kid!;
    jwks.state.jwks = { keys: [pair.publicJwk] };
    jwks.state.privateJwks = { keys: [pair.privateJwk] };
  });
  afterAll(() => jwks.close());
  beforeEach(() => {
    jwks.state.behaviour = 'ok';
    jwks.state.hits = 0;
    clock = createManualClock();
  });

  const source = (overrides: Partial<RemoteKeySourceOptions> = {}) => createRemoteKeySource({ jwksUri: jwks.url, clock, ...overrides });
  const header = (k = kid) => ({ alg: 'RS256', kid: k });

  it('when first asked for a key, loads the JWKS once and then serves from memory', async () => {
    const keys = source();
    await Promise.all(Array.from({ length: 10 }, () => keys.getKey(header())));
    await keys.getKey(header());
    expect(jwks.state.hits).toBe(1);
  });

  describe('A9 unknown kid', () => {
    it('when 50 random kids arrive at once, refetches the JWKS once, and not again within the cooldown', async () => {
      const keys = source();
      await keys.getKey(header());
      const spray = () => Promise.allSettled(Array.from({ length: 50 }, () => keys.getKey(header(randomUUID()))));

      const withinCooldownOfLoad = await spray();
      expect(withinCooldownOfLoad.every((r) => r.status === 'rejected')).toBe(true);
      expect(jwks.state.hits).toBe(1);

      clock.advance(30_000);
      const first = await spray();
      expect(first.every((r) => r.status === 'rejected' && r.reason instanceof joseErrors.JWKSNoMatchingKey)).toBe(true);
      expect(jwks.state.hits).toBe(2);

      clock.advance(29_000);
      await spray();
      expect(jwks.state.hits).toBe(2);

      clock.advance(1_000);
      await spray();
      expect(jwks.state.hits).toBe(3);
    });

    it('when the IdP rotated to a new key, fetches the new set and resolves the new kid', async () => {
      const keys = source();
      await keys.getKey(header());
      const rotated = await generateTestKeyPair();
      const previous = jwks.state.jwks;
      jwks.state.jwks = { keys: [...previous.keys, rotated.publicJwk] };
      try {
        clock.advance(30_000);
        await expect(keys.getKey(header(rotated.publicJwk.kid))).resolves.toBeDefined();
        expect(jwks.state.hits).toBe(2);
      } finally {
        jwks.state.jwks = previous;
      }
    });

    it('when a new kid appears within the cooldown of the last fetch, refuses it until the cooldown has passed', async () => {
      const keys = source();
      await keys.getKey(header());
      const rotated = await generateTestKeyPair();
      const previous = jwks.state.jwks;
      jwks.state.jwks = { keys: [...previous.keys, rotated.publicJwk] };
      try {
        await expect(keys.getKey(header(rotated.publicJwk.kid))).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
        clock.advance(30_000);
        await expect(keys.getKey(header(rotated.publicJwk.kid))).resolves.toBeDefined();
      } finally {
        jwks.state.jwks = previous;
      }
    });
  });

  describe('A10 IdP down', () => {
    it.each<Behaviour>(['error-500', 'not-json', 'redirect', 'huge', 'symmetric-only', 'private-keys'])(
      'when the cache is past maxAge and the JWKS answers %s, keeps serving the last-known keys',
      async (behaviour) => {
        const keys = source();
        await keys.getKey(header());
        jwks.state.behaviour = behaviour;
        clock.advance(600_000);
        await expect(keys.getKey(header())).resolves.toBeDefined();
        expect(jwks.state.hits).toBe(2);
      },
    );

    it('when the JWKS request times out, keeps serving the last-known keys', async () => {
      const keys = source({ timeoutMs: 150 });
      await keys.getKey(header());
      jwks.state.behaviour = 'hang';
      clock.advance(600_000);
      await expect(keys.getKey(header())).resolves.toBeDefined();
    });

    it('while the IdP stays down, tries it at most once per cooldown', async () => {
      const keys = source();
      await keys.getKey(header());
      jwks.state.behaviour = 'error-500';
      clock.advance(600_000);
      await Promise.all(Array.from({ length: 20 }, () => keys.getKey(header())));
      clock.advance(10_000);
      await Promise.all(Array.from({ length: 20 }, () => keys.getKey(header())));
      expect(jwks.state.hits).toBe(2);
    });

    it('when the last good key set is older than staleMaxAge, throws KeysUnavailableError (never fails open)', async () => {
      const keys = source({ maxAgeMs: 60_000, staleMaxAgeMs: 120_000 });
      await keys.getKey(header());
      jwks.state.behaviour = 'error-500';
      clock.advance(119_000);
      await expect(keys.getKey(header())).resolves.toBeDefined();
      clock.advance(2_000);
      await expect(keys.getKey(header())).rejects.toBeInstanceOf(KeysUnavailableError);
    });

    it('when no key set was ever loaded, throws KeysUnavailableError', async () => {
      jwks.state.behaviour = 'error-500';
      const keys = source();
      await expect(keys.getKey(header())).rejects.toBeInstanceOf(KeysUnavailableError);
      expect(await keys.refresh()).toBe(false);
    });

    it('when the JWKS host refuses connections from the start, throws KeysUnavailableError', async () => {
      const closed = await startJwksServer();
      await closed.close();
      const keys = createRemoteKeySource({ jwksUri: closed.url, clock });
      await expect(keys.getKey(header())).rejects.toBeInstanceOf(KeysUnavailableError);
    });

    it('when the IdP comes back after an outage with no keys, loads them on the next attempt after 5 s', async () => {
      jwks.state.behaviour = 'error-500';
      const keys = source();
      await expect(keys.getKey(header())).rejects.toBeInstanceOf(KeysUnavailableError);
      jwks.state.behaviour = 'ok';
      await expect(keys.getKey(header())).rejects.toBeInstanceOf(KeysUnavailableError);
      expect(jwks.state.hits).toBe(1);
      clock.advance(5_000);
      await expect(keys.getKey(header())).resolves.toBeDefined();
      expect(jwks.state.hits).toBe(2);
    });
  });

  it('when the cache is past maxAge and the IdP is up, refetches before use', async () => {
    const keys = source();
    await keys.getKey(header());
    clock.advance(599_000);
    await keys.getKey(header());
    expect(jwks.state.hits).toBe(1);
    clock.advance(1_000);
    await keys.getKey(header());
    expect(jwks.state.hits).toBe(2);
  });

  it('when refresh() is called at start-up, loads the keys and reports true', async () => {
    const keys = source();
    expect(await keys.refresh()).toBe(true);
    await keys.getKey(header());
    expect(jwks.state.hits).toBe(1);
  });

  it.each([[{ jwksUri: 'file:///etc/jwks.json' }], [{ cooldownMs: 0 }], [{ timeoutMs: -1 }], [{ maxAgeMs: 100_000, staleMaxAgeMs: 1_000 }]])(
    'when configured with %j, throws at construction',
    (overrides) => {
      expect(() => source(overrides)).toThrow(/createRemoteKeySource/);
    },
  );
});
