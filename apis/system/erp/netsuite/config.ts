import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { CircuitBreakerOptions } from '../../../../shared/resilience/circuit-breaker.js';
import type { VendorLimits } from '../../../../shared/resilience/outbound-budget.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxKeyPair } from './sandbox-credentials.js';

/** Per-vendor resilience knobs, passed to `createVendorCaller` (defaults there). */
export interface NetsuiteResilience {
  readonly attemptTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly responseReserveMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

/**
 * NetSuite's published limit is concurrency governance, not a request rate: an account may have so
 * many web-service requests (SOAP, REST and RESTlets together) in flight at once, by service tier plus
 * 10 per SuiteCloud Plus licence — 15 on the default tier (vendor-specs/README.md, "NetSuite", Rate
 * limits; Oracle's "Concurrency Governance" help topic). Over it, REST answers 429. An account's own
 * figure is at `GET /services/rest/system/v1/governanceLimits`; set `NETSUITE_CONCURRENCY_LIMIT` to it
 * (or to the share an administrator allocated to this integration).
 */
export const NETSUITE_LIMITS: VendorLimits = { concurrency: 15 };

export interface NetsuiteConfig {
  /** `https://<accountId>.suitetalk.api.netsuite.com` (the HttpClient is pointed at the same URL). */
  readonly baseUrl: string;
  readonly accountId: string;
  /** The integration record's client id: the assertion's `iss`. */
  readonly clientId: string;
  /** The certificate id shown by NetSuite's "OAuth 2.0 Client Credentials Setup": the assertion's `kid`. */
  readonly certificateId: string;
  /** RSA (signs PS256) or P-256 (signs ES256). A KeyObject, so the key never prints by accident. */
  readonly privateKey: KeyObject;
  readonly resilience?: NetsuiteResilience;
  /** Days past due a customer may be before NetSuite's AUTO hold applies (see mapper.ts); default 30. */
  readonly creditHoldGraceDays?: number;
  /** The primary subsidiary of customers Strata creates; required by OneWorld accounts. */
  readonly subsidiaryId?: string;
  /** The share of the account's limits this gateway may use; default NETSUITE_LIMITS. */
  readonly limits?: VendorLimits;
}

export type JwtAlg = 'PS256' | 'ES256';

/** The assertion algorithm follows the key NetSuite holds the certificate of. */
export const jwtAlgFor = (key: KeyObject): JwtAlg => {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'PS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error('NetSuite private key must be RSA (PS256) or EC P-256 (ES256)');
};

const REQUIRED = ['NETSUITE_ACCOUNT_ID', 'NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY'] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the NetSuite connection from the environment. Unset `NETSUITE_BASE_URL` means sandbox mode
 * (undefined); set but incomplete or invalid throws an Error naming the key, never its value, so a
 * bad configuration stops start-up (DESIGN.md §9).
 *
 * @example const netsuite = loadNetsuiteConfig(process.env) ?? sandboxNetsuiteConfig(sandboxUrl)
 */
export const loadNetsuiteConfig = (env: Readonly<Record<string, string | undefined>>): NetsuiteConfig | undefined => {
  const baseUrl = env.NETSUITE_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('NETSUITE_BASE_URL is not a URL');
  }
  // Bearer tokens never travel in clear text, except to a sandbox on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error('NETSUITE_BASE_URL must be https (http only for a loopback sandbox)');
  }
  if (url.search || url.hash || url.username || url.password) throw new Error('NETSUITE_BASE_URL must not carry a query, fragment or credentials');
  for (const key of REQUIRED) if (!env[key]?.trim()) throw new Error(`${key} is required when NETSUITE_BASE_URL is set`);
  const subsidiaryId = env.NETSUITE_SUBSIDIARY_ID?.trim();
  if (subsidiaryId && !/^\d{1,12}$/.test(subsidiaryId)) throw new Error('NETSUITE_SUBSIDIARY_ID must be an internal id (digits)');
  const concurrencyText = env.NETSUITE_CONCURRENCY_LIMIT?.trim();
  if (concurrencyText && !(/^\d{1,4}$/.test(concurrencyText) && Number(concurrencyText) >= 1)) throw new Error('NETSUITE_CONCURRENCY_LIMIT must be a whole number from 1');

  const accountId = env.NETSUITE_ACCOUNT_ID!.trim();
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(accountId)) throw new Error('NETSUITE_ACCOUNT_ID must be letters, digits, "_" or "-"');
  let privateKey: KeyObject;
  try {
    // PEMs in env files often carry literal "\n" sequences instead of line breaks.
    privateKey = createPrivateKey(env.NETSUITE_PRIVATE_KEY!.replace(/\\n/g, '\n'));
    jwtAlgFor(privateKey);
  } catch {
    throw new Error('NETSUITE_PRIVATE_KEY must be a PEM private key, RSA or EC P-256');
  }
  return {
    baseUrl: url.href.replace(/\/$/, ''),
    accountId,
    clientId: env.NETSUITE_CLIENT_ID!.trim(),
    certificateId: env.NETSUITE_CERTIFICATE_ID!.trim(),
    privateKey,
    ...(subsidiaryId ? { subsidiaryId } : {}),
    limits: concurrencyText ? { ...NETSUITE_LIMITS, concurrency: Number(concurrencyText) } : NETSUITE_LIMITS,
  };
};

/** A configuration whose credentials the NetSuite sandbox accepts, for a sandbox served at `baseUrl`. */
export const sandboxNetsuiteConfig = (baseUrl: string, overrides: Partial<Pick<NetsuiteConfig, 'resilience' | 'creditHoldGraceDays' | 'subsidiaryId' | 'limits'>> = {}): NetsuiteConfig => ({
  baseUrl: baseUrl.replace(/\/$/, ''),
  accountId: SANDBOX_ACCOUNT_ID,
  clientId: SANDBOX_CLIENT_ID,
  certificateId: SANDBOX_CERTIFICATE_ID,
  privateKey: sandboxKeyPair().privateKey,
  limits: NETSUITE_LIMITS,
  ...overrides,
});
