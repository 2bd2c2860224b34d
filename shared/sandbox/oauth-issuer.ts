import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Logger } from 'pino';

/** A client the issuer knows: it may obtain exactly these scopes (all of them when it asks for none). */
export interface IssuerClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/** A JWK Set holding private signing keys. */
export interface PrivateJwks {
  readonly keys: readonly JWK[];
}

export interface EmbeddedIssuerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The one resource (API) tokens are issued for: their `aud`. */
  readonly audience: string;
  readonly clients: readonly IssuerClient[];
  /** Private JWKs to sign with; one RS256 key is generated when absent. */
  readonly signingKeys?: PrivateJwks;
  readonly accessTokenTtlSeconds?: number;
  readonly logger?: Logger;
}

export interface EmbeddedIssuer {
  /** `http://<host>:<port>`, exactly as it appears in the tokens' `iss`. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  /** The private keys the issuer signs with (tests forge edge-case tokens with them). */
  readonly signingKeys: PrivateJwks;
  close(): Promise<void>;
}

// oidc-provider 8 ships no type declarations; this is the small surface used here.
interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}
interface OidcProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: { InvalidTarget: new (description?: string) => Error };
}
/** The parts of oidc-provider's token model the JWT customizer touches. */
interface IssuedToken {
  kind: string;
  scope?: string;
  client?: { scope?: string };
  resourceServer?: { scope?: string };
}

export const generateSigningKeys = async (): Promise<PrivateJwks> => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint(jwk) }] };
};

/**
 * A stateless in-memory stand-in for oidc-provider's storage adapter. JWT access tokens are not
 * stored at all; this only exists so the provider does not run (and warn about) its dev adapter.
 */
const createMemoryAdapterFactory = () => {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) store.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  };
  return (name: string) => ({
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      store.set(`${name}:${id}`, { payload, expiresAt: Date.now() + expiresIn * 1000 });
    },
    async find(id: string) {
      return live(`${name}:${id}`);
    },
    async findByUserCode() {
      return undefined;
    },
    async findByUid() {
      return undefined;
    },
    async consume(id: string) {
      const payload = live(`${name}:${id}`);
      if (payload) payload['consumed'] = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      store.delete(`${name}:${id}`);
    },
    async revokeByGrantId() {},
  });
};

const listen = (server: ReturnType<typeof createServer>, host: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

/**
 * The sandbox's OAuth 2.0 authorization server: oidc-provider with the client-credentials grant and
 * resource indicators, issuing RFC 9068 JWT access tokens (`typ: at+jwt`, `client_id`, `sub`, `jti`,
 * `iat`, `exp`, `scope`) for one audience. oidc-provider issues JWTs only for a resource indicator, so
 * the audience is the default resource: a plain client-credentials request gets a JWT too.
 * Token endpoint `/token` (client_secret_basic), JWKS `/jwks`, discovery `/.well-known/openid-configuration`.
 *
 * It listens first so the issuer URL carries the real port (port 0 works), then builds the provider.
 *
 * @example
 * const idp = await startEmbeddedIssuer({ port: 8082, audience: SANDBOX_AUDIENCE, clients: DEMO_CLIENTS })
 * // curl -u crm-integration:crm-integration-sandbox-secret -d grant_type=client_credentials http://127.0.0.1:8082/token
 */
export const startEmbeddedIssuer = async (options: EmbeddedIssuerOptions): Promise<EmbeddedIssuer> => {
  const host = options.host ?? '127.0.0.1';
  const ttl = options.accessTokenTtlSeconds ?? 900;
  if (!options.audience) throw new Error('startEmbeddedIssuer: audience is required');
  if (options.clients.length === 0) throw new Error('startEmbeddedIssuer: at least one client is required');
  const signingKeys = options.signingKeys ?? (await generateSigningKeys());
  const allScopes = [...new Set(options.clients.flatMap((c) => c.scopes))];

  // Loaded here, not at module load: production never pulls in koa and the provider.
  // @ts-expect-error -- oidc-provider ships no type declarations; OidcProviderModule types what is used.
  const { default: Provider, errors } = (await import('oidc-provider')) as OidcProviderModule;

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503).end();
  });
  const port = await listen(server, host, options.port);
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: c.scopes.join(' '),
    })),
    scopes: allScopes,
    jwks: { keys: signingKeys.keys.map((k) => ({ ...k })) },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => {
          if (resourceIndicator !== options.audience) throw new errors.InvalidTarget();
          return { scope: allScopes.join(' '), audience: options.audience, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    formats: {
      customizers: {
        // A client that asks for no scope gets all of its own (oidc-provider would grant none).
        jwt: (_ctx: unknown, token: IssuedToken, jwt: { payload: Record<string, unknown> }) => {
          if (token.kind !== 'ClientCredentials' || token.scope) return;
          const offered = new Set((token.resourceServer?.scope ?? '').split(' '));
          const granted = (token.client?.scope ?? '').split(' ').filter((s) => s && offered.has(s)).join(' ');
          if (!granted) return;
          token.scope = granted; // also what the token response reports
          jwt.payload['scope'] = granted;
        },
      },
    },
    ttl: { ClientCredentials: ttl, AccessToken: ttl },
    // Settings that only exist to keep the provider's development warnings quiet.
    adapter: createMemoryAdapterFactory(),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clientBasedCORS: () => false,
    renderError: (ctx: { type: string; body: unknown }, out: unknown) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.on('server_error', (_ctx, error) => options.logger?.error({ err: error instanceof Error ? error.message : String(error) }, 'oauth issuer error'));
  handler = provider.callback();

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    signingKeys,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
