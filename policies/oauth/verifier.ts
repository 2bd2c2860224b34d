import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../shared/clock.js';
import type { Principal } from '../../shared/http/app-env.js';
import { KeysUnavailableError, type KeySource } from './key-source.js';

/** Asymmetric signature algorithms only: never `none`, never HS* (key confusion, RFC 8725 §3.1–3.2). */
const SUPPORTED_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
/** RFC 9068 §2.2. jose checks none of these unless asked; `exp` above all. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'client_id'];
const MAX_CLOCK_TOLERANCE_SECONDS = 60;

export interface AccessTokenVerifierOptions {
  /** Exact `iss` (a trailing-slash variant is a different issuer). */
  readonly issuer: string;
  /** This API's identifier; the token's `aud` must be or contain it. */
  readonly audience: string;
  readonly keys: KeySource;
  readonly clock: Clock;
  readonly algorithms?: readonly string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`; at most 60 s (RELIABILITY.md A7). */
  readonly clockToleranceSeconds?: number;
  /** Verified tokens remembered until they expire (0 disables the cache). */
  readonly cacheSize?: number;
}

export type VerifyFailureReason = 'invalid_token' | 'expired';

export type VerifyResult =
  | { readonly ok: true; readonly principal: Principal }
  /** `code` is jose's error code (or ours) for the log; it is never told to the client. */
  | { readonly ok: false; readonly reason: VerifyFailureReason; readonly code: string };

export interface AccessTokenVerifier {
  /** Throws `KeysUnavailableError` when the issuer's keys cannot be had (503, not 401). */
  verify(token: string): Promise<VerifyResult>;
}

const invalid = (code: string): VerifyResult => ({ ok: false, reason: 'invalid_token', code });
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The claims RFC 9068 asks of a JWT access token, as a Principal; undefined when one is malformed. */
const toPrincipal = (payload: JWTPayload): Principal | undefined => {
  const { sub, jti, exp, scope } = payload;
  const clientId = payload['client_id'];
  if (!isNonEmptyString(clientId) || !isNonEmptyString(sub) || !isNonEmptyString(jti) || typeof exp !== 'number') return undefined;
  if (scope !== undefined && typeof scope !== 'string') return undefined;
  return {
    clientId,
    subject: sub,
    scopes: new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []),
    tokenId: jti,
    expiresAt: exp,
  };
};

/**
 * Verifies RFC 9068 JWT access tokens: signature by the issuer's keys (alg allow-list), `typ: at+jwt`
 * (so an ID token or a plain JWT signed by the same IdP is refused, A5), exact `iss`, our `aud`, the
 * required claims, and `exp` / `nbf` / `iat` within a bounded skew. A verified token is remembered
 * (keyed by its SHA-256, bounded LRU) until it expires, so the hot path does no crypto for a known token.
 *
 * @example
 * const verifier = createAccessTokenVerifier({ issuer, audience: 'https://api.strata.local', keys, clock: systemClock })
 * const result = await verifier.verify(token)
 */
export const createAccessTokenVerifier = (options: AccessTokenVerifierOptions): AccessTokenVerifier => {
  const { issuer, audience, keys, clock } = options;
  const algorithms = [...(options.algorithms ?? ['RS256', 'PS256', 'ES256', 'EdDSA'])];
  const tolerance = options.clockToleranceSeconds ?? 30;
  const cacheSize = options.cacheSize ?? 10_000;
  if (!isNonEmptyString(issuer)) throw new Error('createAccessTokenVerifier: issuer is required');
  if (!isNonEmptyString(audience)) throw new Error('createAccessTokenVerifier: audience is required');
  if (algorithms.length === 0) throw new Error('createAccessTokenVerifier: algorithms must not be empty');
  for (const alg of algorithms) {
    if (!SUPPORTED_ALGORITHMS.has(alg)) throw new Error(`createAccessTokenVerifier: algorithm ${alg} is not allowed (asymmetric signatures only)`);
  }
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new Error(`createAccessTokenVerifier: clockToleranceSeconds must be an integer from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new Error('createAccessTokenVerifier: cacheSize must be a non-negative integer');

  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recently used.
  const verified = new Map<string, Principal>();
  const remember = (key: string, principal: Principal) => {
    if (cacheSize === 0) return;
    verified.delete(key);
    verified.set(key, principal);
    if (verified.size > cacheSize) verified.delete(verified.keys().next().value as string);
  };

  return {
    async verify(token) {
      const nowSeconds = Math.floor(clock.now() / 1000);
      const cacheKey = createHash('sha256').update(token).digest('base64url');
      const known = verified.get(cacheKey);
      if (known) {
        // Same rule as jose's: expired once exp <= now - tolerance.
        if (known.expiresAt <= nowSeconds - tolerance) {
          verified.delete(cacheKey);
          return { ok: false, reason: 'expired', code: 'ERR_JWT_EXPIRED' };
        }
        remember(cacheKey, known);
        return { ok: true, principal: known };
      }

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.getKey, {
          issuer,
          audience,
          typ: 'at+jwt', // jose also accepts `application/at+jwt`
          algorithms,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: tolerance,
          currentDate: new Date(clock.now()),
        }));
      } catch (error) {
        if (error instanceof KeysUnavailableError) throw error;
        if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', code: error.code };
        if (error instanceof joseErrors.JOSEError) return invalid(error.code);
        // Anything else (a malformed input jose did not classify) is still a refusal: never fail open.
        return invalid('ERR_UNCLASSIFIED');
      }
      // jose checks `iat` only against maxTokenAge; a token from the future is refused here (A7).
      if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + tolerance) return invalid('ERR_IAT_IN_FUTURE');
      const principal = toPrincipal(payload);
      if (!principal) return invalid('ERR_CLAIM_TYPES');
      remember(cacheKey, principal);
      return { ok: true, principal };
    },
  };
};
