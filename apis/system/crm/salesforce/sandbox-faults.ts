/**
 * What the Salesforce sandbox's faults look like on the wire (RELIABILITY.md E1–E7); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, Salesforce's own: `request-limit` (`REQUEST_LIMIT_EXCEEDED` 403, the org's API
 * allocation is spent) and `invalid-session` (an expired session).
 */
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type SalesforceFault = 'request-limit' | 'invalid-session';
/** Body of `POST /__sandbox/faults` on the Salesforce sandbox. */
export type FaultRule = SharedFaultRule<SalesforceFault>;

/** Canary text in the HTML fault page, so tests can prove it never reaches a log or a client. */
export const HTML_FAULT_CANARY = 'sandbox-maintenance-canary-7f3a';

const JSON_TYPE = 'application/json;charset=UTF-8';
const sfErrors = (status: number, errorCode: string, message: string, headers: Readonly<Record<string, string>> = {}) =>
  new Response(JSON.stringify([{ message, errorCode }]), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

const FAULT_ERRORS: Record<ErrorFault, readonly [string, string]> = {
  error500: ['UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1882031567-12345 (sandbox)'],
  error503: ['SERVER_UNAVAILABLE', 'Server temporarily unavailable (sandbox).'],
  'rate-limit': ['REQUEST_LIMIT_EXCEEDED', 'Too many requests (sandbox).'],
  timeout: ['REQUEST_RUNNING_TOO_LONG', 'Your request was running for too long (sandbox).'],
};

/** Every string becomes a number and every number or boolean a string: right shape, wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'attributes' ? v : scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

export const SALESFORCE_FAULTS: VendorFaultProfile<SalesforceFault> = {
  errorResponse: (fault, status, headers) => sfErrors(status, ...FAULT_ERRORS[fault], headers),
  wrongTypes: scramble,
  htmlPage: `<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body><p>${HTML_FAULT_CANARY}</p></body></html>`,
  extraFaults: {
    'request-limit': () => sfErrors(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
    'invalid-session': () => sfErrors(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
  },
  redirectLocation: () => 'https://login.salesforce.example/',
};
