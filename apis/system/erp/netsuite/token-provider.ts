import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { oauthErrorCode } from '../../../../shared/resilience/oauth-error-code.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import type { VendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { createVendorTokenCache, type VendorToken } from '../../../../shared/resilience/vendor-token-cache.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import {
  NS_CLIENT_ASSERTION_TYPE,
  NS_SCOPE,
  NS_TOKEN_PATH,
  NsOAuthErrorSchema,
  NsTokenResponseSchema,
} from '../../../../openapi/vendors/netsuite/types.js';
import { jwtAlgFor, type NetsuiteConfig } from './config.js';

/** Lifetime of our client assertion: short, NetSuite allows up to one hour. */
const ASSERTION_TTL_SECONDS = 300;
/** Refresh this long before the token expires (or a tenth of its lifetime, if shorter). */
const REFRESH_MARGIN_MS = 60_000;

/**
 * NetSuite OAuth 2.0 client credentials: a JWT assertion signed with the certificate's private key is
 * exchanged for a bearer token, which the shared vendor token cache keeps until shortly before it
 * expires (single flight; `invalidate(token)` drops the token a 401 was answered to, once, however
 * many calls saw it).
 */
export const createNetsuiteTokenProvider = (config: NetsuiteConfig, deps: { caller: VendorCaller; clock: Clock; logger?: Logger }) => {
  const { caller, clock, logger } = deps;
  const alg = jwtAlgFor(config.privateKey);
  const audience = config.baseUrl + NS_TOKEN_PATH;
  const meta = { domain: 'erp', vendor: 'netsuite', ...(logger ? { logger } : {}) };

  const assertion = () => {
    const iat = Math.floor(clock.now() / 1000);
    return new SignJWT({ scope: [NS_SCOPE] })
      .setProtectedHeader({ alg, kid: config.certificateId, typ: 'JWT' })
      .setIssuer(config.clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_TTL_SECONDS)
      .sign(config.privateKey);
  };

  const requestToken = async (ctx: CallContext): Promise<Result<VendorToken>> => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: NS_CLIENT_ASSERTION_TYPE,
      client_assertion: await assertion(),
    }).toString();
    // A token request has no side effect worth guarding: safe to send again after a timeout or 5xx.
    const sent = await caller.call(
      { method: 'POST', path: NS_TOKEN_PATH, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, retry: true },
      ctx,
    );
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status !== 200) {
      // A rejected assertion is a configuration problem: log the OAuth error code, never the body.
      const oauthError = oauthErrorCode(response.body, NsOAuthErrorSchema);
      logger?.error({ vendor: 'netsuite', status: response.status, oauthError, traceId: ctx.trace.traceId }, 'netsuite token request rejected');
      return fail('vendor.error', { vendor: 'erp' });
    }
    const parsed = parseVendorJson(response, NsTokenResponseSchema, meta);
    if (!parsed.ok) return parsed;
    return ok({ token: parsed.value.access_token, lifetimeMs: parsed.value.expires_in * 1000 });
  };

  return createVendorTokenCache({ clock, fetchToken: requestToken, refreshMarginMs: REFRESH_MARGIN_MS });
};

export type NetsuiteTokenProvider = ReturnType<typeof createNetsuiteTokenProvider>;
