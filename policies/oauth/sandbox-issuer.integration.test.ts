/**
 * The embedded sandbox issuer (shared/sandbox/oauth-issuer.ts) and the token CLI, checked from the
 * side that consumes them: the tokens must be RFC 9068 access tokens this policy accepts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { systemClock } from '../../shared/clock.js';
import { DEMO_CLIENTS, SANDBOX_AUDIENCE } from '../../shared/sandbox/demo-clients.js';
import { startTestIssuer, type TestIssuer } from '../../test/harness/test-issuer.js';
import { freePort } from '../../test/harness/free-port.js';
import { createLocalKeySource } from './key-source.js';
import { createAccessTokenVerifier } from './verifier.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const tokenRequest = (idp: TestIssuer, clientId: string, secret: string, form: Record<string, string>) =>
  fetch(idp.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
  });

/** Runs the token CLI as `npm run token` would (tsx), against the issuer on `port`. */
const runTokenCli = (args: string[], port: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/sandbox/token-cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ISSUER_PORT: String(port) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('embedded sandbox issuer', () => {
  let idp: TestIssuer;
  let jwks: JSONWebKeySet;

  beforeAll(async () => {
    idp = await startTestIssuer();
    jwks = (await (await fetch(idp.jwksUri)).json()) as JSONWebKeySet;
  });
  afterAll(() => idp.close());

  it('issues RFC 9068 JWT access tokens (typ at+jwt, kid in the JWKS) for the sandbox audience', async () => {
    const token = await idp.token('crm-integration');
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(claims).toMatchObject({ iss: idp.issuer, aud: SANDBOX_AUDIENCE, client_id: 'crm-integration', sub: 'crm-integration', scope: 'erp:read crm:read credit:check onboarding:write operations:read operations:write accounts:read' });
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('publishes only public keys in its JWKS', () => {
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('issues tokens the access-token verifier accepts, with the client scopes', async () => {
    const verifier = createAccessTokenVerifier({ issuer: idp.issuer, audience: SANDBOX_AUDIENCE, keys: createLocalKeySource(jwks), clock: systemClock });
    for (const client of DEMO_CLIENTS) {
      const result = await verifier.verify(await idp.token(client.clientId));
      expect(result.ok && [...result.principal.scopes].sort()).toEqual([...client.scopes].sort());
    }
  });

  it('when no resource parameter is sent, still issues a JWT for the default audience', async () => {
    const res = await tokenRequest(idp, 'partner', 'partner-sandbox-secret', {});
    const body = (await res.json()) as { access_token: string; scope?: string };
    expect(res.status).toBe(200);
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: SANDBOX_AUDIENCE, scope: 'accounts:read' });
    expect(body.scope).toBe('accounts:read');
  });

  it('when a client asks for a subset of its scopes, grants exactly that subset', async () => {
    expect(decodeJwt(await idp.token('operator', 'ops:admin pii:read')).scope).toBe('ops:admin pii:read');
  });

  it('when a client asks for a scope it is not allowed, refuses with invalid_scope', async () => {
    const res = await tokenRequest(idp, 'partner', 'partner-sandbox-secret', { resource: SANDBOX_AUDIENCE, scope: 'accounts:read pii:read' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('when the client secret is wrong, refuses with invalid_client', async () => {
    const res = await tokenRequest(idp, 'partner', 'guess', { resource: SANDBOX_AUDIENCE });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('when another resource is asked for, refuses with invalid_target', async () => {
    const res = await tokenRequest(idp, 'partner', 'partner-sandbox-secret', { resource: 'https://other-api.example' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_target' });
  });

  describe('token CLI', () => {
    it('when run for a demo client, prints only an access token for that client', async () => {
      const { code, stdout } = await runTokenCli(['cs-frontend'], Number(new URL(idp.issuer).port));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(decodeJwt(stdout.trim())).toMatchObject({ client_id: 'cs-frontend', scope: 'accounts:read pii:read', aud: SANDBOX_AUDIENCE });
    });

    it('when the client is unknown, exits 1 naming the demo clients', async () => {
      const { code, stdout, stderr } = await runTokenCli(['mallory'], Number(new URL(idp.issuer).port));
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain('Unknown client "mallory"');
      expect(stderr).toContain('crm-integration');
    });

    it('when no issuer is listening, exits 1 asking whether the gateway runs', async () => {
      const { code, stderr } = await runTokenCli(['partner'], await freePort());
      expect(code).toBe(1);
      expect(stderr).toContain('Is the gateway running');
    });
  });
});
