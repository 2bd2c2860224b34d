/**
 * What the ServiceNow sandbox's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, ServiceNow's own: `unauthorized` (a revoked or expired token: 401 "User Not
 * Authenticated"). The `html` fault serves the page a hibernating instance answers with a 200.
 */
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';
import type { SnErrorEnvelope } from '../../../../openapi/vendors/servicenow/types.js';

type ServicenowFault = 'unauthorized';
/** Body of `POST /__sandbox/faults` on the ServiceNow sandbox. */
export type FaultRule = SharedFaultRule<ServicenowFault>;

/** Canary text in the fault bodies, so tests can prove it never reaches a log or a client. */
export const FAULT_CANARY = 'servicenow-sandbox-canary-91d7';

const JSON_TYPE = 'application/json;charset=UTF-8';

/** ServiceNow's error envelope `{"error": {"message", "detail"}, "status": "failure"}` with its status. */
export const snErrorResponse = (status: number, message: string, detail: string | null, headers: Readonly<Record<string, string>> = {}): Response =>
  new Response(JSON.stringify({ error: { message, detail }, status: 'failure' } satisfies SnErrorEnvelope), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

export const noRecordFound = () => snErrorResponse(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
export const notAuthenticated = () => snErrorResponse(401, 'User Not Authenticated', 'Required to provide Auth information', { 'www-authenticate': 'BASIC realm="Service-now"' });
export const invalidQuery = (detail: string) => snErrorResponse(400, 'Invalid query', detail);
export const invalidUri = () => snErrorResponse(400, 'Requested URI does not represent any resource', null);

/** The rate-limit headers of a 429 from an inbound REST rate-limit rule. */
export const rateLimitHeaders = (limit: number, resetEpochSeconds: number, ruleSysId: string): Record<string, string> => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-reset': String(resetEpochSeconds),
  'x-ratelimit-rule': ruleSysId,
});
/** The sandbox's one rate-limit rule (`sys_rate_limit_rules`), for the integration user. */
export const SANDBOX_RATE_LIMIT_RULE = '0c1f2a3b4c5d6e7f8091a2b3c4d5e6f7';

const FAULT_ERRORS: Record<Exclude<ErrorFault, 'rate-limit'>, readonly [string, string]> = {
  error500: ['Internal Server Error', `com.glide.rest.util.RESTRuntimeException for beth.anglin@acme-sandbox.example (${FAULT_CANARY})`],
  error503: ['Service Unavailable', `The instance is being upgraded (${FAULT_CANARY})`],
  timeout: ['Transaction cancelled: maximum execution time exceeded', `Check the query or increase the transaction quota (${FAULT_CANARY})`],
};

/** Every string becomes a number and every boolean a string: the right shape with the wrong types. */
const wrongTypes = (value: unknown): unknown => {
  if (typeof value === 'string') return 1234;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(wrongTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return value;
};

/** The same sandbox under the other loopback name: a hit on its `/__sandbox/redirect-target` means a client followed the redirect. */
const otherHost = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = Math.max(url.pathname.indexOf('/api/now/'), url.pathname.indexOf('/oauth_token.do'));
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const SERVICENOW_FAULTS: VendorFaultProfile<ServicenowFault> = {
  errorResponse: (fault, status, headers) => {
    if (fault === 'rate-limit') {
      // An inbound REST rate-limit rule tripped: its headers, and Retry-After (set by the shared mechanism).
      const reset = Math.ceil(Date.now() / 3_600_000) * 3_600;
      return snErrorResponse(status, 'Too Many Requests', `The rate limit rule for this user has been exceeded (${FAULT_CANARY})`, { ...rateLimitHeaders(5_000, reset, SANDBOX_RATE_LIMIT_RULE), ...headers });
    }
    const [message, detail] = FAULT_ERRORS[fault];
    return snErrorResponse(status, message, detail, headers);
  },
  wrongTypes,
  htmlPage: `<!DOCTYPE html><html><head><title>Instance Hibernating page</title></head><body><h1>Your instance is hibernating</h1><p>acme-sandbox.service-now.com ${FAULT_CANARY}</p></body></html>`,
  extraFaults: { unauthorized: notAuthenticated },
  redirectLocation: otherHost,
};
