// The ServiceNow sandbox's HTTP plumbing: vendor-relative paths, the instance URL, the request log's record, JSON answers.
import type { Context } from 'hono';
import { SN_TABLES, SN_TOKEN_PATH, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never a secret or a token). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the instance URL: `/api/now/table/…`, `/oauth_token.do`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The JSON body as sent (a string when it was not JSON); for the token request, only the form's field names and grant. */
  readonly body?: unknown;
  readonly form?: { readonly keys: readonly string[]; readonly grantType?: string };
  readonly bearer: boolean;
}

export type Json = Record<string, unknown>;
const JSON_TYPE = 'application/json;charset=UTF-8';
const API_PREFIX = '/api/now/';
/** Any record segment: an id that is no sys_id is simply not found, as on an instance. */
export const SYS_ID = ':sys_id';

/** `/servicenow/api/now/table/incident` → `/api/now/table/incident`: paths as the vendor documents them. */
const relativePath = (path: string): string => {
  for (const marker of [API_PREFIX, SN_TOKEN_PATH, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};
/** The instance URL the client used, up to the mount point: links, `Location` and reference links are built from it. */
export const baseUrlOf = (c: Context): string => {
  const url = new URL(c.req.url);
  const path = relativePath(url.pathname);
  return url.origin + url.pathname.slice(0, url.pathname.length - path.length);
};

export const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  const path = relativePath(c.req.path);
  let body: unknown;
  let form: RecordedRequest['form'];
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const text = await c.req.text();
    if (path === SN_TOKEN_PATH) {
      // The token request carries secrets: only its field names and grant type are kept.
      const params = new URLSearchParams(text);
      const grantType = params.get('grant_type');
      form = { keys: [...params.keys()].sort(), ...(grantType ? { grantType } : {}) };
    } else {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
  }
  return {
    method: c.req.method,
    path,
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(body !== undefined && body !== '' ? { body } : {}),
    ...(form ? { form } : {}),
    bearer: /^Bearer \S+$/.test(c.req.header('authorization') ?? ''),
  };
};

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isTable = (name: string): name is SnTable => (SN_TABLES as readonly string[]).includes(name);
