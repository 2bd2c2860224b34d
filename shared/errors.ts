/**
 * The one error model. Every failure the gateway can answer with has a stable code here, and the
 * code decides the HTTP status, the problem `type` and the `title`. `detail` is always generic:
 * internal messages and vendor bodies never reach a client (RFC 9457 §5, RELIABILITY.md H2).
 */
const PROBLEM_BASE = 'https://strata.dev/problems/';
const IANA_PROBLEMS = 'https://iana.org/assignments/http-problem-types#';

interface ErrorSpec {
  readonly status: number;
  /** Last segment of the problem `type` URI. */
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  /** Use the IANA-registered problem type instead of ours. */
  readonly iana?: boolean;
}

const spec = (status: number, slug: string, title: string, detail: string, iana = false): ErrorSpec => ({ status, slug, title, detail, iana });

export const errorCatalogue = {
  // Authentication and authorisation (RFC 6750, RFC 9068)
  'auth.unauthenticated': spec(401, 'unauthenticated', 'Authentication required', 'This endpoint needs a bearer access token.'),
  'auth.invalid_request': spec(400, 'invalid-request', 'Invalid authentication request', 'Send exactly one access token, in the Authorization header with the Bearer scheme.'),
  'auth.invalid_token': spec(401, 'invalid-token', 'Invalid access token', 'The access token is not valid for this API.'),
  'auth.insufficient_scope': spec(403, 'insufficient-scope', 'Insufficient scope', 'The access token does not carry the scope this operation needs.'),
  'auth.unavailable': spec(503, 'auth-unavailable', 'Token verification unavailable', 'Access tokens cannot be verified right now; try again shortly.'),
  'auth.forbidden': spec(403, 'forbidden', 'Forbidden', 'This client may not use this operation.'),
  // HTTP and input
  'http.not_found': spec(404, 'not-found', 'Not found', 'No resource matches this request.'),
  'http.method_not_allowed': spec(405, 'method-not-allowed', 'Method not allowed', 'This resource does not support the request method.'),
  'http.content_too_large': spec(413, 'content-too-large', 'Content too large', 'The request body exceeds the limit for this route.'),
  'http.unsupported_media_type': spec(415, 'unsupported-media-type', 'Unsupported media type', 'Send the request body as application/json.'),
  'http.malformed_json': spec(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.'),
  'http.validation': spec(422, 'validation', 'Validation failed', 'The request does not match the schema; see errors.'),
  'http.headers_too_large': spec(431, 'headers-too-large', 'Request header fields too large', 'The request headers exceed the limit.'),
  // Gateway policies and dependencies
  'rate_limit.quota_exceeded': spec(429, 'quota-exceeded', 'Quota exceeded', 'This client has used its request quota; retry after the indicated time.', true),
  'dependency.unavailable': spec(503, 'dependency-unavailable', 'Dependency unavailable', 'A service the gateway depends on is unavailable; try again shortly.'),
  'version.retired': spec(410, 'version-retired', 'API version retired', 'This API version has passed its sunset date; migrate to a supported version.'),
  'version.unknown': spec(404, 'unknown-version', 'Unknown API version', 'This API version does not exist; see supportedVersions.'),
  // Vendor faults (RELIABILITY.md E1–E8): the vendor is named, its body never forwarded
  'vendor.timeout': spec(504, 'upstream-timeout', 'Upstream timeout', 'A system of record did not answer in time.'),
  'vendor.error': spec(502, 'upstream-error', 'Upstream error', 'A system of record failed to process the request.'),
  'vendor.invalid_response': spec(502, 'upstream-invalid-response', 'Invalid upstream response', 'A system of record sent a response the gateway cannot use.'),
  'vendor.rate_limited': spec(503, 'temporary-reduced-capacity', 'Temporarily reduced capacity', 'A system of record is throttling the gateway; retry after the indicated time.', true),
  'vendor.circuit_open': spec(503, 'upstream-unavailable', 'Upstream unavailable', 'A system of record is failing; the gateway is not calling it for a short while.'),
  // Domains
  'erp.customer_not_found': spec(404, 'not-found', 'Not found', 'No customer matches this id.'),
  'erp.order_not_found': spec(404, 'not-found', 'Not found', 'No sales order matches this id.'),
  'erp.item_not_found': spec(422, 'validation', 'Validation failed', 'An order line names an item the ERP does not know.'),
  'erp.invalid_order': spec(422, 'validation', 'Validation failed', 'The ERP cannot accept this order (currency or terms do not match the customer).'),
  'erp.duplicate_customer': spec(409, 'conflict', 'Conflict', 'More than one ERP customer matches; resolve the duplicate in the ERP.'),
  'crm.account_not_found': spec(404, 'not-found', 'Not found', 'No account matches this id.'),
  'crm.contact_not_found': spec(404, 'not-found', 'Not found', 'No contact matches this id.'),
  'crm.opportunity_not_found': spec(404, 'not-found', 'Not found', 'No opportunity matches this id.'),
  'crm.update_rejected': spec(422, 'validation', 'Validation failed', 'The CRM rejected the change (a validation rule or a restricted value).'),
  'billing.customer_not_found': spec(404, 'not-found', 'Not found', 'No billing customer matches this id.'),
  'billing.subscription_not_found': spec(404, 'not-found', 'Not found', 'No subscription matches this id.'),
  'billing.plan_not_found': spec(422, 'validation', 'Validation failed', 'The plan does not exist in the billing platform.'),
  'billing.reference_conflict': spec(409, 'conflict', 'Conflict', 'This reference was already used for a different request.'),
  'billing.invalid_state': spec(409, 'conflict', 'Conflict', 'The subscription is not in a state that allows this change.'),
  'support.organization_not_found': spec(404, 'not-found', 'Not found', 'No support organisation matches this id.'),
  'support.case_not_found': spec(404, 'not-found', 'Not found', 'No case matches this id.'),
  'support.duplicate_organization': spec(409, 'conflict', 'Conflict', 'An organisation with this name already exists under another reference.'),
  // Process runs (RELIABILITY.md E9)
  'process.operation_not_found': spec(404, 'not-found', 'Not found', 'No operation matches this id.'),
  'process.in_progress': spec(409, 'request-in-progress', 'Request in progress', 'This process is already running for the same subject; retry after the indicated time.'),
  'process.step_parked': spec(409, 'business-exception', 'Business exception', 'A step needs attention before the process can continue; see remediation, then resume the operation.'),
  'xref.not_linked': spec(404, 'not-found', 'Not found', 'The account is not linked to a record in the requested system.'),
  // Last resort
  internal: spec(500, 'internal', 'Internal error', 'The gateway failed to process the request; quote the traceId when reporting it.'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorSpec = (code: ErrorCode): ErrorSpec => errorCatalogue[code];
export const problemType = (code: ErrorCode): string => {
  const s: ErrorSpec = errorCatalogue[code];
  return (s.iana ? IANA_PROBLEMS : PROBLEM_BASE) + s.slug;
};

/** One entry of a problem's `errors[]`: where the request is wrong and which rule it broke (never the value). */
export interface FieldError {
  readonly pointer?: string;
  readonly parameter?: string;
  readonly header?: string;
  readonly detail: string;
}

export interface AppErrorOptions {
  /** Safe, generic text; defaults to the catalogue's detail. Never a vendor or exception message. */
  readonly detail?: string;
  readonly retryAfterSeconds?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly errors?: readonly FieldError[];
  /** Extra problem members (e.g. `vendor`, `violated-policies`, `supportedVersions`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** Thrown anywhere in a request; `onError` turns it into a problem response. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly options: AppErrorOptions;
  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.options = options;
  }
  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

/** Lifts a port's DomainError into a throwable AppError, carrying vendor and Retry-After. */
export const fromDomainError = (error: { code: ErrorCode; vendor?: string; retryAfterSeconds?: number }): AppError =>
  new AppError(error.code, {
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    ...(error.vendor ? { extensions: { vendor: error.vendor } } : {}),
  });
