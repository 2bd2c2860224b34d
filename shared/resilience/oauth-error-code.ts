import { readJsonAs } from './parse-vendor-json.js';
import type { z } from 'zod';

/** RFC 6749 §5.2 codes are short snake_case words; anything else may be vendor text, so it is not logged. */
const LOGGABLE_CODE = /^[a-z_]{1,64}$/;

/**
 * The OAuth `error` code of a refused vendor token request (`invalid_client`, `invalid_grant`…), read
 * with the vendor's own error schema — the one part of that body that is safe to log. The
 * `error_description` and anything else in it are vendor text and stay out of logs.
 *
 * @example logger.error({ vendor, status: res.status, oauthError: oauthErrorCode(res.body, NsOAuthErrorSchema) }, 'token request rejected')
 */
export const oauthErrorCode = (body: string, schema: z.ZodType<{ readonly error: string }>): string | undefined => {
  const code = readJsonAs(body, schema)?.error;
  return code !== undefined && LOGGABLE_CODE.test(code) ? code : undefined;
};
