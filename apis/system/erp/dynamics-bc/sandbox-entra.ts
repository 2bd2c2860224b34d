// The Business Central sandbox's Entra ID token endpoint (client credentials) and the tokens it issued.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import { BC_SCOPE, type EntraTokenResponseWire } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';

/** Issued access tokens → tenant and expiry (epoch ms). */
export type IssuedTokens = Map<string, { tenant: string; expiresAt: number }>;

const TOKEN_LIFETIME_SECONDS = 3599;

const entraError = (status: 400 | 401, error: string, code: number, description: string) =>
  new Response(
    JSON.stringify({ error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() }),
    { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } },
  );

/** `POST /{tenant}/oauth2/v2.0/token`: the sandbox app's credentials and BC's scope, else Entra's error. */
export const registerEntraTokenRoute = (app: Hono, deps: { readonly clock: Clock; readonly tokens: IssuedTokens }) => {
  const { clock, tokens } = deps;
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const tenant = c.req.param('tenant');
    if (tenant !== SANDBOX_DYNAMICS_BC.tenantId) return entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials') return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== SANDBOX_DYNAMICS_BC.clientId) return entraError(400, 'unauthorized_client', 700016, 'Application was not found in the directory.');
    if (form.get('client_secret') !== SANDBOX_DYNAMICS_BC.clientSecret) return entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    if (form.get('scope') !== BC_SCOPE) return entraError(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    const now = clock.now();
    for (const [t, entry] of tokens) if (entry.expiresAt <= now) tokens.delete(t);
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.${randomBytes(32).toString('base64url')}.`;
    tokens.set(accessToken, { tenant, expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 });
    const body: EntraTokenResponseWire = { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
  });
};
