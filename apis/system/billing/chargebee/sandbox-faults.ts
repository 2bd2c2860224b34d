/**
 * What the Chargebee sandbox's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, Chargebee's own: `lock-timeout` (429 `lock_timeout`, concurrent writes to one
 * resource, no Retry-After) and `request-blocked` (403 `request_blocked`, a site blocked for
 * exceeding its limit).
 */
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type ChargebeeFault = 'lock-timeout' | 'request-blocked';
/** Body of `POST /__sandbox/faults` on the Chargebee sandbox. */
export type FaultRule = SharedFaultRule<ChargebeeFault>;

/** Canary text in the HTML fault page and the 500 message, so tests can prove neither reaches a log or a client. */
export const HTML_FAULT_CANARY = 'chargebee-maintenance-canary-5c1e';
export const ERROR_MESSAGE_CANARY = 'chargebee-internal-canary-9d2b';

/**
 * A Chargebee error response: `{message, type, api_error_code, param?, error_code, error_msg,
 * http_status_code}` — the envelope of the spec's `400`…`503` schemas plus the two legacy fields and
 * the status Chargebee also sends.
 */
export const chargebeeError = (
  status: number,
  apiErrorCode: string,
  type: string,
  message: string,
  options: { readonly param?: string; readonly headers?: Readonly<Record<string, string>> } = {},
): Response =>
  new Response(
    JSON.stringify({
      message,
      type,
      api_error_code: apiErrorCode,
      ...(options.param ? { param: options.param } : {}),
      error_code: apiErrorCode,
      error_msg: message,
      http_status_code: status,
    }),
    { status, headers: { 'content-type': 'application/json;charset=utf-8', ...options.headers } },
  );

const FAULT_ERRORS: Record<ErrorFault, readonly [string, string, string]> = {
  error500: ['internal_error', 'operation_failed', `Sorry,Something went wrong when trying to process the request. Reference ${ERROR_MESSAGE_CANARY} for accounts@globex.example`],
  error503: ['internal_temporary_error', 'operation_failed', 'Sorry, the site is temporarily unavailable. Please retry.'],
  'rate-limit': ['api_request_limit_exceeded', 'operation_failed', 'Sorry, access has been blocked temporarily due to request count exceeding acceptable limits. Please try after some time.'],
  timeout: ['internal_temporary_error', 'operation_failed', 'The request timed out.'],
};

/** Every string becomes a number and every number or boolean a string: the right shape with wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

/** `redirect` points at this sandbox's `/__sandbox/redirect-target` under the other loopback name. */
const otherHost = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/api/v2/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const CHARGEBEE_FAULTS: VendorFaultProfile<ChargebeeFault> = {
  errorResponse: (fault, status, headers) => {
    const [code, type, message] = FAULT_ERRORS[fault];
    return chargebeeError(status, code, type, message, { headers });
  },
  wrongTypes: scramble,
  htmlPage: `<!DOCTYPE html><html><head><title>Chargebee - Under maintenance</title></head><body><h1>We'll be back soon</h1><p>${HTML_FAULT_CANARY}</p></body></html>`,
  extraFaults: {
    'lock-timeout': () => chargebeeError(429, 'lock_timeout', 'operation_failed', 'The resource is being updated by another request. Please retry.'),
    'request-blocked': () => chargebeeError(403, 'request_blocked', 'operation_failed', 'Sorry, this site has been blocked due to too many requests.'),
  },
  redirectLocation: otherHost,
};
