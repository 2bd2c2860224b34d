import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../shared/clock.js';
import { DEMO_CLIENTS, SANDBOX_AUDIENCE } from '../../shared/sandbox/demo-clients.js';
import { startEmbeddedIssuer, type IssuerClient, type PrivateJwks } from '../../shared/sandbox/oauth-issuer.js';
import { accessTokenClaims, signJwt, type ClaimOverrides, type HeaderOverrides } from './test-tokens.js';

export interface TestIssuerOptions {
  readonly audience?: string;
  /** Defaults to the sandbox demo clients (crm-integration, cs-frontend, partner, operator). */
  readonly clients?: readonly IssuerClient[];
  readonly signingKeys?: PrivateJwks;
  readonly logger?: Logger;
}

export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly audience: string;
  /** The IdP's private signing keys. */
  readonly signingKeys: PrivateJwks;
  /** A real access token from the issuer's token endpoint (client credentials, for `audience`). */
  token(clientId: string, scope?: string): Promise<string>;
  /**
   * A token signed with the IdP's own key, with valid access-token claims and `typ: at+jwt` unless
   * overridden: isolates one claim or header check at a time (`forge({}, { typ: 'JWT' })`).
   */
  forge(claims?: ClaimOverrides, header?: HeaderOverrides, clock?: Clock): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OAuth issuer (oidc-provider) on 127.0.0.1, port 0, for integration tests.
 *
 * @example
 * const idp = await startTestIssuer()
 * const keys = createRemoteKeySource({ jwksUri: idp.jwksUri, clock: systemClock })
 * const token = await idp.token('crm-integration', 'erp:read')
 * await idp.close()
 */
export const startTestIssuer = async (options: TestIssuerOptions = {}): Promise<TestIssuer> => {
  const audience = options.audience ?? SANDBOX_AUDIENCE;
  const clients = options.clients ?? DEMO_CLIENTS;
  const started = await startEmbeddedIssuer({
    port: 0,
    audience,
    clients,
    ...(options.signingKeys ? { signingKeys: options.signingKeys } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const signingKey = started.signingKeys.keys[0]!;

  return {
    issuer: started.issuer,
    jwksUri: started.jwksUri,
    tokenEndpoint: started.tokenEndpoint,
    audience,
    signingKeys: started.signingKeys,
    async token(clientId, scope) {
      const client = clients.find((c) => c.clientId === clientId);
      if (!client) throw new Error(`test issuer: unknown client ${clientId}`);
      const form = new URLSearchParams({ grant_type: 'client_credentials', resource: audience });
      if (scope !== undefined) form.set('scope', scope);
      const res = await fetch(started.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form,
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (res.status !== 200 || !body.access_token) throw new Error(`test issuer: token request failed (${res.status} ${body.error ?? ''})`);
      return body.access_token;
    },
    forge: (claims = {}, header = {}, clock = systemClock) =>
      signJwt(signingKey, accessTokenClaims({ issuer: started.issuer, audience, clock }, claims), { typ: 'at+jwt', ...header }),
    close: () => started.close(),
  };
};
