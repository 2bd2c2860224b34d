import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';

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
