import { createLocalJWKSet, errors as joseErrors, type LocalJWKSet } from 'jose';
import type { Logger } from 'pino';
import { request } from 'undici';
import type { Clock } from '../../shared/clock.js';
import { KeysUnavailableError, usableKeySet, type KeySource } from './key-source.js';

export interface RemoteKeySourceOptions {
  /** The issuer's `jwks_uri`. */
  readonly jwksUri: string;
  readonly clock: Clock;
  /** At most one refetch per cooldown, whatever the number of unknown `kid`s seen (RELIABILITY.md A9). */
  readonly cooldownMs?: number;
  /** A key set older than this is refetched before use. */
  readonly maxAgeMs?: number;
  /** While the issuer is down, the last good key set is used up to this age; then 503 (A10). */
  readonly staleMaxAgeMs?: number;
  readonly timeoutMs?: number;
  /** A JWKS is a few kB; anything much larger is not one. */
  readonly maxBytes?: number;
  readonly logger?: Logger;
}

export interface RemoteKeySource extends KeySource {
  /** Loads the key set now (e.g. at start-up), within the same cooldown rules; true when keys are usable. Never throws. */
  refresh(): Promise<boolean>;
}

/** With no usable keys at all every request is a 503 anyway; retry the issuer about as often as clients are told to (Retry-After: 5). */
const UNAVAILABLE_RETRY_MS = 5_000;

interface CachedKeySet {
  readonly resolve: LocalJWKSet;
  readonly fetchedAt: number;
}

/**
 * The issuer's JWKS over HTTP, with the last good key set kept in memory.
 *
 * - unknown `kid` → one refetch, shared by all concurrent requests (single flight) and at most one
 *   per `cooldownMs`, so a spray of random kids cannot amplify into load on the IdP (A9);
 * - key set older than `maxAgeMs` → refetch; if the IdP is down, times out or sends garbage, keep
 *   using the last good set up to `staleMaxAgeMs` (stale-if-error, A10) — jose's createRemoteJWKSet
 *   alone would fail every request here;
 * - nothing usable → `KeysUnavailableError` (503), never an unverified pass.
 *
 * @example
 * const keys = createRemoteKeySource({ jwksUri: 'https://idp.example.com/jwks', clock: systemClock, logger })
 * await keys.refresh() // optional warm-up
 */
export const createRemoteKeySource = (options: RemoteKeySourceOptions): RemoteKeySource => {
  const { jwksUri, clock, logger } = options;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const staleMaxAgeMs = options.staleMaxAgeMs ?? 86_400_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const url = new URL(jwksUri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('createRemoteKeySource: jwksUri must be an http(s) URL');
  for (const [name, value] of Object.entries({ cooldownMs, maxAgeMs, staleMaxAgeMs, timeoutMs, maxBytes })) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`createRemoteKeySource: ${name} must be a positive number`);
  }
  if (staleMaxAgeMs < maxAgeMs) throw new Error('createRemoteKeySource: staleMaxAgeMs must be at least maxAgeMs');

  let cache: CachedKeySet | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const usable = (): CachedKeySet | undefined => (cache && clock.now() - cache.fetchedAt <= staleMaxAgeMs ? cache : undefined);

  const load = async (): Promise<void> => {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    // undici reports a destroyed body as an 'error' event; nobody else is listening for it.
    const discard = () => res.body.on('error', () => undefined).destroy();
    if (res.statusCode !== 200) {
      discard();
      throw new Error(`JWKS answered HTTP ${res.statusCode}`);
    }
    if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
      discard();
      throw new Error('JWKS response too large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        discard();
        throw new Error('JWKS response too large');
      }
      chunks.push(chunk as Buffer);
    }
    let document: unknown;
    try {
      document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new Error('JWKS response is not JSON');
    }
    cache = { resolve: createLocalJWKSet(usableKeySet(document)), fetchedAt: clock.now() };
  };

  /** Single flight, and gated: one attempt per cooldown (sooner while there are no usable keys at all). */
  const refetch = (): Promise<void> => {
    if (inFlight) return inFlight;
    const now = clock.now();
    const gap = usable() ? cooldownMs : Math.min(cooldownMs, UNAVAILABLE_RETRY_MS);
    if (now - lastAttemptAt < gap) return Promise.resolve();
    lastAttemptAt = now;
    const attempt = load()
      .catch((error: unknown) => {
        // The reason only: never a response body.
        logger?.warn({ jwksUri, reason: error instanceof Error ? error.message : String(error), stale: Boolean(cache) }, 'JWKS refresh failed');
      })
      .finally(() => {
        inFlight = undefined;
      });
    inFlight = attempt;
    return attempt;
  };

  return {
    getKey: async function getKey(protectedHeader, token) {
      if (!cache || clock.now() - cache.fetchedAt >= maxAgeMs) await refetch();
      const current = usable();
      if (!current) throw new KeysUnavailableError();
      try {
        return await current.resolve(protectedHeader, token);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        // Unknown kid: perhaps the IdP rotated its keys. Refetch (gated), then look once more.
        await refetch();
        const next = usable();
        if (!next || next === current) throw error;
        return next.resolve(protectedHeader, token);
      }
    },
    refresh: async function refresh() {
      await refetch();
      return usable() !== undefined;
    },
  };
};
