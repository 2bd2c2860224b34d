import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { matchedOperation } from '../../shared/http/matched-operation.js';
import type { AccessTokenVerifier } from './verifier.js';
import { KeysUnavailableError } from './key-source.js';
import type { RouteSecurityTable, SecurityRequirement } from './route-security.js';
import { OAUTH2_SCHEME } from '../../shared/auth/scopes.js';

export interface OauthOptions {
  readonly verifier: AccessTokenVerifier;
  /** Filled by `security.load(app.openAPIRegistry.definitions)` once the routes are registered. */
  readonly security: RouteSecurityTable;
  readonly realm?: string;
  /** Longer Authorization headers are refused before any parsing (RELIABILITY.md A14). */
  readonly maxAuthorizationBytes?: number;
  /** The security scheme name routes use in `security` (`{ oauth2: [...] }`). */
  readonly scheme?: string;
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token (the scheme is case-insensitive).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const QUOTABLE = /^[\x20-\x7e]+$/;

/** The raw request headers under @hono/node-server; absent under `app.request()`. */
const rawHeaders = (c: Context): readonly string[] | undefined => {
  const incoming = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming;
  return Array.isArray(incoming?.rawHeaders) ? (incoming.rawHeaders as string[]) : undefined;
};

/** Node's http keeps only the first of several Authorization headers, so count them in the raw list. */
const hasDuplicateAuthorization = (c: Context): boolean => {
  const raw = rawHeaders(c);
  if (!raw) return false;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization' && ++seen > 1) return true;
  }
  return false;
};

/**
 * Authenticates the caller with an RFC 9068 JWT access token and enforces the scopes the matched
 * route declared in its OpenAPI `security` (any one requirement object, all of its scopes).
 * Deny by default: a route with no declared `security` is 403; `security: []` (or an empty
 * requirement `{}`, OpenAPI's "anonymous allowed") is public. Unknown scheme names never match.
 * Errors are thrown as AppError with their `WWW-Authenticate` challenge (RFC 6750 §3) and rendered
 * by the shared onError; the body never says which check failed, and the token is never logged.
 *
 * @example
 * const security = createRouteSecurityTable()
 * app.use('*', oauth({ verifier, security }))
 * // …register routes…
 * security.load(app.openAPIRegistry.definitions)
 */
export const oauth = (options: OauthOptions): MiddlewareHandler<AppEnv> => {
  const { verifier, security } = options;
  const realm = options.realm ?? 'gw';
  const maxAuthorizationBytes = options.maxAuthorizationBytes ?? 8192;
  const scheme = options.scheme ?? OAUTH2_SCHEME;
  if (!QUOTABLE.test(realm) || /["\\]/.test(realm)) throw new Error('oauth: realm must be printable ASCII without quotes or backslashes');
  if (!Number.isInteger(maxAuthorizationBytes) || maxAuthorizationBytes < 256) throw new Error('oauth: maxAuthorizationBytes must be an integer ≥ 256');

  const challenge = (params = '') => `Bearer realm="${realm}"${params}`;
  const invalidRequest = () => new AppError('auth.invalid_request', { headers: { 'WWW-Authenticate': challenge(', error="invalid_request"') } });

  return async function oauth(c, next) {
    const operation = matchedOperation(c);
    if (!operation) return next(); // 404 / 405 are answered later
    const requirements = security.lookup(operation.method, operation.path);
    if (!requirements) throw new AppError('auth.forbidden');
    if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return next(); // public

    const header = c.req.header('authorization');
    if (header !== undefined && header.length > maxAuthorizationBytes) throw new AppError('http.headers_too_large');
    // A token in the URL ends up in logs and caches (RFC 6750 §5.3): refused, even next to a header.
    if (c.req.query('access_token') !== undefined) throw invalidRequest();
    if (header === undefined) throw new AppError('auth.unauthenticated', { headers: { 'WWW-Authenticate': challenge() } });
    if (hasDuplicateAuthorization(c)) throw invalidRequest();
    const match = BEARER.exec(header);
    if (!match) throw invalidRequest(); // other scheme, `Bearer` with no token, or junk

    let result;
    try {
      result = await verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw new AppError('auth.unavailable', { retryAfterSeconds: 5, cause: error });
      throw error;
    }
    if (!result.ok) {
      c.get('logger')?.info({ auth: result.reason, code: result.code }, 'access token refused');
      const description = result.reason === 'expired' ? ', error_description="token expired"' : '';
      throw new AppError('auth.invalid_token', { headers: { 'WWW-Authenticate': challenge(`, error="invalid_token"${description}`) } });
    }

    const { principal } = result;
    const satisfied = requirements.some((requirement) =>
      Object.entries(requirement).every(([name, scopes]) => name === scheme && scopes.every((s) => principal.scopes.has(s))),
    );
    if (!satisfied) {
      const needed = requiredScopes(requirements, scheme);
      c.get('logger')?.info({ auth: 'insufficient_scope', clientId: principal.clientId }, 'access token lacks scope');
      throw new AppError('auth.insufficient_scope', {
        headers: { 'WWW-Authenticate': challenge(`, error="insufficient_scope", scope="${needed}"`) },
      });
    }
    c.set('principal', principal);
    await next();
  };
};

/** The scopes to name in the challenge: those of the first requirement this scheme can satisfy. */
const requiredScopes = (requirements: readonly SecurityRequirement[], scheme: string): string => {
  const first = requirements.find((r) => Object.keys(r).every((name) => name === scheme)) ?? requirements[0] ?? {};
  return Object.values(first).flat().join(' ');
};
