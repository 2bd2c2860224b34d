// The Zendesk sandbox's shared HTTP helpers: request recording, path/param/body parsing and Zendesk-shaped answers.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import type { SandboxAccount } from './sandbox-data.js';
import { zdErrorResponse } from './sandbox-faults.js';

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never the token). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the account's base URL: `/api/v2/…`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The JSON body as sent (a string when it was not JSON). */
  readonly body?: unknown;
  /** The request carried `Authorization: Basic` in the `{email}/token:{api_token}` form. */
  readonly apiTokenAuth: boolean;
}

/** What the route handlers share with the sandbox: its clock and the current account (replaced on reset). */
export interface ZendeskSandboxState {
  readonly clock: Clock;
  account(): SandboxAccount;
}

export type Field = string | number | boolean | null;
export type Json = Record<string, unknown>;
const JSON_TYPE = 'application/json; charset=utf-8';
const API_PREFIX = '/api/v2/';
/** Numeric id, with Zendesk's optional `.json` suffix. */
export const ID = ':id{[1-9][0-9]{0,15}(?:\\.json)?}';
export const ID_ONLY = ':id{[1-9][0-9]{0,15}}';

/** `/zendesk/api/v2/tickets` → `/api/v2/tickets`: paths as the vendor documents them. */
const relativePath = (path: string): string => {
  for (const marker of [API_PREFIX, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
/** The account URL the client used, up to the mount point: `url`, `links.next` and `Location` are built from it. */
export const baseUrlOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(API_PREFIX);
  return url.origin + (at > 0 ? url.pathname.slice(0, at) : '');
};
export const basicUser = (c: Context): string | undefined => {
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(c.req.header('authorization') ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
};

export const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  let body: unknown;
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const text = await c.req.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined && body !== '' ? { body } : {}),
    apiTokenAuth: /^[^/]+\/token:.+$/.test(basicUser(c) ?? ''),
  };
};

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
export const badRequest = (error: string, description: string) => zdErrorResponse(400, { error, description });
export const invalidEndpoint = () => zdErrorResponse(404, { error: 'InvalidEndpoint', description: 'Not found' });
export const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
export const idParam = (c: Context) => Number(c.req.param('id')!.replace(/\.json$/, ''));
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export const paths = (...p: string[]) => p.flatMap((x) => [x, `${x}.json`]);

/** Reads `{ <wrapper>: {...} }` from a JSON request body, or answers Zendesk's 400. */
export const readWrapped = async (c: Context, wrapper: string): Promise<Json | Response> => {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return zdErrorResponse(415, { error: 'UnsupportedMediaType', description: 'Send the request body as application/json' });
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return badRequest('InvalidJSON', 'The request body is not valid JSON');
  }
  if (!isObject(body) || !isObject(body[wrapper])) return badRequest('InvalidParameter', `The request body must be {"${wrapper}": {...}}`);
  return body[wrapper] as Json;
};
