import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface ZendeskResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

export const ZENDESK_PLANS = ['team', 'growth', 'professional', 'enterprise', 'high_volume'] as const;
export type ZendeskPlan = (typeof ZENDESK_PLANS)[number];

/**
 * Zendesk Support API rate limits, requests per minute per account, by plan (Zendesk developer
 * docs, "Rate limits"; vendor-specs/README.md): Team 200, Growth 400, Professional 400, Enterprise
 * 700; the High Volume API add-on (included in Enterprise Plus) 2,500. Endpoint limits on top —
 * Update Ticket 100/min, List Tickets 50/min beyond page 500 — are not reached by the calls Strata
 * makes (no ticket updates; at most a few pages). Zendesk publishes no concurrency limit.
 */
export const ZENDESK_PLAN_REQUESTS_PER_MINUTE: Readonly<Record<ZendeskPlan, number>> = {
  team: 200,
  growth: 400,
  professional: 400,
  enterprise: 700,
  high_volume: 2_500,
};

export const zendeskLimitsFor = (plan: ZendeskPlan): VendorLimits => ({ requests: { limit: ZENDESK_PLAN_REQUESTS_PER_MINUTE[plan], windowSeconds: 60 } });

/**
 * The default budget: the smallest plan's 200 requests per minute, so an account of any plan is
 * safe. Set `ZENDESK_PLAN` (the config's `limits`) to use what the account's plan allows.
 */
export const ZENDESK_LIMITS: VendorLimits = zendeskLimitsFor('team');

export interface ZendeskConfig {
  /** The account's URL, `https://acme.zendesk.com` (the HttpClient is pointed at the same URL). */
  readonly baseUrl: string;
  /** The agent (or admin) the API token belongs to: `{email}/token:{api_token}` Basic auth. */
  readonly email: string;
  readonly apiToken: string;
  /** The account's published API limit (from `ZENDESK_PLAN`, default the Team plan's). */
  readonly limits: VendorLimits;
  readonly resilience?: ZendeskResilience;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const EMAIL = /^[^\s@/:]{1,64}@[^\s@/:]{1,190}$/;

/**
 * Reads the Zendesk connection from the environment. Unset `ZENDESK_BASE_URL` means sandbox mode
 * (undefined); set but incomplete or invalid throws a ConfigError naming the key, never its value,
 * so a bad configuration stops start-up (DESIGN.md §9).
 *
 * @example const zendesk = loadZendeskConfig(process.env) ?? sandboxZendeskConfig(`http://127.0.0.1:${sandboxPort}/zendesk`)
 */
export const loadZendeskConfig = (env: Readonly<Record<string, string | undefined>>): ZendeskConfig | undefined => {
  const baseUrl = env.ZENDESK_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('Invalid configuration: ZENDESK_BASE_URL must be an absolute URL');
  }
  // Basic credentials never travel in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('Invalid configuration: ZENDESK_BASE_URL must use https (http only on loopback)');
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('Invalid configuration: ZENDESK_BASE_URL must not carry a query, fragment or credentials');
  const email = env.ZENDESK_EMAIL?.trim();
  if (!email) throw new ConfigError('Invalid configuration: ZENDESK_EMAIL is required when ZENDESK_BASE_URL is set');
  if (!EMAIL.test(email)) throw new ConfigError('Invalid configuration: ZENDESK_EMAIL must be an email address');
  const apiToken = env.ZENDESK_API_TOKEN?.trim();
  if (!apiToken) throw new ConfigError('Invalid configuration: ZENDESK_API_TOKEN is required when ZENDESK_BASE_URL is set');
  if (!/^[\x21-\x7e]{1,200}$/.test(apiToken)) throw new ConfigError('Invalid configuration: ZENDESK_API_TOKEN must be printable ASCII without spaces');
  const plan = env.ZENDESK_PLAN?.trim().toLowerCase() || 'team';
  if (!(ZENDESK_PLANS as readonly string[]).includes(plan)) throw new ConfigError(`Invalid configuration: ZENDESK_PLAN must be one of ${ZENDESK_PLANS.join(', ')}`);
  return { baseUrl: url.href.replace(/\/$/, ''), email, apiToken, limits: zendeskLimitsFor(plan as ZendeskPlan) };
};

/** The credentials the Zendesk sandbox accepts. Not secrets: the sandbox serves seeded demo data only. */
export const SANDBOX_ZENDESK_CREDENTIALS = {
  email: 'strata-integration@acme-sandbox.example',
  apiToken: 'sbxZendeskApiToken0000000000000000000000',
} as const;

/** A configuration the Zendesk sandbox served at `baseUrl` accepts (e.g. `http://127.0.0.1:8081/zendesk`). */
export const sandboxZendeskConfig = (baseUrl: string, overrides: Partial<Pick<ZendeskConfig, 'resilience' | 'limits'>> = {}): ZendeskConfig => ({
  baseUrl: baseUrl.replace(/\/$/, ''),
  ...SANDBOX_ZENDESK_CREDENTIALS,
  limits: zendeskLimitsFor('enterprise'),
  ...overrides,
});
