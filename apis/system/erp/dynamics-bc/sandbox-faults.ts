/**
 * What Business Central's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, BC's own: `invalid-token` (a 401 to a token the sandbox issued, as after a key
 * rollover) and `entity-changed` (412, someone else changed the record).
 */
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type BcFault = 'invalid-token' | 'entity-changed';
/** Body of `POST /__sandbox/faults` on the Business Central sandbox. */
export type FaultRule = SharedFaultRule<BcFault>;

/** Canary text in the HTML fault page, so tests can prove it never reaches a log or a client. */
export const HTML_FAULT_CANARY = 'bc-maintenance-canary-51d9';

const JSON_TYPE = 'application/json; charset=utf-8';
const correlation = () => `  CorrelationId:  ${crypto.randomUUID()}.`;

/** BC's OData error envelope: `{"error": {"code", "message"}}`; messages end with a correlation id. */
export const bcError = (status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): Response =>
  new Response(JSON.stringify({ error: { code, message: message + correlation() } }), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

/** The 401 BC answers a missing, expired or foreign token with. */
export const unauthorized = (): Response =>
  bcError(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.', {
    'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
  });

/** The 500 message carries a customer's e-mail, as real server errors can: it must never reach a log. */
const FAULT_ERRORS: Record<ErrorFault, readonly [string, string]> = {
  error500: ['Internal_ServerError', 'An unexpected error occurred while processing customer accounts@globex.example (C08812).'],
  error503: ['Internal_ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'],
  'rate-limit': ['Application_TooManyRequests', 'Too many requests reached. Actual (6001). Maximum (6000).'],
  timeout: ['Internal_GatewayTimeout', 'The request took too long to process.'],
};

/** Every string becomes a number and every number or boolean a string (`@odata.*` annotations kept): right shape, wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('@odata.') ? v : scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

/** The same sandbox under the other loopback name (127.0.0.1 ↔ localhost): a hit there means a client followed the redirect. */
const redirectTarget = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.search(/\/v2\.0\/|\/[^/]+\/oauth2\//);
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const DYNAMICS_BC_FAULTS: VendorFaultProfile<BcFault> = {
  errorResponse: (fault, status, headers) => bcError(status, ...FAULT_ERRORS[fault], headers),
  wrongTypes: scramble,
  htmlPage: `<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Business Central is being updated</h1><p>${HTML_FAULT_CANARY} accounts@globex.example</p></body></html>`,
  extraFaults: {
    'invalid-token': unauthorized,
    'entity-changed': () => bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.'),
  },
  redirectLocation: redirectTarget,
};
