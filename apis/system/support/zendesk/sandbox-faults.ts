/**
 * What the Zendesk sandbox's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, Zendesk's own: `unauthorized` (a revoked API token: 401 "Couldn't authenticate you").
 */
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type ZendeskFault = 'unauthorized';
/** Body of `POST /__sandbox/faults` on the Zendesk sandbox. */
export type FaultRule = SharedFaultRule<ZendeskFault>;

/** Canary text in the fault bodies, so tests can prove it never reaches a log or a client. */
export const FAULT_CANARY = 'zendesk-sandbox-canary-4c1e';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A Zendesk JSON error body (`{error, description, details}` or `{error: {title, message}}`) with its status. */
export const zdErrorResponse = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

export const recordNotFound = () => zdErrorResponse(404, { error: 'RecordNotFound', description: 'Not found' });
export const couldNotAuthenticate = () => zdErrorResponse(401, { error: "Couldn't authenticate you" }, { 'www-authenticate': 'Basic realm="Web Password"' });
/** 422 `RecordInvalid` naming each invalid field with Zendesk's error code (`BlankValue`, `DuplicateValue`, `InvalidValue`). */
export const recordInvalid = (details: Record<string, readonly (readonly [error: string, description: string])[]>) =>
  zdErrorResponse(422, {
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: Object.fromEntries(Object.entries(details).map(([field, errors]) => [field, errors.map(([error, description]) => ({ description, error }))])),
  });

const FAULT_ERRORS: Record<Exclude<ErrorFault, 'rate-limit'>, readonly [string, string]> = {
  error500: ['Internal Server Error', `Something went wrong (request 7f3a9c for hanna.becker@globex.example, ${FAULT_CANARY})`],
  error503: ['Service Unavailable', `Zendesk is temporarily down for maintenance (${FAULT_CANARY})`],
  timeout: ['Gateway Timeout', `The server did not answer in time (${FAULT_CANARY})`],
};

/** Every number becomes a word and every boolean a string: the right shape with wrong types. */
const wrongTypes = (value: unknown): unknown => {
  if (typeof value === 'number') return 'twelve';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(wrongTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return value;
};

/** The same sandbox under the other loopback name: a hit on its `/__sandbox/redirect-target` means a client followed the redirect. */
const otherHost = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/api/v2/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const ZENDESK_FAULTS: VendorFaultProfile<ZendeskFault> = {
  errorResponse: (fault, status, headers) => {
    // Zendesk's throttling answer, with the account's limit headers spent.
    if (fault === 'rate-limit') {
      return zdErrorResponse(status, { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, { 'x-rate-limit': '700', 'x-rate-limit-remaining': '0', ...headers });
    }
    const [title, message] = FAULT_ERRORS[fault];
    return zdErrorResponse(status, { error: { title, message } }, headers);
  },
  wrongTypes,
  htmlPage: `<!DOCTYPE html><html><head><title>Zendesk is down for maintenance</title></head><body><h1>We'll be back soon</h1><p>acme-sandbox.zendesk.com ${FAULT_CANARY}</p></body></html>`,
  extraFaults: { unauthorized: couldNotAuthenticate },
  redirectLocation: otherHost,
};
