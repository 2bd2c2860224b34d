import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';

export interface HubspotConfig {
  /** `https://api.hubapi.com` (or a sandbox such as `http://127.0.0.1:8081/hubspot`). */
  readonly baseUrl: string;
  /**
   * A private app's access token (`pat-…`), sent as `Authorization: Bearer`. Private-app tokens do not
   * expire (they are rotated by hand), so there is no token endpoint and nothing to cache or refresh.
   */
  readonly accessToken: string;
  /** Currency of a deal whose `deal_currency_code` is empty: the portal's company currency. */
  readonly defaultCurrency: string;
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
  /** How long an owner's name is reused before it is read again (owners rarely change). */
  readonly ownerCacheTtlMs?: number;
}

export const HUBSPOT_DEFAULT_BASE_URL = 'https://api.hubapi.com';

/**
 * HubSpot's published API limits for private apps (developers.hubspot.com, "API usage guidelines and
 * limits", and the 2024 changelog raising private-app burst limits): per account, shared by every app
 * in it, a burst limit per rolling 10 seconds and a daily limit; the CRM search endpoints have their
 * own lower limit of 5 requests per second per account.
 */
export const HUBSPOT_LIMITS_BY_TIER = {
  /** Free and Starter: 100 per 10 s, 250 000 per day. */
  starter: { requests: { limit: 100, windowSeconds: 10 } },
  /** Professional: 190 per 10 s, 650 000 per day. */
  professional: { requests: { limit: 190, windowSeconds: 10 } },
  /** Enterprise: 190 per 10 s, 1 000 000 per day. */
  enterprise: { requests: { limit: 190, windowSeconds: 10 } },
  /** With the API limit increase capacity pack: 250 per 10 s (and +1 000 000 per day). */
  capacityPack: { requests: { limit: 250, windowSeconds: 10 } },
} as const satisfies Record<string, VendorLimits>;

/**
 * The outbound budget for HubSpot: the lowest published tier (Free/Starter, 100 requests per 10 s per
 * account), so a gateway never overruns a portal whose tier it does not know. A Professional or
 * Enterprise portal may use `HUBSPOT_LIMITS_BY_TIER.professional` (190 per 10 s). HubSpot publishes
 * no concurrency limit. The search endpoints' own 5 per second is `HUBSPOT_SEARCH_LIMITS`.
 */
export const HUBSPOT_LIMITS: VendorLimits = HUBSPOT_LIMITS_BY_TIER.starter;

/**
 * CRM search (`POST …/search`): 5 requests per second per account, on top of the account's burst
 * limit. The shared outbound budget is keyed by vendor, so it cannot hold this one apart; the adapter
 * keeps its searches few (one per find, at most `MAX_SEARCH_PAGES` per name search) — see README.md.
 */
export const HUBSPOT_SEARCH_LIMITS: VendorLimits = { requests: { limit: 5, windowSeconds: 1 } };

const DEFAULTS = { defaultCurrency: 'USD' } as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Private-app tokens look like `pat-na1-<uuid>`; OAuth access tokens are opaque. Any visible ASCII, no spaces. */
const TOKEN = /^[\x21-\x7e]{8,512}$/;

/**
 * Reads the HubSpot settings. `undefined` when neither `HUBSPOT_BASE_URL` nor `HUBSPOT_ACCESS_TOKEN`
 * is set: sandbox mode, the composition root then uses `sandboxHubspotConfig`. `HUBSPOT_BASE_URL`
 * defaults to `https://api.hubapi.com` once a token is given. Throws a ConfigError naming the first
 * missing or bad key (never its value), so a half configuration stops start-up.
 *
 * @example const config = loadHubspotConfig(process.env) ?? sandboxHubspotConfig(`http://127.0.0.1:${sandboxPort}/hubspot`)
 */
export const loadHubspotConfig = (env: Readonly<Record<string, string | undefined>>): HubspotConfig | undefined => {
  const baseUrlSetting = env.HUBSPOT_BASE_URL?.trim();
  const accessToken = env.HUBSPOT_ACCESS_TOKEN?.trim();
  if (!baseUrlSetting && !accessToken) return undefined;
  if (!accessToken) throw new ConfigError('Invalid configuration: HUBSPOT_ACCESS_TOKEN is required when HUBSPOT_BASE_URL is set');
  if (!TOKEN.test(accessToken)) throw new ConfigError('Invalid configuration: HUBSPOT_ACCESS_TOKEN must be a HubSpot access token (visible ASCII, no spaces)');
  let url: URL;
  try {
    url = new URL(baseUrlSetting || HUBSPOT_DEFAULT_BASE_URL);
  } catch {
    throw new ConfigError('Invalid configuration: HUBSPOT_BASE_URL must be an absolute URL');
  }
  // The bearer token never travels in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('Invalid configuration: HUBSPOT_BASE_URL must use https (http only on loopback)');
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('Invalid configuration: HUBSPOT_BASE_URL must not carry a query, fragment or credentials');
  const defaultCurrency = env.HUBSPOT_DEFAULT_CURRENCY?.trim() || DEFAULTS.defaultCurrency;
  if (!/^[A-Z]{3}$/.test(defaultCurrency)) throw new ConfigError('Invalid configuration: HUBSPOT_DEFAULT_CURRENCY must be an ISO 4217 code such as EUR');
  return { baseUrl: url.href.replace(/\/$/, ''), accessToken, defaultCurrency };
};

/** The private-app token the HubSpot sandbox accepts. Not a secret: the sandbox serves seeded demo data only. */
export const SANDBOX_HUBSPOT_ACCESS_TOKEN = 'pat-na1-5a7d0b1e-0000-4000-8000-57a7a5andb0x';

/** Config for the adapter against the sandbox, e.g. `http://127.0.0.1:8081/hubspot`. */
export const sandboxHubspotConfig = (baseUrl: string): HubspotConfig => ({
  ...DEFAULTS,
  baseUrl: baseUrl.replace(/\/$/, ''),
  accessToken: SANDBOX_HUBSPOT_ACCESS_TOKEN,
});
