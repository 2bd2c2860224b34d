// The ServiceNow sandbox's OAuth 2.0: the token endpoint `/oauth_token.do` (three grants), its tokens, and bearer auth on the Table API.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import { SN_TOKEN_PATH } from '../../../../openapi/vendors/servicenow/types.js';
import { notAuthenticated } from './sandbox-faults.js';
import { json } from './sandbox-wire.js';

export interface SandboxCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The integration user the password grant accepts. */
  readonly username: string;
  readonly password: string;
}

const oauthError = (status: 400 | 401, error: string, description: string) => json({ error_description: description, error }, status);
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The access tokens issued (with their expiry) and the refresh tokens. */
export const createTokenStore = (clock: Clock, lifespanSeconds: number) => {
  const tokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  return {
    /** A token response: a new access token, and a refresh token when asked. */
    issue(withRefresh: boolean): Response {
      const accessToken = randomBytes(64).toString('base64url');
      if (tokens.size >= 10_000) tokens.delete(tokens.keys().next().value as string);
      tokens.set(accessToken, clock.now() + lifespanSeconds * 1000);
      const refresh = withRefresh ? randomBytes(64).toString('base64url') : undefined;
      if (refresh) refreshTokens.add(refresh);
      // ServiceNow answers one second under the lifespan.
      return json({ access_token: accessToken, ...(refresh ? { refresh_token: refresh } : {}), scope: 'useraccount', token_type: 'Bearer', expires_in: lifespanSeconds - 1 });
    },
    isRefreshToken: (token: string) => refreshTokens.has(token),
    expiryOf: (accessToken: string) => tokens.get(accessToken),
    /** Every access token expired; refresh tokens still work. */
    expireAccessTokens: () => tokens.clear(),
    clear: () => {
      tokens.clear();
      refreshTokens.clear();
    },
  };
};
export type TokenStore = ReturnType<typeof createTokenStore>;

/** `POST /oauth_token.do`, form encoded: client credentials, password and refresh-token grants. */
export const registerTokenEndpoint = (app: Hono, tokens: TokenStore, credentials: SandboxCredentials): void => {
  app.post(SN_TOKEN_PATH, async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request', 'Unsupported content type');
    const form = new URLSearchParams(await c.req.text());
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials' && grant !== 'password' && grant !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'Unsupported grant type');
    // ServiceNow answers every refused credential alike: 401 server_error / access_denied.
    const denied = () => oauthError(401, 'server_error', 'access_denied');
    if (form.get('client_id') !== credentials.clientId || !sameSecret(form.get('client_secret') ?? '', credentials.clientSecret)) return denied();
    if (grant === 'password') {
      if (form.get('username') !== credentials.username || !sameSecret(form.get('password') ?? '', credentials.password)) return denied();
      return tokens.issue(true);
    }
    if (grant === 'refresh_token') {
      if (!tokens.isRefreshToken(form.get('refresh_token') ?? '')) return denied();
      return tokens.issue(false);
    }
    return tokens.issue(false);
  });
};

/** A live bearer token on every Table API call, else ServiceNow's 401 "User Not Authenticated". */
export const bearerAuthOf = (tokens: TokenStore, clock: Clock): MiddlewareHandler =>
  async function bearerAuth(c, next) {
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const expiresAt = m ? tokens.expiryOf(m[1]!) : undefined;
    if (expiresAt === undefined || clock.now() >= expiresAt) return notAuthenticated();
    await next();
  };
