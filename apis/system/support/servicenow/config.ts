import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface ServicenowResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

/**
 * ServiceNow's limits, as the outbound budget's share for the gateway (shared through Redis by every
 * gateway process).
 *
 * - Requests: ServiceNow publishes NO fixed number. Each instance's admin sets inbound REST rate-limit
 *   rules (`sys_rate_limit_rules`: requests per hour for one user, users with a role, or all users;
 *   a user rule beats a role rule beats an all-users rule); exceeding one answers 429 with
 *   `Retry-After` and `X-RateLimit-Limit` / `X-RateLimit-Reset` / `X-RateLimit-Rule` (ServiceNow
 *   "Inbound REST API rate limiting"; vendor-specs/README.md). So the per-hour budget is the rule
 *   that applies to the integration user, given as `SERVICENOW_REQUESTS_PER_HOUR`; without it only
 *   concurrency is budgeted and a 429 pauses calls for its Retry-After.
 * - Concurrency: inbound REST shares the instance's semaphores — each application node runs API
 *   transactions in its `API_INT` semaphore pool, 4 threads per node by default, with a short queue
 *   behind it (past which the node answers 429), and those threads also serve every other
 *   integration of the instance. 4 in flight is one node's whole default pool: it never saturates
 *   even a single-node instance on our own, whatever the load balancer does. (A cookie-less client —
 *   which the undici pool is — gets a new session per request, so ServiceNow's one-transaction-per-
 *   session rule does not serialise us further.)
 */
export const SERVICENOW_LIMITS: VendorLimits = { concurrency: 4 };

export const servicenowLimitsFor = (requestsPerHour?: number): VendorLimits =>
  requestsPerHour === undefined ? SERVICENOW_LIMITS : { ...SERVICENOW_LIMITS, requests: { limit: requestsPerHour, windowSeconds: 3_600 } };

/** How the adapter gets its OAuth 2.0 access token from `/oauth_token.do`. */
export type ServicenowGrant =
  /** Client credentials (Washington DC and later, when the instance enables that grant; runs as the OAuth application's user). */
  | { readonly type: 'client_credentials' }
  /** Resource owner password: the integration user's credentials, exchanged for a token. */
  | { readonly type: 'password'; readonly username: string; readonly password: string };

export interface ServicenowConfig {
  /** The instance URL, `https://acme.service-now.com` (the HttpClient is pointed at the same URL). */
  readonly baseUrl: string;
  /** The OAuth application registry entry (System OAuth › Application Registry). */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly grant: ServicenowGrant;
  /** The integration user's share: `SERVICENOW_LIMITS`, plus the per-hour rule when known. */
  readonly limits: VendorLimits;
  /** Rows asked for per Table API page (≤ 100); the adapter follows `Link: rel="next"` up to the requested limit. */
  readonly pageSize: number;
  readonly resilience?: ServicenowResilience;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEFAULT_PAGE_SIZE = 100;

/**
 * Reads the ServiceNow connection from the environment. Unset `SERVICENOW_BASE_URL` means sandbox
 * mode (undefined); set but incomplete or invalid throws a ConfigError naming the key, never its
 * value, so a bad configuration stops start-up (DESIGN.md §9). `SERVICENOW_USERNAME` and
 * `SERVICENOW_PASSWORD` together select the password grant; without them, client credentials.
 *
 * @example const servicenow = loadServicenowConfig(process.env) ?? sandboxServicenowConfig(`http://127.0.0.1:${sandboxPort}/servicenow`)
 */
export const loadServicenowConfig = (env: Readonly<Record<string, string | undefined>>): ServicenowConfig | undefined => {
  const baseUrl = env.SERVICENOW_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('Invalid configuration: SERVICENOW_BASE_URL must be an absolute URL');
  }
  // Client secrets and passwords never travel in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('Invalid configuration: SERVICENOW_BASE_URL must use https (http only on loopback)');
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('Invalid configuration: SERVICENOW_BASE_URL must not carry a query, fragment or credentials');
  const clientId = env.SERVICENOW_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError('Invalid configuration: SERVICENOW_CLIENT_ID is required when SERVICENOW_BASE_URL is set');
  if (!/^[\x21-\x7e]{1,128}$/.test(clientId)) throw new ConfigError('Invalid configuration: SERVICENOW_CLIENT_ID must be printable ASCII without spaces');
  const clientSecret = env.SERVICENOW_CLIENT_SECRET;
  if (!clientSecret) throw new ConfigError('Invalid configuration: SERVICENOW_CLIENT_SECRET is required when SERVICENOW_BASE_URL is set');
  const username = env.SERVICENOW_USERNAME?.trim();
  const password = env.SERVICENOW_PASSWORD;
  if (username && !password) throw new ConfigError('Invalid configuration: SERVICENOW_PASSWORD is required when SERVICENOW_USERNAME is set');
  if (password && !username) throw new ConfigError('Invalid configuration: SERVICENOW_USERNAME is required when SERVICENOW_PASSWORD is set');
  const perHour = env.SERVICENOW_REQUESTS_PER_HOUR?.trim();
  let requestsPerHour: number | undefined;
  if (perHour) {
    requestsPerHour = Number(perHour);
    if (!/^\d{1,9}$/.test(perHour) || requestsPerHour < 1) throw new ConfigError('Invalid configuration: SERVICENOW_REQUESTS_PER_HOUR must be a positive integer');
  }
  return {
    baseUrl: url.href.replace(/\/$/, ''),
    clientId,
    clientSecret,
    grant: username && password ? { type: 'password', username, password } : { type: 'client_credentials' },
    limits: servicenowLimitsFor(requestsPerHour),
    pageSize: DEFAULT_PAGE_SIZE,
  };
};

/** The credentials the ServiceNow sandbox accepts. Not secrets: the sandbox serves seeded demo data only. */
export const SANDBOX_SERVICENOW_CREDENTIALS = {
  clientId: '8f1c2a9b3d4e5f60718293a4b5c6d7e8',
  clientSecret: 'sbx-servicenow-client-secret',
  username: 'strata.integration',
  password: 'sbx-servicenow-password',
} as const;

/** A configuration the ServiceNow sandbox served at `baseUrl` accepts (e.g. `http://127.0.0.1:8081/servicenow`). */
export const sandboxServicenowConfig = (
  baseUrl: string,
  overrides: Partial<Pick<ServicenowConfig, 'resilience' | 'limits' | 'grant' | 'pageSize'>> = {},
): ServicenowConfig => ({
  baseUrl: baseUrl.replace(/\/$/, ''),
  clientId: SANDBOX_SERVICENOW_CREDENTIALS.clientId,
  clientSecret: SANDBOX_SERVICENOW_CREDENTIALS.clientSecret,
  grant: { type: 'client_credentials' },
  limits: SERVICENOW_LIMITS,
  pageSize: DEFAULT_PAGE_SIZE,
  ...overrides,
});
