import type { CallContext } from '../../../../shared/http/app-env.js';
import { ok, type Result } from '../../../../shared/result.js';

/**
 * How the adapter authenticates to the tenant. S/4HANA Cloud's inbound communication arrangements
 * accept a communication user with HTTP Basic (what Strata configures: SAP_USERNAME/SAP_PASSWORD), an
 * X.509 client certificate, or OAuth 2.0.
 *
 * OAuth 2.0 client credentials plug in behind the same interface, without touching the adapter: an
 * implementation whose `authorization` takes a token from `createVendorTokenCache` (shared/resilience)
 * — its `fetchToken` POSTs `grant_type=client_credentials` with the OAuth client's id and secret to the
 * tenant's token endpoint (`/sap/bc/sec/oauth2/token` on the API host) through the same vendor caller,
 * and reads `access_token`/`expires_in` — answers `Bearer <token>`, and whose `rejected` invalidates
 * that token and returns true, so a 401 costs one refresh and one more attempt. CSRF tokens and
 * session cookies work the same with either scheme.
 */
export interface SapAuth {
  /** The `Authorization` header value for the next request. */
  authorization(ctx: CallContext): Promise<Result<string>>;
  /** SAP answered 401 to `value`. True when a fresh credential is worth one more attempt (OAuth); Basic has none. */
  rejected(value: string): boolean;
}

/**
 * HTTP Basic for a communication user. The password is kept only inside the prepared header value,
 * in this closure: it never appears in the config object, so logging a config cannot print it.
 */
export const createBasicAuth = (username: string, password: string): SapAuth => {
  const header = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return {
    authorization: async () => ok(header),
    rejected: () => false,
  };
};
