/**
 * Prints a sandbox access token for a demo client, from the embedded issuer of a running gateway:
 *
 *   npm run token -- crm-integration            (all of the client's scopes)
 *   npm run token -- partner accounts:read      (a subset)
 *   curl -H "Authorization: Bearer $(npm run -s token -- partner)" http://127.0.0.1:8080/…
 *
 * Sandbox only: it uses the demo clients' published secrets. The issuer listens on ISSUER_PORT (8082).
 */
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { DEMO_CLIENTS, SANDBOX_AUDIENCE } from './demo-clients.js';

export interface SandboxTokenRequest {
  readonly clientId: string;
  readonly scope?: string;
  readonly issuerUrl: string;
}

/** Thrown with a message fit to show as is. */
export class TokenCliError extends Error {
  override name = 'TokenCliError';
}

/** Client-credentials grant at the embedded issuer's token endpoint (`/token`), for the sandbox audience. */
export const requestSandboxToken = async ({ clientId, scope, issuerUrl }: SandboxTokenRequest): Promise<string> => {
  const client = DEMO_CLIENTS.find((c) => c.clientId === clientId);
  if (!client) {
    throw new TokenCliError(`Unknown client "${clientId}". Demo clients: ${DEMO_CLIENTS.map((c) => `${c.clientId} (${c.scopes.join(' ')})`).join(', ')}`);
  }
  const form = new URLSearchParams({ grant_type: 'client_credentials', resource: SANDBOX_AUDIENCE });
  if (scope) form.set('scope', scope);
  let res;
  try {
    res = await request(`${issuerUrl}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    throw new TokenCliError(`No OAuth issuer answers at ${issuerUrl}. Is the gateway running in sandbox mode (npm start)? Set ISSUER_PORT if it listens elsewhere.`);
  }
  const text = await res.body.text();
  let body: { access_token?: unknown; error?: unknown; error_description?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // reported below
  }
  if (res.statusCode !== 200 || typeof body.access_token !== 'string') {
    const reason = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${res.statusCode}`;
    throw new TokenCliError(`The issuer at ${issuerUrl} refused the token request (${reason}).`);
  }
  return body.access_token;
};

const main = async () => {
  const [clientId, scope] = process.argv.slice(2);
  if (!clientId) throw new TokenCliError(`Usage: npm run token -- <client> [scopes]. Demo clients: ${DEMO_CLIENTS.map((c) => c.clientId).join(', ')}`);
  const issuerUrl = `http://127.0.0.1:${process.env.ISSUER_PORT ?? 8082}`;
  process.stdout.write(`${await requestSandboxToken({ clientId, issuerUrl, ...(scope ? { scope } : {}) })}\n`);
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof TokenCliError ? error.message : `token: ${String(error)}`}\n`);
    process.exitCode = 1;
  });
}
