// Reading a raw Stripe request in the sandbox: the path after the mount, the raw query, and the record conformance tests check.
import type { Context } from 'hono';
import { parseStripeForm, type ParsedForm } from './form.js';

/** What the sandbox keeps of one Stripe request, for conformance tests (the key itself never). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point: `/v1/customers/cus_…`. */
  readonly path: string;
  /** Parameter names as sent (`customer`, `expand[]`, `items[0][price]`), query string then body. */
  readonly queryKeys: readonly string[];
  readonly formKeys: readonly string[];
  /** The decoded parameters (bracket notation unfolded); undefined when they did not parse. */
  readonly query?: ParsedForm;
  readonly form?: ParsedForm;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
  readonly stripeVersion?: string;
  /** How the key was sent: `bearer`, `basic`, or `none`. */
  readonly auth: 'bearer' | 'basic' | 'none';
}

/** The path after the mount point (`/stripe/v1/customers` → `/v1/customers`). */
export const relativePath = (path: string): string => {
  const at = path.indexOf('/v1/');
  return at >= 0 ? path.slice(at) : path;
};
export const rawQuery = (c: Context) => {
  const url = c.req.url;
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};
const rawKeys = (text: string) =>
  text
    .split('&')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p.split('=')[0]!.replace(/\+/g, ' '));
      } catch {
        return p.split('=')[0]!;
      }
    });
const tryParse = (text: string) => {
  try {
    return parseStripeForm(text);
  } catch {
    return undefined;
  }
};
const authKind = (header: string | undefined): RecordedRequest['auth'] => (/^Bearer \S+$/.test(header ?? '') ? 'bearer' : /^Basic \S+$/.test(header ?? '') ? 'basic' : 'none');

export const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const query = rawQuery(c);
  const body = c.req.method === 'GET' ? '' : await c.req.text();
  const contentType = c.req.header('content-type');
  const idempotencyKey = c.req.header('idempotency-key');
  const stripeVersion = c.req.header('stripe-version');
  const parsedQuery = tryParse(query);
  const parsedForm = tryParse(body);
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    queryKeys: rawKeys(query),
    formKeys: rawKeys(body),
    ...(parsedQuery ? { query: parsedQuery } : {}),
    ...(parsedForm ? { form: parsedForm } : {}),
    ...(contentType ? { contentType } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(stripeVersion ? { stripeVersion } : {}),
    auth: authKind(c.req.header('authorization')),
  };
};
