import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { systemClock, type Clock } from '../../shared/clock.js';
import { createLocalKeySource, type KeySource } from '../../policies/oauth/key-source.js';

export const TEST_ISSUER = 'https://idp.test.strata.local';
export const TEST_AUDIENCE = 'https://api.strata.local';

/**
 * Claims to put in a token. A key set to `undefined` is left out, so a test can drop a required
 * claim: `mint({ jti: undefined })`.
 */
export type ClaimOverrides = Readonly<Record<string, unknown>>;
/** Protected header fields; `undefined` removes one (`{ typ: undefined }`). */
export type HeaderOverrides = Readonly<Record<string, unknown>>;

const compact = (record: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

/** Signs `claims` exactly as given (no defaults) with a private JWK; `header` is merged over `{ alg, kid }`. */
export const signJwt = async (privateJwk: JWK, claims: ClaimOverrides, header: HeaderOverrides = {}): Promise<string> => {
  const alg = (header['alg'] as string | undefined) ?? privateJwk.alg ?? 'RS256';
  const key = await importJWK(privateJwk, alg);
  const protectedHeader = compact({ alg, kid: privateJwk.kid, ...header }) as { alg: string };
  return new SignJWT(compact(claims) as JWTPayload).setProtectedHeader(protectedHeader).sign(key);
};

export interface AccessTokenClaimsInput {
  readonly issuer: string;
  readonly audience: string;
  readonly clock: Clock;
}

/** Valid RFC 9068 access-token claims for five minutes from now, with overrides applied. */
export const accessTokenClaims = ({ issuer, audience, clock }: AccessTokenClaimsInput, overrides: ClaimOverrides = {}): ClaimOverrides => {
  const now = Math.floor(clock.now() / 1000);
  return {
    iss: issuer,
    aud: audience,
    sub: 'test-client',
    client_id: 'test-client',
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    scope: 'erp:read',
    ...overrides,
  };
};

export interface TestKeys {
  /** The public key set, as an issuer would publish it. */
  readonly jwks: JSONWebKeySet;
  readonly privateJwk: JWK;
  readonly kid: string;
  readonly keySource: KeySource;
  readonly issuer: string;
  readonly audience: string;
  /** A valid access token (typ at+jwt, kid set, 5 minutes), with claim and header overrides. */
  mint(claims?: ClaimOverrides, header?: HeaderOverrides): Promise<string>;
  /** `alg: none`, no signature (RFC 8725 §3.2). */
  unsigned(claims?: ClaimOverrides): string;
  /** HS256 with the public key's PEM as the HMAC secret: the classic key-confusion forgery. */
  hs256WithPublicKey(claims?: ClaimOverrides): Promise<string>;
  /** The same claims signed by a different key under our kid (or any other header). */
  signedByStranger(claims?: ClaimOverrides, header?: HeaderOverrides): Promise<string>;
}

/** A new RS256 (or ES256) key pair as JWKs with a thumbprint kid. */
export const generateTestKeyPair = async (alg: 'RS256' | 'ES256' = 'RS256'): Promise<{ privateJwk: JWK; publicJwk: JWK; publicKey: CryptoKey }> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateJwk: { ...(await exportJWK(privateKey)), alg, kid, use: 'sig' }, publicJwk: { ...publicJwk, alg, kid, use: 'sig' }, publicKey };
};

/**
 * A signing key for fast route tests with `app.request()` (no IdP), and for forging each kind of bad
 * token. Pass `keySource` to the verifier and mint tokens it accepts.
 *
 * @example
 * const keys = await createTestKeys()
 * const verifier = createAccessTokenVerifier({ issuer: keys.issuer, audience: keys.audience, keys: keys.keySource, clock: systemClock })
 * await app.request('/x', { headers: { authorization: `Bearer ${await keys.mint({ scope: 'erp:read' })}` } })
 */
export const createTestKeys = async (
  options: { issuer?: string; audience?: string; clock?: Clock; alg?: 'RS256' | 'ES256' } = {},
): Promise<TestKeys> => {
  const issuer = options.issuer ?? TEST_ISSUER;
  const audience = options.audience ?? TEST_AUDIENCE;
  const clock = options.clock ?? systemClock;
  const { privateJwk, publicJwk, publicKey } = await generateTestKeyPair(options.alg);
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const claims = (overrides?: ClaimOverrides) => accessTokenClaims({ issuer, audience, clock }, overrides);

  return {
    jwks,
    privateJwk,
    kid: privateJwk.kid!,
    keySource: createLocalKeySource(jwks),
    issuer,
    audience,
    mint: (overrides, header) => signJwt(privateJwk, claims(overrides), { typ: 'at+jwt', ...header }),
    unsigned: (overrides) => {
      const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
      return `${encode({ alg: 'none', typ: 'at+jwt', kid: privateJwk.kid })}.${encode(compact(claims(overrides)))}.`;
    },
    hs256WithPublicKey: async (overrides) => {
      const secret = new TextEncoder().encode(await exportSPKI(publicKey));
      return new SignJWT(compact(claims(overrides)) as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: privateJwk.kid! }).sign(secret);
    },
    signedByStranger: async (overrides, header) => {
      const stranger = await generateTestKeyPair(options.alg);
      return signJwt(stranger.privateJwk, claims(overrides), { typ: 'at+jwt', kid: privateJwk.kid, ...header });
    },
  };
};

/** Changes one claim in the payload and keeps the original signature (RELIABILITY.md A3). */
export const tamperPayload = (token: string, changes: ClaimOverrides): string => {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
  return `${header}.${base64url.encode(JSON.stringify({ ...claims, ...changes }))}.${signature}`;
};

/** Flips one character of the signature (RELIABILITY.md A3). */
export const tamperSignature = (token: string): string => {
  const [header, payload, signature] = token.split('.');
  const first = signature![0] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${first}${signature!.slice(1)}`;
};
