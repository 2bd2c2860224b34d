import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';

/**
 * Chargebee's published API rate limits, per site, per minute ("API rate limits", Chargebee API v2
 * docs; summarised in vendor-specs/README.md): test sites 150 requests/min; live sites by plan —
 * Starter 150, Performance 1,000, Enterprise 3,500. Over the limit Chargebee answers 429
 * `api_request_limit_exceeded`, and a live site that keeps exceeding it is blocked (403
 * `request_blocked`) until its traffic drops.
 *
 * No concurrency limit is published; concurrent writes to one resource fail with 429 `lock_timeout`,
 * which the vendor caller treats like any other 429.
 */
export const CHARGEBEE_PLAN_LIMITS = {
  test: 150,
  starter: 150,
  performance: 1_000,
  enterprise: 3_500,
} as const satisfies Record<string, number>;
export type ChargebeePlan = keyof typeof CHARGEBEE_PLAN_LIMITS;

/**
 * The default budget: 150 requests per 60 s, the test-site and Starter limit — the lowest limit any
 * site has, so the default can never trip Chargebee's. A site on a larger plan passes
 * `chargebeeLimits('performance' | 'enterprise')` (or `CHARGEBEE_PLAN` to the composition root). The
 * limit is the whole site's: other integrations of the same site share it.
 */
export const chargebeeLimits = (plan: ChargebeePlan): VendorLimits => ({ requests: { limit: CHARGEBEE_PLAN_LIMITS[plan], windowSeconds: 60 } });
export const CHARGEBEE_LIMITS: VendorLimits = chargebeeLimits('test');

export interface ChargebeeConfig {
  /**
   * The site's URL, `https://{site}.chargebee.com` (test sites: `https://{site}-test.chargebee.com`);
   * the adapter adds `/api/v2`. The HttpClient is pointed at the same URL.
   */
  readonly baseUrl: string;
  /** A full-access (or read/write) API key of the site: HTTP Basic user name, empty password. */
  readonly apiKey: string;
  /** The plan whose published limit `CHARGEBEE_LIMITS`-style budgets use (`CHARGEBEE_PLAN`). */
  readonly plan: ChargebeePlan;
  /** How long to stop calling after `403 request_blocked` (the site is blocked for exceeding its limit). */
  readonly requestBlockedPauseMs: number;
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

const DEFAULTS = { plan: 'test', requestBlockedPauseMs: 60_000 } as const;
const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

/**
 * Reads the Chargebee settings. `undefined` when `CHARGEBEE_BASE_URL` is unset (sandbox mode: the
 * composition root then uses `sandboxChargebeeConfig`). Throws a ConfigError naming the first missing
 * or bad key — never its value — when the settings are incomplete, so a half configuration stops
 * start-up. `CHARGEBEE_BASE_URL` may end in `/api/v2` (Chargebee's documented base); it is trimmed.
 *
 * @example const config = loadChargebeeConfig(process.env) ?? sandboxChargebeeConfig(`http://127.0.0.1:${sandboxPort}/chargebee`)
 */
export const loadChargebeeConfig = (env: Readonly<Record<string, string | undefined>>): ChargebeeConfig | undefined => {
  const raw = env.CHARGEBEE_BASE_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('Invalid configuration: CHARGEBEE_BASE_URL must be an absolute URL');
  }
  // The API key travels in every request: never in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('Invalid configuration: CHARGEBEE_BASE_URL must use https (http only on loopback)');
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('Invalid configuration: CHARGEBEE_BASE_URL must not carry a query, fragment or credentials');
  const apiKey = env.CHARGEBEE_API_KEY?.trim();
  if (!apiKey) throw new ConfigError('Invalid configuration: CHARGEBEE_API_KEY is required when CHARGEBEE_BASE_URL is set');
  if (!/^[\x21-\x7e]{8,200}$/.test(apiKey) || apiKey.includes(':')) throw new ConfigError('Invalid configuration: CHARGEBEE_API_KEY must be a Chargebee API key (printable, no ":")');
  const plan = env.CHARGEBEE_PLAN?.trim() || DEFAULTS.plan;
  if (!Object.hasOwn(CHARGEBEE_PLAN_LIMITS, plan)) throw new ConfigError(`Invalid configuration: CHARGEBEE_PLAN must be one of ${Object.keys(CHARGEBEE_PLAN_LIMITS).join(', ')}`);
  const baseUrl = url.href.replace(/\/$/, '').replace(/\/api\/v2$/, '');
  return { ...DEFAULTS, baseUrl, apiKey, plan: plan as ChargebeePlan };
};

/** The API key the Chargebee sandbox accepts. Not a secret: the sandbox serves seeded demo data only. */
export const SANDBOX_CHARGEBEE_API_KEY = 'test_sandboxStrataChargebeeKey01';

/** Config for the adapter against the sandbox, e.g. `http://127.0.0.1:8081/chargebee`. */
export const sandboxChargebeeConfig = (baseUrl: string, overrides: Partial<Omit<ChargebeeConfig, 'baseUrl' | 'apiKey'>> = {}): ChargebeeConfig => ({
  ...DEFAULTS,
  baseUrl: baseUrl.replace(/\/$/, ''),
  apiKey: SANDBOX_CHARGEBEE_API_KEY,
  ...overrides,
});
