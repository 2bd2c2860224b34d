import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';
import { BC_GUID, entraTokenUrl } from '../../../../openapi/vendors/dynamics-bc/types.js';

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface DynamicsBcResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

export interface DynamicsBcConfig {
  /** The service root, `https://api.businesscentral.dynamics.com` (the HttpClient is pointed at it). */
  readonly baseUrl: string;
  /** Entra tenant: a GUID or a verified domain (`contoso.onmicrosoft.com`). */
  readonly tenantId: string;
  /** The environment name, e.g. `production`. */
  readonly environment: string;
  /** The company's `id` (GUID) from `GET …/api/v2.0/companies`. */
  readonly companyId: string;
  /** The Entra app registration (also registered in BC's "Microsoft Entra Applications" page). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Entra's token endpoint; default `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`. */
  readonly tokenUrl: string;
  /**
   * The company's local currency (LCY). Business Central states `creditLimit`, `balance` and
   * `overdueAmount` in LCY; the credit profile converts them to the customer's currency with BC's own
   * `currencyExchangeRates` (whose relational currency is LCY).
   */
  readonly localCurrency: string;
  readonly resilience?: DynamicsBcResilience;
}

/**
 * Business Central's published operational limits for OData/API calls, per user (the app's service
 * principal): 6,000 requests per 5-minute sliding window, 5 requests processed at once (95 more are
 * queued, then 429). Source: Microsoft Learn, "Operational limits for Business Central online" (API
 * and OData request limits), as summarised in vendor-specs/README.md.
 */
export const DYNAMICS_BC_LIMITS: VendorLimits = {
  requests: { limit: 6_000, windowSeconds: 300 },
  concurrency: 5,
};

const REQUIRED = ['BC_TENANT_ID', 'BC_ENVIRONMENT', 'BC_COMPANY_ID', 'BC_CLIENT_ID', 'BC_CLIENT_SECRET', 'BC_LOCAL_CURRENCY'] as const;
/** A GUID, or a DNS name of labels (no empty label, so never `..`): it goes into URL paths. */
const TENANT = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const secureUrl = (key: string, value: string): URL => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`Invalid configuration: ${key} is not a URL`);
  }
  // Client secrets and bearer tokens never travel in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`Invalid configuration: ${key} must use https (http only on loopback)`);
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError(`Invalid configuration: ${key} must not carry a query, fragment or credentials`);
  return url;
};

/**
 * Reads the Business Central connection. `undefined` when `BC_BASE_URL` is unset (sandbox mode: use
 * `sandboxDynamicsBcConfig`); set but incomplete or invalid throws a ConfigError naming the key, never
 * its value, so a half configuration stops start-up. `BC_TOKEN_URL` is optional (Entra's endpoint for
 * the tenant by default).
 *
 * @example const bc = loadDynamicsBcConfig(process.env) ?? sandboxDynamicsBcConfig(`${sandboxUrl}/dynamics-bc`)
 */
export const loadDynamicsBcConfig = (env: Readonly<Record<string, string | undefined>>): DynamicsBcConfig | undefined => {
  const baseUrl = env.BC_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  const url = secureUrl('BC_BASE_URL', baseUrl);
  for (const key of REQUIRED) if (!env[key]?.trim()) throw new ConfigError(`Invalid configuration: ${key} is required when BC_BASE_URL is set`);
  const tenantId = env.BC_TENANT_ID!.trim();
  if (!TENANT.test(tenantId)) throw new ConfigError('Invalid configuration: BC_TENANT_ID must be a GUID or a domain name');
  const environment = env.BC_ENVIRONMENT!.trim();
  if (!ENVIRONMENT.test(environment)) throw new ConfigError('Invalid configuration: BC_ENVIRONMENT must be letters, digits, "-" or "_" (at most 30)');
  const companyId = env.BC_COMPANY_ID!.trim();
  if (!BC_GUID.test(companyId)) throw new ConfigError('Invalid configuration: BC_COMPANY_ID must be the company GUID');
  const localCurrency = env.BC_LOCAL_CURRENCY!.trim();
  if (!/^[A-Z]{3}$/.test(localCurrency)) throw new ConfigError('Invalid configuration: BC_LOCAL_CURRENCY must be an ISO 4217 code');
  const tokenUrl = env.BC_TOKEN_URL?.trim() ? secureUrl('BC_TOKEN_URL', env.BC_TOKEN_URL.trim()).href : entraTokenUrl(tenantId);
  return {
    baseUrl: url.href.replace(/\/$/, ''),
    tenantId,
    environment,
    companyId: companyId.toLowerCase(),
    clientId: env.BC_CLIENT_ID!.trim(),
    clientSecret: env.BC_CLIENT_SECRET!,
    tokenUrl,
    localCurrency,
  };
};

/** The sandbox's tenant, environment, company and app registration. Not secrets: the sandbox serves seeded demo data only. */
export const SANDBOX_DYNAMICS_BC = {
  tenantId: '7e3c2a90-5b1d-4f2e-9a6c-3d8b0f1e2a47',
  environment: 'production',
  companyId: '1f0b7a52-44e3-ea11-bb43-000d3a2f0001',
  clientId: '0c5b9e1a-8d2f-4b7c-a6e3-51f4d2c9b8a0',
  clientSecret: 'sandbox-bc-client-secret',
  localCurrency: 'EUR',
} as const;

/**
 * A configuration the Business Central sandbox served at `baseUrl` accepts; its token endpoint is
 * served by the sandbox too (`{baseUrl}/{tenant}/oauth2/v2.0/token`), so one HttpClient serves both.
 */
export const sandboxDynamicsBcConfig = (baseUrl: string, overrides: Partial<Pick<DynamicsBcConfig, 'resilience'>> = {}): DynamicsBcConfig => {
  const base = baseUrl.replace(/\/$/, '');
  return {
    baseUrl: base,
    ...SANDBOX_DYNAMICS_BC,
    tokenUrl: `${base}/${SANDBOX_DYNAMICS_BC.tenantId}/oauth2/v2.0/token`,
    ...overrides,
  };
};

/**
 * How the token request reaches Entra: through the API's own HttpClient when the token URL lies under
 * `baseUrl` (the sandbox), else through a second client pointed at the token URL's origin.
 */
export const tokenEndpointOf = (config: DynamicsBcConfig): { readonly sharesApiClient: boolean; readonly origin: string; readonly path: string } => {
  const token = new URL(config.tokenUrl);
  if (config.tokenUrl.startsWith(`${config.baseUrl}/`)) return { sharesApiClient: true, origin: token.origin, path: config.tokenUrl.slice(config.baseUrl.length) };
  return { sharesApiClient: false, origin: token.origin, path: token.pathname };
};
