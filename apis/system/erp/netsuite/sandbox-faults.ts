import type { ErrorFault, FaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

/** Body of `POST /__sandbox/faults` on the NetSuite sandbox: the shared faults, none of its own. */
export type FaultRuleInput = FaultRule;

export const NS_ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error; charset=UTF-8';

const STATUS_SECTIONS: Record<number, string> = { 400: '15.5.1', 401: '15.5.2', 404: '15.5.5', 415: '15.5.16', 500: '15.6.1', 503: '15.6.4', 504: '15.6.5' };

/** A NetSuite `nsError` response. */
export const nsErrorResponse = (status: number, title: string, errorCode: string, detail: string, errorPath?: string, headers: Record<string, string> = {}): Response => {
  const type = status === 429 ? 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4' : `https://www.rfc-editor.org/rfc/rfc9110.html#section-${STATUS_SECTIONS[status] ?? '15'}`;
  const body = { type, title, status, 'o:errorDetails': [{ detail, 'o:errorCode': errorCode, ...(errorPath ? { 'o:errorPath': errorPath } : {}) }] };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': NS_ERROR_CONTENT_TYPE, ...headers } });
};

/** Title, `o:errorCode` and detail NetSuite answers each error fault with (the 500 detail carries PII, as real ones can). */
const FAULT_ERRORS: Record<ErrorFault, readonly [string, string, string]> = {
  error500: ['Internal Server Error', 'UNEXPECTED_ERROR', 'An unexpected error occurred. Error ID: sandbox-7f3a9c for customer accounts@globex.example'],
  error503: ['Service Unavailable', 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again later.'],
  'rate-limit': ['Too Many Requests', 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'],
  timeout: ['Gateway Timeout', 'TIMEOUT', 'The request timed out.'],
};

/** Every number (also in a string) becomes a word, every boolean a string: a body of the right shape with wrong types. */
const wrongTypes = (value: unknown): unknown => {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) return 'twelve';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(wrongTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return value;
};

/** What NetSuite's faults look like on the wire (RELIABILITY.md E1–E7); the mechanism is shared/sandbox/fault-injection. */
export const NETSUITE_FAULTS: VendorFaultProfile = {
  errorResponse: (fault, status, headers) => {
    const [title, errorCode, detail] = FAULT_ERRORS[fault];
    return nsErrorResponse(status, title, errorCode, detail, undefined, headers);
  },
  wrongTypes,
  htmlPage:
    '<!DOCTYPE html><html><head><title>NetSuite - Scheduled Maintenance</title></head><body><h1>NetSuite is being upgraded</h1><p>Account TSTDRV0000000 will be back shortly. Contact billing@globex.example.</p></body></html>',
};
