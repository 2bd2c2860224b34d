import { createLocalJWKSet, type CompactJWSHeaderParameters, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet } from 'jose';

/**
 * The "keys" port: where the verifier gets the issuer's public signing keys. `getKey` has the shape of
 * a jose key resolver, so it is passed straight to `jwtVerify(token, keySource.getKey, …)`.
 */
export interface KeySource {
  getKey(protectedHeader: CompactJWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey>;
}

/**
 * No usable key set: none was ever loaded, or the last good one is older than the stale limit.
 * Answered with 503 (RELIABILITY.md A10): the client's token may well be valid, so never 401, and
 * never let a token through unverified.
 */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
  constructor(message = 'issuer signing keys are unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

const SIGNATURE_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/**
 * Keeps only public signature keys: a symmetric (`oct`) key or private material in a JWKS is never
 * used to verify (key confusion, RFC 8725 §3.1). Throws when nothing usable is left, so an empty or
 * garbled document never replaces the last good key set.
 */
export const usableKeySet = (document: unknown): JSONWebKeySet => {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new TypeError('JWKS document has no "keys" array');
  const usable = keys.filter(
    (k): k is JSONWebKeySet['keys'][number] =>
      typeof k === 'object' &&
      k !== null &&
      SIGNATURE_KEY_TYPES.has((k as { kty?: unknown }).kty as string) &&
      !('d' in k) &&
      ((k as { use?: unknown }).use === undefined || (k as { use?: unknown }).use === 'sig'),
  );
  if (usable.length === 0) throw new TypeError('JWKS document has no public signature keys');
  return { keys: usable };
};

/**
 * A fixed key set: tests, and an issuer whose keys are known in-process.
 *
 * @example const keys = createLocalKeySource({ keys: [publicJwk] })
 */
export const createLocalKeySource = (jwks: JSONWebKeySet): KeySource => {
  const resolve = createLocalJWKSet(usableKeySet(jwks));
  return {
    getKey: async function getKey(protectedHeader, token) {
      return resolve(protectedHeader, token);
    },
  };
};
