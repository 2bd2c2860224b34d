/**
 * The port every vendor adapter calls through. One implementation (undici, below); tests inject a
 * fake or point the real one at a sandbox.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path and query, relative to the client's base URL (which may itself carry a path prefix). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request, including the body read. */
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export type TransportFailure = 'timeout' | 'connect' | 'network' | 'too_large';

/** A request that produced no usable HTTP response. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly kind: TransportFailure,
    options?: { cause?: unknown },
  ) {
    super(`vendor transport failure: ${kind}`, options);
  }
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}
