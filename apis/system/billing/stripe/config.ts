import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';
import { STRIPE_API_VERSION, STRIPE_MAX_PAGE } from '../../../../openapi/vendors/stripe/types.js';

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface StripeResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

export interface StripeConfig {
  /** `https://api.stripe.com` (or a sandbox, e.g. `http://127.0.0.1:8081/stripe`). */
  readonly baseUrl: string;
  /** A secret (`sk_…`) or restricted (`rk_…`) key, sent as `Authorization: Bearer …`. */
  readonly secretKey: string;
  /** `Stripe-Version` sent on every call: the version of the spec the adapter was written against. */
  readonly apiVersion: string;
  /** Page size for list calls (1–100); tests lower it to exercise cursor pagination. Default 100. */
  readonly pageSize?: number;
  readonly resilience?: StripeResilience;
}

/**
 * Stripe's published rate limits (docs.stripe.com/rate-limits, summarised in
 * shared/vendor-specs/README.md): live mode 100 read and 100 write operations per second, test
 * mode (and sandboxes) 25 per second, plus a concurrency limiter whose figure is not published.
 * The budget has one request counter per vendor, so reads and writes share the lower single
 * figure: 100/s live. Not expressible here and left to Stripe's 429: Search at 20 reads/s, 25/s per
 * endpoint by default, and the per-subscription caps (10 new invoices per minute).
 */
export const STRIPE_LIMITS: VendorLimits = { requests: { limit: 100, windowSeconds: 1 } };
/** Test-mode keys (`sk_test_…`, `rk_test_…`): 25 operations per second. */
export const STRIPE_TEST_MODE_LIMITS: VendorLimits = { requests: { limit: 25, windowSeconds: 1 } };
/** The limits that apply to this key's mode. */
export const stripeLimitsFor = (config: Pick<StripeConfig, 'secretKey'>): VendorLimits =>
  /^[sr]k_live_/.test(config.secretKey) ? STRIPE_LIMITS : STRIPE_TEST_MODE_LIMITS;

export const STRIPE_DEFAULT_BASE_URL = 'https://api.stripe.com';
const SECRET_KEY = /^[sr]k_(live|test)_[A-Za-z0-9]{10,247}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the Stripe connection from the environment. Neither `STRIPE_SECRET_KEY` nor
 * `STRIPE_BASE_URL` set means sandbox mode (undefined). `STRIPE_SECRET_KEY` alone talks to
 * `https://api.stripe.com`; `STRIPE_BASE_URL` points elsewhere (a proxy, stripe-mock, the sandbox) and
 * then needs the key too. Anything incomplete or malformed throws an Error naming the key, never its
 * value, so a bad configuration stops start-up (DESIGN.md §9).
 *
 * @example const stripe = loadStripeConfig(process.env) ?? sandboxStripeConfig(`${sandboxUrl}/stripe`)
 */
export const loadStripeConfig = (env: Readonly<Record<string, string | undefined>>): StripeConfig | undefined => {
  const rawUrl = env.STRIPE_BASE_URL?.trim();
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  if (!rawUrl && !secretKey) return undefined;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is required when STRIPE_BASE_URL is set');
  if (!SECRET_KEY.test(secretKey)) throw new Error('STRIPE_SECRET_KEY must be a secret (sk_live_/sk_test_) or restricted (rk_…) key');
  let url: URL;
  try {
    url = new URL(rawUrl || STRIPE_DEFAULT_BASE_URL);
  } catch {
    throw new Error('STRIPE_BASE_URL is not a URL');
  }
  // The secret key never travels in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error('STRIPE_BASE_URL must be https (http only for a loopback sandbox)');
  }
  if (url.search || url.hash || url.username || url.password) throw new Error('STRIPE_BASE_URL must not carry a query, fragment or credentials');
  return { baseUrl: url.href.replace(/\/$/, ''), secretKey, apiVersion: STRIPE_API_VERSION };
};

/** The key the Stripe sandbox accepts. Not a secret: the sandbox serves seeded demo data only. */
export const SANDBOX_STRIPE_SECRET_KEY = 'sk_test_51StrataSandbox0000000000000000';

/** A configuration the Stripe sandbox accepts, for a sandbox served at `baseUrl`. */
export const sandboxStripeConfig = (baseUrl: string, overrides: Partial<Pick<StripeConfig, 'resilience' | 'pageSize'>> = {}): StripeConfig => ({
  baseUrl: baseUrl.replace(/\/$/, ''),
  secretKey: SANDBOX_STRIPE_SECRET_KEY,
  apiVersion: STRIPE_API_VERSION,
  ...overrides,
});

/** The page size actually used: the configured one, within Stripe's 1–100. */
export const pageSizeOf = (config: StripeConfig): number =>
  Number.isInteger(config.pageSize) ? Math.min(Math.max(config.pageSize!, 1), STRIPE_MAX_PAGE) : STRIPE_MAX_PAGE;
