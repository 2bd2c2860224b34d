import { ConfigError } from '../../../../shared/config/gateway-config.js';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';
import { createBasicAuth, type SapAuth } from './auth.js';

/**
 * SAP publishes no numeric request or concurrency limit for S/4HANA Cloud OData APIs (the
 * vendor-specs README found none; SAP asks integrations to treat 429 and 503 as "retry later").
 * Every API call runs in one of the tenant's ABAP work processes, the same pool the tenant's own
 * users work in, and a small tenant has only a few dozen. So the gateway holds itself to 8 requests
 * in flight across all its processes — at most a fraction of that pool even when every call is slow,
 * so order entry in the tenant is never starved by us — and to no request-rate limit (none is
 * published to stay under). Raise it with the tenant's operations team after measuring.
 */
export const SAP_S4HANA_LIMITS: VendorLimits = { concurrency: 8 };

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface SapResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

/** The sales area Strata sells in: orders are created in it, the customer's currency is read from it. */
export interface SapSalesArea {
  readonly salesOrganization: string;
  readonly distributionChannel: string;
  readonly division: string;
}

export interface SapS4hanaConfig {
  /** The tenant's API host, `https://my123456-api.s4hana.cloud.sap` (the HttpClient points at it too). */
  readonly baseUrl: string;
  /** The communication user's credentials (HTTP Basic), or an OAuth 2.0 provider (see auth.ts). */
  readonly auth: SapAuth;
  readonly salesArea: SapSalesArea;
  /** Sales document type of new orders (`OR`, standard order). */
  readonly salesOrderType: string;
  /** Business partner grouping of new customers (number range); `BP02` in SAP's best-practice content. */
  readonly businessPartnerGrouping: string;
  /** Roles given to a new customer: `FLCU00` (FI customer) and `FLCU01` (sales customer). */
  readonly customerRoles: readonly string[];
  /** Credit segment read when the customer's sales area names no credit control area. */
  readonly defaultCreditSegment: string;
  /** Pricing condition that carries a manual unit price (`PPR0`, price, in S/4HANA Cloud's pricing procedure). */
  readonly manualPriceCondition: string;
  /** Language of new addresses (`EN`). */
  readonly language: string;
  /** Days past due after which overdue open items put the customer on hold (default 30). */
  readonly creditHoldGraceDays: number;
  readonly resilience?: SapResilience;
}

const DEFAULTS = {
  salesArea: { salesOrganization: '1010', distributionChannel: '10', division: '00' },
  salesOrderType: 'OR',
  businessPartnerGrouping: 'BP02',
  customerRoles: ['FLCU00', 'FLCU01'],
  defaultCreditSegment: '0000',
  manualPriceCondition: 'PPR0',
  language: 'EN',
  creditHoldGraceDays: 30,
} as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Optional settings: env key → [config path, pattern]. */
const CODES: ReadonlyArray<readonly [string, RegExp]> = [
  ['SAP_SALES_ORGANIZATION', /^[A-Z0-9]{4}$/],
  ['SAP_DISTRIBUTION_CHANNEL', /^[A-Z0-9]{2}$/],
  ['SAP_DIVISION', /^[A-Z0-9]{2}$/],
  ['SAP_SALES_ORDER_TYPE', /^[A-Z0-9]{1,4}$/],
  ['SAP_BP_GROUPING', /^[A-Z0-9]{1,4}$/],
  ['SAP_CREDIT_SEGMENT', /^[A-Z0-9]{1,10}$/],
  ['SAP_PRICE_CONDITION', /^[A-Z0-9]{4}$/],
];

/**
 * Reads the SAP S/4HANA Cloud connection. `undefined` when `SAP_BASE_URL` is unset (sandbox mode: use
 * `sandboxSapS4hanaConfig`); throws a ConfigError naming the key (never its value) when the settings
 * are incomplete or malformed, so a bad configuration stops start-up.
 *
 * Env: `SAP_BASE_URL`, `SAP_USERNAME`, `SAP_PASSWORD` (the communication user of the communication
 * arrangements for SAP_COM_0008 business partner and SAP_COM_0109 sales order, plus the finance
 * scenarios); optional `SAP_SALES_ORGANIZATION` (1010), `SAP_DISTRIBUTION_CHANNEL` (10),
 * `SAP_DIVISION` (00), `SAP_SALES_ORDER_TYPE` (OR), `SAP_BP_GROUPING` (BP02), `SAP_CREDIT_SEGMENT`
 * (0000), `SAP_PRICE_CONDITION` (PPR0), `SAP_CREDIT_HOLD_GRACE_DAYS` (30).
 *
 * @example const sap = loadSapS4hanaConfig(process.env) ?? sandboxSapS4hanaConfig(`${sandboxUrl}/sap-s4hana`)
 */
export const loadSapS4hanaConfig = (env: Readonly<Record<string, string | undefined>>): SapS4hanaConfig | undefined => {
  const baseUrl = env.SAP_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('Invalid configuration: SAP_BASE_URL must be an absolute URL');
  }
  // Basic credentials never travel in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('Invalid configuration: SAP_BASE_URL must use https (http only on loopback)');
  }
  if (url.search || url.hash || url.username || url.password) throw new ConfigError('Invalid configuration: SAP_BASE_URL must not carry a query, fragment or credentials');
  const username = env.SAP_USERNAME?.trim();
  if (!username) throw new ConfigError('Invalid configuration: SAP_USERNAME is required when SAP_BASE_URL is set');
  if (username.includes(':')) throw new ConfigError('Invalid configuration: SAP_USERNAME must not contain ":"');
  const password = env.SAP_PASSWORD;
  if (!password) throw new ConfigError('Invalid configuration: SAP_PASSWORD is required when SAP_BASE_URL is set');

  const code = (key: string): string | undefined => {
    const value = env[key]?.trim();
    if (value === undefined || value === '') return undefined;
    const pattern = CODES.find(([k]) => k === key)![1];
    if (!pattern.test(value)) throw new ConfigError(`Invalid configuration: ${key} is not a valid SAP code`);
    return value;
  };
  const graceText = env.SAP_CREDIT_HOLD_GRACE_DAYS?.trim();
  if (graceText && !/^\d{1,3}$/.test(graceText)) throw new ConfigError('Invalid configuration: SAP_CREDIT_HOLD_GRACE_DAYS must be a whole number of days');

  return {
    ...DEFAULTS,
    baseUrl: url.href.replace(/\/$/, ''),
    auth: createBasicAuth(username, password),
    salesArea: {
      salesOrganization: code('SAP_SALES_ORGANIZATION') ?? DEFAULTS.salesArea.salesOrganization,
      distributionChannel: code('SAP_DISTRIBUTION_CHANNEL') ?? DEFAULTS.salesArea.distributionChannel,
      division: code('SAP_DIVISION') ?? DEFAULTS.salesArea.division,
    },
    salesOrderType: code('SAP_SALES_ORDER_TYPE') ?? DEFAULTS.salesOrderType,
    businessPartnerGrouping: code('SAP_BP_GROUPING') ?? DEFAULTS.businessPartnerGrouping,
    defaultCreditSegment: code('SAP_CREDIT_SEGMENT') ?? DEFAULTS.defaultCreditSegment,
    manualPriceCondition: code('SAP_PRICE_CONDITION') ?? DEFAULTS.manualPriceCondition,
    ...(graceText ? { creditHoldGraceDays: Number(graceText) } : {}),
  };
};

/** The communication user the SAP sandbox accepts. Not a secret: the sandbox serves seeded demo data only. */
export const SANDBOX_SAP_CREDENTIALS = { username: 'STRATA_COMM_USER', password: 'sandbox-communication-password' } as const;

/** A configuration the SAP sandbox served at `baseUrl` (e.g. `http://127.0.0.1:8081/sap-s4hana`) accepts. */
export const sandboxSapS4hanaConfig = (baseUrl: string, overrides: Partial<Omit<SapS4hanaConfig, 'baseUrl'>> = {}): SapS4hanaConfig => ({
  ...DEFAULTS,
  baseUrl: baseUrl.replace(/\/$/, ''),
  auth: createBasicAuth(SANDBOX_SAP_CREDENTIALS.username, SANDBOX_SAP_CREDENTIALS.password),
  ...overrides,
});
