// What the Chargebee sandbox's request log keeps of each call (RecordedRequest) and how it reads it from a request.
import type { Context } from 'hono';
import { API } from './sandbox-helpers.js';

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never the API key). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point: `/api/v2/customers/AzZGlobex01`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** A form body's fields, in the order sent. */
  readonly form?: ReadonlyArray<readonly [string, string]>;
  /** Whether the request carried HTTP Basic credentials at all (not whether they were right). */
  readonly basicAuth: boolean;
}

const relativePath = (path: string): string => {
  for (const marker of [`${API}/`, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};

export const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  const form = c.req.method === 'POST' && contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') ? [...new URLSearchParams(await c.req.text())] : undefined;
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(form ? { form } : {}),
    basicAuth: /^Basic \S+$/.test(c.req.header('authorization') ?? ''),
  };
};
