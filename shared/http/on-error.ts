import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, type ErrorCode } from '../errors.js';
import type { AppEnv } from './app-env.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/** Hono's own HTTPExceptions (body limit, bad JSON) mapped onto our codes by status. */
const httpExceptionCodes: Record<number, ErrorCode> = {
  400: 'http.malformed_json',
  401: 'auth.unauthenticated',
  403: 'auth.forbidden',
  404: 'http.not_found',
  405: 'http.method_not_allowed',
  413: 'http.content_too_large',
  415: 'http.unsupported_media_type',
  431: 'http.headers_too_large',
};

export const problemResponse = (c: Context<AppEnv>, error: AppError): Response => {
  const body = problem({
    code: error.code,
    traceId: c.get('requestId') ?? 'unknown',
    ...(error.options.detail ? { detail: error.options.detail } : {}),
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    ...(error.options.extensions ? { extensions: error.options.extensions } : {}),
  });
  const headers = new Headers(error.options.headers);
  headers.set('content-type', PROBLEM_CONTENT_TYPE);
  headers.set('cache-control', 'no-store');
  if (error.options.retryAfterSeconds !== undefined) headers.set('retry-after', String(Math.max(0, Math.ceil(error.options.retryAfterSeconds))));
  return new Response(JSON.stringify(body), { status: body.status, headers });
};

/**
 * The one `onError`: AppError → its catalogue entry; Hono HTTPException → keep status and headers;
 * anything else → a generic 500 with the trace id, the cause logged, the message never returned.
 */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError) {
    if (error.status >= 500) c.get('logger')?.warn({ code: error.code, cause: describeCause(error.cause) }, 'request failed');
    return problemResponse(c, error);
  }
  if (error instanceof HTTPException) {
    const code = httpExceptionCodes[error.status] ?? 'internal';
    const headers: Record<string, string> = code === 'http.unsupported_media_type' ? { 'Accept-Post': 'application/json' } : {};
    error.getResponse().headers.forEach((v, k) => {
      if (k !== 'content-type' && k !== 'content-length') headers[k] = v;
    });
    return problemResponse(c, new AppError(code, { headers }));
  }
  c.get('logger')?.error({ err: error }, 'unhandled error');
  return problemResponse(c, new AppError('internal'));
};

export const notFound: NotFoundHandler<AppEnv> = (c) => problemResponse(c, new AppError('http.not_found'));

const describeCause = (cause: unknown): string | undefined =>
  cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
