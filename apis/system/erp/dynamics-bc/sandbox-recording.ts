// What the Business Central sandbox records of each vendor call (request log), bearer tokens masked.
import type { Context } from 'hono';

/** What the sandbox saw of one request (for conformance tests); the bearer token itself is not kept. */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point, without the query: `/v2.0/{tenant}/{env}/api/v2.0/companies(…)/customers`. */
  readonly path: string;
  /** Decoded query options (`$filter`, `$select`, …). */
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const RECORDED_HEADERS = ['accept', 'content-type', 'if-match', 'prefer', 'traceparent', 'authorization'];
/** Where a BC API path starts: `/v2.0/{tenant}/{environment}/api/v2.0`. */
export const API_PATH = /\/v2\.0\/[^/]+\/[^/]+\/api\/v2\.0(?:\/|$)/;
const TOKEN_PATH = /\/[^/]+\/oauth2\/v2\.0\/token$/;

/** Where the sandbox is mounted (`/dynamics-bc`), from a request path. */
const mountOf = (path: string): string => {
  for (const marker of [API_PATH, TOKEN_PATH, /\/__sandbox\//]) {
    const at = path.search(marker);
    if (at >= 0) return path.slice(0, at);
  }
  return '';
};
const relativePath = (path: string) => path.slice(mountOf(path).length);

export const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = name === 'authorization' ? value.replace(/^(\S+)\s+\S.*$/, '$1 [token]') : value;
  }
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'DELETE' ? undefined : await c.req.text();
  const query = Object.fromEntries(new URL(c.req.url).searchParams);
  return { method: c.req.method, path: relativePath(c.req.path), query, headers, ...(body !== undefined ? { body } : {}) };
};
