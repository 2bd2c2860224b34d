/**
 * What the HubSpot sandbox's faults look like on the wire (RELIABILITY.md E1–E8); the mechanism —
 * `x-sandbox-fault` header, `POST /__sandbox/faults` — is shared/sandbox/fault-injection. Besides the
 * shared faults, HubSpot's own: `daily-limit` (429, policy `DAILY`, no Retry-After), `missing-scopes`
 * (403 `MISSING_SCOPES`), `invalid-auth` (401 `INVALID_AUTHENTICATION`, e.g. a rotated token) and
 * `oversized` (a 200 whose body streams past any sane cap, with no Content-Length: E8).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ErrorFault, FaultRule as SharedFaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

type HubspotFault = 'daily-limit' | 'missing-scopes' | 'invalid-auth' | 'oversized';
/** Body of `POST /__sandbox/faults` on the HubSpot sandbox. */
export type FaultRule = SharedFaultRule<HubspotFault>;

/** Canary text in the HTML fault page, so tests can prove it never reaches a log or a client. */
export const HTML_FAULT_CANARY = 'hubspot-sandbox-maintenance-canary-4c1e';
/** Bytes the `oversized` fault streams (8 MiB: above the HTTP client's 5 MiB default cap). */
export const OVERSIZED_BYTES = 8 * 1024 * 1024;

const JSON_TYPE = 'application/json;charset=utf-8';

/** HubSpot's error envelope. */
export const hubspotError = (status: number, fields: { message: string; category?: string } & Record<string, unknown>, headers: Readonly<Record<string, string>> = {}) =>
  new Response(JSON.stringify({ status: 'error', correlationId: randomUUID(), ...fields }), { status, headers: { 'content-type': JSON_TYPE, ...headers } });

/** The 429 HubSpot sends when a rolling-window or daily limit is spent. */
export const rateLimitError = (policy: 'TEN_SECONDLY_ROLLING' | 'DAILY', headers: Readonly<Record<string, string>> = {}) =>
  hubspotError(
    429,
    { message: `You have reached your ${policy.toLowerCase()} limit.`, errorType: 'RATE_LIMIT', policyName: policy, category: 'RATE_LIMITS' },
    headers,
  );

const FAULT_ERRORS: Record<Exclude<ErrorFault, 'rate-limit'>, { message: string; category: string }> = {
  error500: { message: 'internal error (sandbox)', category: 'INTERNAL_ERROR' },
  error503: { message: 'Service unavailable (sandbox)', category: 'SERVICE_UNAVAILABLE' },
  timeout: { message: 'The request timed out (sandbox)', category: 'TIMEOUT' },
};

/** Every string becomes a number and every number or boolean a string: right shape, wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

/** A JSON-looking body that never ends in time: 64 KiB chunks up to OVERSIZED_BYTES, no Content-Length. */
const oversized = () => {
  const chunk = new TextEncoder().encode(`${' '.repeat(64 * 1024 - 1)}\n`);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"results":['));
      if (sent >= OVERSIZED_BYTES) {
        controller.enqueue(new TextEncoder().encode(']}'));
        return controller.close();
      }
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': JSON_TYPE } });
};

/** The default redirect target: this sandbox's `/__sandbox/redirect-target` under the other loopback name. */
const otherHost = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/crm/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

export const HUBSPOT_FAULTS: VendorFaultProfile<HubspotFault> = {
  errorResponse: (fault, status, headers) => (fault === 'rate-limit' ? rateLimitError('TEN_SECONDLY_ROLLING', headers) : hubspotError(status, FAULT_ERRORS[fault], headers)),
  wrongTypes: scramble,
  htmlPage: `<!DOCTYPE html><html><head><title>HubSpot is down for maintenance</title></head><body><p>${HTML_FAULT_CANARY}</p></body></html>`,
  extraFaults: {
    'daily-limit': () => rateLimitError('DAILY'),
    'missing-scopes': () =>
      hubspotError(403, {
        message: "This app hasn't been granted all required scopes to make this call.",
        category: 'MISSING_SCOPES',
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.companies.read'] } }],
      }),
    'invalid-auth': () => hubspotError(401, { message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }),
    oversized,
  },
  redirectLocation: otherHost,
};
