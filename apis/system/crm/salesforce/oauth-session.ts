import type { Logger } from 'pino';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { oauthErrorCode } from '../../../../shared/resilience/oauth-error-code.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import type { VendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { createVendorTokenCache, type VendorToken } from '../../../../shared/resilience/vendor-token-cache.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { SalesforceOAuthErrorSchema, SalesforceTokenResponseSchema } from '../../../../openapi/vendors/salesforce/schemas.js';
import type { SalesforceClientCredentialsRequest } from '../../../../openapi/vendors/salesforce/types.js';
import type { SalesforceConfig } from './config.js';

export const TOKEN_PATH = '/services/oauth2/token';

/**
 * Salesforce sessions from the OAuth 2.0 client credentials flow. The token response carries no
 * `expires_in`, so the shared vendor token cache reuses a session for `sessionTtlMs`; concurrent callers
 * share one token request (single flight); `invalidate` drops a session the org rejected (401
 * `INVALID_SESSION_ID`) — only if it is still the current one, so many requests failing on one stale
 * token cause one refresh, not many.
 *
 * The HttpClient is bound to the configured base URL, so a token whose `instance_url` has another
 * origin is refused: following it would mean sending the token to a host we were not configured for.
 */
export const createSalesforceSessions = (deps: { caller: VendorCaller; config: SalesforceConfig; clock: Clock; logger?: Logger }) => {
  const { caller, config, clock, logger } = deps;
  const expectedOrigin = new URL(config.baseUrl).origin;
  const form: SalesforceClientCredentialsRequest = {
    grant_type: 'client_credentials',
    client_id: config.clientId,
    client_secret: config.clientSecret,
  };
  const body = new URLSearchParams({ ...form }).toString();
  const meta = { domain: caller.domain, vendor: caller.vendor, ...(logger ? { logger } : {}) };

  const requestToken = async (ctx: CallContext): Promise<Result<VendorToken>> => {
    const sent = await caller.call(
      {
        method: 'POST',
        path: TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // Minting a session is idempotent in effect: a duplicate only leaves an unused session.
        retry: true,
      },
      ctx,
    );
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status !== 200) {
      // Only the OAuth error code is logged (e.g. invalid_client); its description is vendor text.
      const oauthError = oauthErrorCode(response.body, SalesforceOAuthErrorSchema);
      logger?.error({ vendor: caller.vendor, status: response.status, oauthError }, 'salesforce token request refused');
      return fail('vendor.error', { vendor: caller.domain });
    }
    const parsed = parseVendorJson(response, SalesforceTokenResponseSchema, meta);
    if (!parsed.ok) return parsed;
    if (new URL(parsed.value.instance_url).origin !== expectedOrigin) {
      logger?.error({ vendor: caller.vendor, expectedOrigin }, 'salesforce instance_url is not the configured base URL; token refused');
      return fail('vendor.error', { vendor: caller.domain });
    }
    return ok({ token: parsed.value.access_token, lifetimeMs: config.sessionTtlMs });
  };

  const sessions = createVendorTokenCache({ clock, fetchToken: requestToken });
  return {
    /** A valid access token: the cached one, or one fresh token request shared by all waiting callers. */
    token: sessions.get,
    /** Forgets `token` if it is still the current session. */
    invalidate: sessions.invalidate,
  };
};

export type SalesforceSessions = ReturnType<typeof createSalesforceSessions>;
