import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Request bodies: JSON only (415 otherwise, with `Accept-Post`, so text or multipart is never parsed as
 * JSON), and at most `maxBytes`. Hono's bodyLimit checks Content-Length first, then counts a chunked
 * stream and stops reading once it passes the limit: the body is never buffered in full (RELIABILITY.md B1, B2).
 *
 * @example app.use('/process/*', jsonBody({ maxBytes: 1024 * 1024 }))
 */
export const jsonBody = (options: { maxBytes: number }): MiddlewareHandler<AppEnv> => {
  if (!(options.maxBytes > 0)) throw new Error('jsonBody: maxBytes must be positive');
  const limit = honoBodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new AppError('http.content_too_large');
    },
  });
  return async function jsonBody(c, next) {
    if (!METHODS_WITH_BODY.has(c.req.method) || c.req.raw.body === null) return next();
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
    const unsupported = () => new AppError('http.unsupported_media_type', { headers: { 'Accept-Post': 'application/json' } });
    const declaredLength = c.req.header('content-length');
    if (!JSON_MEDIA_TYPE.test(mediaType) && declaredLength !== undefined && declaredLength !== '0') throw unsupported();
    return limit(c, async () => {
      // Read (within the limit) once here; the validator reuses Hono's body cache. The WHATWG JSON
      // reader silently drops a byte-order mark, which RFC 8259 §8.1 forbids senders to add: refuse it.
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      // An empty POST (an action such as `/resume`) has no media type to check; routes that need a
      // body still refuse it at validation.
      if (bytes.length === 0) return next();
      if (!JSON_MEDIA_TYPE.test(mediaType)) throw unsupported();
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new AppError('http.malformed_json');
      await next();
    });
  };
};
