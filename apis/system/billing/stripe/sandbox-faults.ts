/**
 * What the Stripe sandbox's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Stripe's
 * error envelope is `{"error": {type, code?, message, …}}`: 5xx are `api_error`, a 429 is an
 * `invalid_request_error` with code `rate_limit`. Stripe's own extra faults: `invalid-api-key`
 * (401) and `lock-timeout` (Stripe's 429 `lock_timeout`, another request holds the object).
 */
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type StripeFault = 'invalid-api-key' | 'lock-timeout';
/** Body of `POST /__sandbox/faults` on the Stripe sandbox. */
export type FaultRule = SharedFaultRule<StripeFault>;

/** Canary text in the HTML fault page, so tests can prove it never reaches a log or a client. */
export const HTML_FAULT_CANARY = 'stripe-sandbox-maintenance-canary-41c9';

const JSON_TYPE = 'application/json';
type ErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

/** A Stripe error body (with `doc_url` for a coded error, as Stripe sends). */
export const stripeErrorBody = (type: ErrorType, message: string, extra: { code?: string; param?: string } = {}) => ({
  error: {
    ...(extra.code ? { code: extra.code, doc_url: `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}` } : {}),
    message,
    ...(extra.param ? { param: extra.param } : {}),
    type,
  },
});

export const stripeErrorResponse = (status: number, type: ErrorType, message: string, extra: { code?: string; param?: string } = {}, headers: Readonly<Record<string, string>> = {}) =>
  new Response(JSON.stringify(stripeErrorBody(type, message, extra)), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

const FAULT_ERRORS: Record<ErrorFault, () => [ErrorType, string, { code?: string }]> = {
  error500: () => ['api_error', 'An unknown error occurred (sandbox fault).', {}],
  error503: () => ['api_error', 'Stripe is temporarily unavailable (sandbox fault).', {}],
  'rate-limit': () => ['invalid_request_error', 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', { code: 'rate_limit' }],
  timeout: () => ['api_error', 'The request timed out (sandbox fault).', {}],
};

/** Every string becomes a number and every number or boolean a string: right shape, wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'object' ? v : scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

/** The default `redirect` target: this sandbox's `/__sandbox/redirect-target` under the other loopback name. */
const otherHostRedirect = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/v1/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const STRIPE_FAULTS: VendorFaultProfile<StripeFault> = {
  errorResponse: (fault, status, headers) => {
    const [type, message, extra] = FAULT_ERRORS[fault]();
    return stripeErrorResponse(status, type, message, extra, headers);
  },
  wrongTypes: scramble,
  htmlPage: `<!DOCTYPE html><html><head><title>Stripe: scheduled maintenance</title></head><body><p>${HTML_FAULT_CANARY}</p></body></html>`,
  extraFaults: {
    'invalid-api-key': () => stripeErrorResponse(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****0000'),
    'lock-timeout': () =>
      stripeErrorResponse(429, 'invalid_request_error', 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.', { code: 'lock_timeout' }),
  },
  redirectLocation: otherHostRedirect,
};
