import { Pool, errors as undiciErrors } from 'undici';
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from './http-client.js';

export interface UndiciHttpClientOptions {
  /** Vendor base URL; a path part (e.g. `/netsuite` on a sandbox) is prefixed to every request path. */
  readonly baseUrl: string;
  /** Keep-alive connections to the vendor: also the vendor's concurrency bulkhead. */
  readonly connections?: number;
  /** Responses larger than this are cut off and reported as `too_large` (never buffered in full). */
  readonly maxResponseBytes?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * `HttpClient` over an undici keep-alive `Pool`, one per vendor. Node's global `fetch` costs about
 * 5× the CPU per call (DESIGN.md §3). Redirects are never followed: a 3xx comes back as a response,
 * so credentials never travel to another host (RELIABILITY.md E7).
 */
export const createUndiciHttpClient = (options: UndiciHttpClientOptions): HttpClient => {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const maxBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 16,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    keepAliveTimeout: 10_000,
    // Deadlines come from the caller's AbortSignal; these are only a backstop.
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });

  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      if (request.signal.aborted) throw new TransportError('timeout');
      let res;
      try {
        res = await pool.request({
          method: request.method,
          path: prefix + request.path,
          headers: request.headers ?? {},
          body: request.body ?? null,
          signal: request.signal,
        });
      } catch (cause) {
        throw classify(cause, request.signal);
      }
      const declared = Number(res.headers['content-length'] ?? '0');
      if (declared > maxBytes) {
        // Destroying the body makes undici emit an abort error on it: swallow it, the answer is `too_large`.
        res.body.on('error', () => undefined);
        res.body.destroy();
        throw new TransportError('too_large');
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > maxBytes) {
            res.body.on('error', () => undefined);
            res.body.destroy();
            throw new TransportError('too_large');
          }
          chunks.push(chunk as Buffer);
        }
      } catch (cause) {
        if (cause instanceof TransportError) throw cause;
        throw classify(cause, request.signal);
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
    },
    close: () => pool.close(),
  };
};

const classify = (cause: unknown, signal: AbortSignal): TransportError => {
  if (signal.aborted || cause instanceof undiciErrors.RequestAbortedError || cause instanceof undiciErrors.HeadersTimeoutError || cause instanceof undiciErrors.BodyTimeoutError) {
    return new TransportError('timeout', { cause });
  }
  if (cause instanceof undiciErrors.ConnectTimeoutError) return new TransportError('connect', { cause });
  const code = (cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return new TransportError('connect', { cause });
  return new TransportError('network', { cause });
};
