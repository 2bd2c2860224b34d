import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';

/**
 * Salesforce's published API limits, as the outbound budget's share for the gateway (shared through
 * Redis by every gateway process).
 *
 * - Requests: a rolling 24-hour allocation per org — 100,000 plus a per-licence amount (Enterprise
 *   edition: +1,000 per Salesforce licence) plus purchased add-ons ("API Request Limits and
 *   Allocations", Salesforce Developer Limits and Allocations Quick Reference; summarised in
 *   vendor-specs/README.md). The default is the base 100,000 per 86,400 s, the floor of every paid
 *   edition before licences; an org with more licences has more, so this errs on the safe side. The
 *   allocation is shared with every other integration of the org: give the gateway its share by
 *   passing a smaller `requests.limit`.
 * - Concurrency: 25 concurrent long-running requests (20 s or longer) in production orgs and sandboxes
 *   (5 in Developer Edition and trial orgs). Our calls are short, but any of them can become long-running
 *   on a slow org, so 25 in flight is the cap that can never trip the limit.
 *
 * Exceeding either yields `REQUEST_LIMIT_EXCEEDED` (403), not 429; the adapter pauses on it.
 */
export const SALESFORCE_LIMITS: VendorLimits = {
  requests: { limit: 100_000, windowSeconds: 86_400 },
  concurrency: 25,
};

export interface SalesforceConfig {
  /**
   * The org's My Domain URL (`https://acme.my.salesforce.com`): the client credentials flow is only
   * served there, and it is also the `instance_url` the token response names. The adapter refuses a
   * token whose `instance_url` has another origin, so credentials and tokens never go to another host.
   */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `v62.0` */
  readonly apiVersion: string;
  /**
   * The token response has no `expires_in`; a session is reused this long (keep it below the org's
   * session timeout). A 401 `INVALID_SESSION_ID` before then refreshes it once anyway.
   */
  readonly sessionTtlMs: number;
  /** How long to stop calling after `REQUEST_LIMIT_EXCEEDED` (the org's rolling 24 h allocation is spent). */
  readonly requestLimitPauseMs: number;
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

const API_VERSION = /^v\d{2,3}\.0$/;

const DEFAULTS = { apiVersion: 'v62.0', sessionTtlMs: 15 * 60_000, requestLimitPauseMs: 60_000 } as const;

/**
 * Reads the Salesforce settings. `undefined` when `SALESFORCE_BASE_URL` is unset: sandbox mode, the
 * composition root then uses `sandboxSalesforceConfig`. Throws a ConfigError naming the first missing
 * or bad key when the settings are incomplete, so a half configuration stops start-up.
 *
 * @example const config = loadSalesforceConfig(process.env) ?? sandboxSalesforceConfig(`http://127.0.0.1:${sandboxPort}/salesforce`)
 */
export const loadSalesforceConfig = (env: Readonly<Record<string, string | undefined>>): SalesforceConfig | undefined => {
  const baseUrl = env.SALESFORCE_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('Invalid configuration: SALESFORCE_BASE_URL must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('Invalid configuration: SALESFORCE_BASE_URL must use https (http only on loopback)');
  }
  const clientId = env.SALESFORCE_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError('Invalid configuration: SALESFORCE_CLIENT_ID is required when SALESFORCE_BASE_URL is set');
  const clientSecret = env.SALESFORCE_CLIENT_SECRET;
  if (!clientSecret) throw new ConfigError('Invalid configuration: SALESFORCE_CLIENT_SECRET is required when SALESFORCE_BASE_URL is set');
  const apiVersion = env.SALESFORCE_API_VERSION?.trim() || DEFAULTS.apiVersion;
  if (!API_VERSION.test(apiVersion)) throw new ConfigError('Invalid configuration: SALESFORCE_API_VERSION must look like v62.0');
  return { ...DEFAULTS, baseUrl: url.href.replace(/\/$/, ''), clientId, clientSecret, apiVersion };
};

/** The credentials the Salesforce sandbox accepts. Not secrets: the sandbox serves seeded demo data only. */
export const SANDBOX_SALESFORCE_CREDENTIALS = {
  clientId: '3MVG9sandbox.strata.connected.app',
  clientSecret: 'sandbox-client-secret',
} as const;

/** Config for the adapter against the sandbox, e.g. `http://127.0.0.1:8081/salesforce`. */
export const sandboxSalesforceConfig = (baseUrl: string): SalesforceConfig => ({
  ...DEFAULTS,
  baseUrl: baseUrl.replace(/\/$/, ''),
  ...SANDBOX_SALESFORCE_CREDENTIALS,
});

const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
