import type { Logger } from 'pino';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { oauthErrorCode } from '../../../../shared/resilience/oauth-error-code.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import type { VendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { createVendorTokenCache, type VendorToken } from '../../../../shared/resilience/vendor-token-cache.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { BC_SCOPE, EntraErrorSchema, EntraTokenResponseSchema, type EntraTokenRequest } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { DynamicsBcConfig } from './config.js';

/** Refresh this long before the token expires (or a tenth of its lifetime, if shorter). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Microsoft Entra ID OAuth 2.0 client credentials for Business Central: `client_id`, `client_secret`
 * and scope `https://api.businesscentral.dynamics.com/.default`, form-encoded to the tenant's v2.0
 * token endpoint. The shared vendor token cache keeps the token until shortly before `expires_in`
 * (single flight; `invalidate(token)` drops a token BC answered 401 to, once, however many calls saw it).
 *
 * `caller` is bound to the token endpoint's origin and `path` is the endpoint's path on it.
 */
export const createDynamicsBcTokenProvider = (
  config: DynamicsBcConfig,
  deps: { readonly caller: VendorCaller; readonly path: string; readonly clock: Clock; readonly logger?: Logger },
) => {
  const { caller, path, clock, logger } = deps;
  const form: EntraTokenRequest = { grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret, scope: BC_SCOPE };
  const body = new URLSearchParams({ ...form }).toString();
  const meta = { domain: 'erp', vendor: 'dynamics-bc', ...(logger ? { logger } : {}) };

  const requestToken = async (ctx: CallContext): Promise<Result<VendorToken>> => {
    const sent = await caller.call(
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // Minting a token has no side effect worth guarding: safe to send again after a timeout or 5xx.
        retry: true,
      },
      ctx,
    );
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status !== 200) {
      // A refused client is a configuration problem: log the OAuth error code, never the AADSTS text.
      const oauthError = oauthErrorCode(response.body, EntraErrorSchema);
      logger?.error({ vendor: 'dynamics-bc', status: response.status, oauthError, traceId: ctx.trace.traceId }, 'entra token request refused');
      return fail('vendor.error', { vendor: 'erp' });
    }
    const parsed = parseVendorJson(response, EntraTokenResponseSchema, meta);
    if (!parsed.ok) return parsed;
    return ok({ token: parsed.value.access_token, lifetimeMs: parsed.value.expires_in * 1000 });
  };

  return createVendorTokenCache({ clock, fetchToken: requestToken, refreshMarginMs: REFRESH_MARGIN_MS });
};

export type DynamicsBcTokenProvider = ReturnType<typeof createDynamicsBcTokenProvider>;
