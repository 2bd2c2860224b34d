import { beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { createManualClock } from '../../shared/clock.js';
import { createTestKeys, generateTestKeyPair, signJwt, tamperPayload, tamperSignature, type TestKeys } from '../../test/harness/test-tokens.js';
import { createLocalKeySource, KeysUnavailableError, type KeySource } from './key-source.js';
import { createAccessTokenVerifier, type AccessTokenVerifierOptions } from './verifier.js';

const START = Date.parse('2026-11-01T12:00:00Z');

describe('createAccessTokenVerifier', () => {
  let keys: TestKeys;
  let clock: ReturnType<typeof createManualClock>;
  const now = () => Math.floor(clock.now() / 1000);

  beforeAll(async () => {
    clock = createManualClock(START);
    keys = await createTestKeys({ clock });
  });

  const verifierWith = (overrides: Partial<AccessTokenVerifierOptions> = {}) =>
    createAccessTokenVerifier({ issuer: keys.issuer, audience: keys.audience, keys: keys.keySource, clock, ...overrides });

  /** Counts key look-ups: a cache hit does none. */
  const counting = (inner: KeySource) => {
    const counter = { calls: 0 };
    const source: KeySource = {
      getKey: (header, token) => {
        counter.calls += 1;
        return inner.getKey(header, token);
      },
    };
    return { source, counter };
  };

  describe('a valid RFC 9068 access token', () => {
    it('when every check passes, returns the principal from client_id, sub, scope, jti and exp', async () => {
      const token = await keys.mint({ client_id: 'crm-integration', sub: 'svc-crm', scope: 'erp:read  crm:read', jti: 'tok-1' });
      const result = await verifierWith().verify(token);
      expect(result).toEqual({
        ok: true,
        principal: { clientId: 'crm-integration', subject: 'svc-crm', scopes: new Set(['erp:read', 'crm:read']), tokenId: 'tok-1', expiresAt: now() + 300 },
      });
    });

    it('when typ is application/at+jwt, accepts it', async () => {
      const result = await verifierWith().verify(await keys.mint({}, { typ: 'application/at+jwt' }));
      expect(result.ok).toBe(true);
    });

    it('when the token has no scope claim, accepts it with no scopes', async () => {
      const result = await verifierWith().verify(await keys.mint({ scope: undefined }));
      expect(result.ok && [...result.principal.scopes]).toEqual([]);
    });
  });

  describe('A3 tampered tokens', () => {
    it('when the payload was changed after signing, refuses it as invalid_token', async () => {
      const token = tamperPayload(await keys.mint({ scope: 'accounts:read' }), { scope: 'ops:admin' });
      expect(await verifierWith().verify(token)).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });

    it('when the signature was changed, refuses it', async () => {
      expect(await verifierWith().verify(tamperSignature(await keys.mint()))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when another key signed it under our kid, refuses it', async () => {
      expect(await verifierWith().verify(await keys.signedByStranger())).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when it is not a JWT at all, refuses it', async () => {
      expect(await verifierWith().verify('not.a.jwt')).toMatchObject({ ok: false, reason: 'invalid_token' });
    });
  });

  describe('A4 algorithms', () => {
    it('when alg is none, refuses it', async () => {
      expect(await verifierWith().verify(keys.unsigned())).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when it is HS256 signed with the public key as the secret (key confusion), refuses it', async () => {
      expect(await verifierWith().verify(await keys.hs256WithPublicKey())).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    });

    it('when the alg is outside the allow-list, refuses it even with a genuine signature', async () => {
      // A published key without `alg`, so only the allow-list stands between RS512 and acceptance.
      const { alg: _alg, ...publicJwk } = keys.jwks.keys[0]! as JWK;
      const { alg: _palg, ...privateJwk } = keys.privateJwk;
      const loose = createLocalKeySource({ keys: [publicJwk] });
      const token = await signJwt({ ...privateJwk }, { ...(await claimsOf(keys)) }, { alg: 'RS512', typ: 'at+jwt' });
      expect(await verifierWith({ keys: loose }).verify(token)).toMatchObject({ ok: false, code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
      expect(await verifierWith({ keys: loose, algorithms: ['RS512'] }).verify(token)).toMatchObject({ ok: true });
    });
  });

  describe('A5 not an access token', () => {
    it.each([['JWT'], ['id_token+jwt']])('when typ is %s, refuses it', async (typ) => {
      expect(await verifierWith().verify(await keys.mint({}, { typ }))).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    });

    it('when typ is missing, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({}, { typ: undefined }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });
  });

  describe('A6 issuer and audience', () => {
    it('when iss has a trailing slash, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({ iss: `${keys.issuer}/` }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when iss is another issuer, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({ iss: 'https://evil.example' }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when aud is another API, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({ aud: 'https://other-api.example' }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when aud is a list that contains ours, accepts it (RFC 9068 allows several audiences)', async () => {
      expect(await verifierWith().verify(await keys.mint({ aud: ['https://other-api.example', keys.audience] }))).toMatchObject({ ok: true });
    });
  });

  describe('A7 time claims, 30 s tolerance', () => {
    it('when exp passed 60 s ago, refuses it as expired', async () => {
      expect(await verifierWith().verify(await keys.mint({ iat: now() - 400, exp: now() - 60 }))).toMatchObject({ ok: false, reason: 'expired' });
    });

    it('when exp passed 20 s ago (within the skew), accepts it', async () => {
      expect(await verifierWith().verify(await keys.mint({ iat: now() - 400, exp: now() - 20 }))).toMatchObject({ ok: true });
    });

    it('when nbf is 61 s in the future, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({ nbf: now() + 61 }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });

    it('when nbf is 20 s in the future, accepts it', async () => {
      expect(await verifierWith().verify(await keys.mint({ nbf: now() + 20 }))).toMatchObject({ ok: true });
    });

    it('when iat is 61 s in the future, refuses it', async () => {
      expect(await verifierWith().verify(await keys.mint({ iat: now() + 61 }))).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_IAT_IN_FUTURE' });
    });

    it('when iat is 20 s in the future, accepts it', async () => {
      expect(await verifierWith().verify(await keys.mint({ iat: now() + 20 }))).toMatchObject({ ok: true });
    });
  });

  describe('A8 required claims', () => {
    it.each(['exp', 'iat', 'jti', 'sub', 'client_id'])('when %s is missing, refuses it', async (claim) => {
      expect(await verifierWith().verify(await keys.mint({ [claim]: undefined }))).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    });

    it.each([
      ['client_id', 42],
      ['sub', ''],
      ['scope', ['erp:read']],
      ['exp', 'tomorrow'],
    ])('when %s has the wrong type, refuses it', async (claim, value) => {
      expect(await verifierWith().verify(await keys.mint({ [claim]: value }))).toMatchObject({ ok: false, reason: 'invalid_token' });
    });
  });

  describe('verified-token cache', () => {
    it('when the same token comes again, answers without a key look-up', async () => {
      const { source, counter } = counting(keys.keySource);
      const verifier = verifierWith({ keys: source });
      const token = await keys.mint();
      expect((await verifier.verify(token)).ok).toBe(true);
      expect((await verifier.verify(token)).ok).toBe(true);
      expect(counter.calls).toBe(1);
    });

    it('when a cached token passes exp beyond the skew, refuses it as expired', async () => {
      const verifier = verifierWith();
      const token = await keys.mint({ exp: now() + 60 });
      expect((await verifier.verify(token)).ok).toBe(true);
      clock.advance(89_000);
      expect((await verifier.verify(token)).ok).toBe(true);
      clock.advance(2_000);
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
    });

    it('when more tokens than cacheSize are verified, forgets the least recently used', async () => {
      const { source, counter } = counting(keys.keySource);
      const verifier = verifierWith({ keys: source, cacheSize: 2 });
      const [a, b, c] = await Promise.all([keys.mint(), keys.mint(), keys.mint()]);
      for (const token of [a!, b!, a!, c!]) await verifier.verify(token); // b is now the least recent
      expect(counter.calls).toBe(3);
      await verifier.verify(a!);
      expect(counter.calls).toBe(3);
      await verifier.verify(b!);
      expect(counter.calls).toBe(4);
    });

    it('when a token is refused, does not remember it', async () => {
      const { source, counter } = counting(keys.keySource);
      const verifier = verifierWith({ keys: source });
      const token = await keys.mint({ aud: 'https://other-api.example' });
      await verifier.verify(token);
      await verifier.verify(token);
      expect(counter.calls).toBe(2);
    });
  });

  describe('keys unavailable', () => {
    it('when the key source has no keys, throws KeysUnavailableError (503 upstream), never a result', async () => {
      const verifier = verifierWith({
        keys: {
          getKey: async () => {
            throw new KeysUnavailableError();
          },
        },
      });
      await expect(verifier.verify(await keys.mint())).rejects.toBeInstanceOf(KeysUnavailableError);
    });
  });

  describe('configuration', () => {
    it.each([
      [{ clockToleranceSeconds: 61 }],
      [{ clockToleranceSeconds: -1 }],
      [{ clockToleranceSeconds: 1.5 }],
      [{ algorithms: ['HS256'] }],
      [{ algorithms: ['none'] }],
      [{ algorithms: [] }],
      [{ issuer: '' }],
      [{ audience: '' }],
      [{ cacheSize: -1 }],
    ])('when given %j, throws at construction', (overrides) => {
      expect(() => verifierWith(overrides as Partial<AccessTokenVerifierOptions>)).toThrow(/createAccessTokenVerifier/);
    });
  });

  it('when an ES256 issuer key is used, verifies with the default allow-list', async () => {
    const ec = await createTestKeys({ clock, alg: 'ES256' });
    const verifier = createAccessTokenVerifier({ issuer: ec.issuer, audience: ec.audience, keys: ec.keySource, clock });
    expect((await verifier.verify(await ec.mint())).ok).toBe(true);
  });

  it('when an unrelated key pair is generated, its token does not verify against our keys', async () => {
    const stranger = await generateTestKeyPair();
    const token = await signJwt(stranger.privateJwk, await claimsOf(keys), { typ: 'at+jwt' });
    expect(await verifierWith().verify(token)).toMatchObject({ ok: false, reason: 'invalid_token', code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});

/** The default claims a minted token carries (decoded from one). */
const claimsOf = async (keys: TestKeys): Promise<Record<string, unknown>> => {
  const token = await keys.mint();
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
};
