import type { Logger } from 'pino';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { oauthErrorCode } from '../../../../shared/resilience/oauth-error-code.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import type { VendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { createVendorTokenCache, type VendorToken } from '../../../../shared/resilience/vendor-token-cache.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { SN_TOKEN_PATH, SnOAuthErrorSchema, SnTokenResponseSchema, type SnTokenRequest } from '../../../../openapi/vendors/servicenow/types.js';
import type { ServicenowConfig } from './config.js';

/** Refresh this long before the token expires (or a tenth of its lifetime, if shorter). */
const REFRESH_MARGIN_MS = 60_000;

/**
 * ServiceNow OAuth 2.0 access tokens from the instance's `/oauth_token.do` (form-encoded): the client
 * credentials grant, or the password grant with the integration user's credentials. The shared
 * vendor token cache reuses a token until shortly before its `expires_in` (the application
 * registry's "Access Token Lifespan", 1,800 s by default); concurrent callers share one request; a
 * 401 from the Table API drops the token once (`invalidate`) and the call is sent again with a new
 * one. The password grant's refresh token is not used: asking with the password again is one
 * request too, and keeps no long-lived secret in memory that the configuration does not hold already.
 */
export const createServicenowSessions = (deps: { caller: VendorCaller; config: ServicenowConfig; clock: Clock; logger?: Logger }) => {
  const { caller, config, clock, logger } = deps;
  const form: SnTokenRequest =
    config.grant.type === 'password'
      ? { grant_type: 'password', client_id: config.clientId, client_secret: config.clientSecret, username: config.grant.username, password: config.grant.password }
      : { grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret };
  const body = new URLSearchParams({ ...form }).toString();
  const meta = { domain: caller.domain, vendor: caller.vendor, ...(logger ? { logger } : {}) };

  const requestToken = async (ctx: CallContext): Promise<Result<VendorToken>> => {
    const sent = await caller.call(
      {
        method: 'POST',
        path: SN_TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // A token request has no side effect worth guarding: a duplicate only leaves a token unused.
        retry: true,
      },
      ctx,
    );
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status !== 200) {
      // A refused grant is a configuration problem: the OAuth error code is logged, never the body.
      const oauthError = oauthErrorCode(response.body, SnOAuthErrorSchema);
      logger?.error({ vendor: caller.vendor, status: response.status, oauthError, grant: config.grant.type, traceId: ctx.trace.traceId }, 'servicenow token request refused');
      return fail('vendor.error', { vendor: caller.domain });
    }
    const parsed = parseVendorJson(response, SnTokenResponseSchema, meta);
    if (!parsed.ok) return parsed;
    return ok({ token: parsed.value.access_token, lifetimeMs: parsed.value.expires_in * 1000 });
  };

  const cache = createVendorTokenCache({ clock, fetchToken: requestToken, refreshMarginMs: REFRESH_MARGIN_MS });
  return { token: cache.get, invalidate: cache.invalidate };
};

export type ServicenowSessions = ReturnType<typeof createServicenowSessions>;
