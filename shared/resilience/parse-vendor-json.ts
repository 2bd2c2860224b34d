import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { err, ok, type Result } from '../result.js';
import type { HttpResponse } from '../vendor-http/http-client.js';

/**
 * Parses and validates a vendor body against the vendor's schema. Anything else — an HTML error page
 * with a 200, truncated JSON, wrong types — is `vendor.invalid_response`; only the length and a hash
 * of the bad payload are logged, never the payload (RELIABILITY.md E6). Unknown fields are dropped by
 * the schema, so nothing the adapter did not ask for travels further.
 */
export const parseVendorJson = <S extends z.ZodType>(
  response: HttpResponse,
  schema: S,
  meta: { readonly domain: string; readonly vendor: string; readonly logger?: Logger },
): Result<z.output<S>> => {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return invalid(response, meta, 'not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return invalid(response, meta, 'schema mismatch', parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5));
  return ok(parsed.data);
};

const invalid = (response: HttpResponse, meta: { domain: string; vendor: string; logger?: Logger }, reason: string, paths?: string[]) => {
  meta.logger?.warn(
    {
      vendor: meta.vendor,
      status: response.status,
      reason,
      paths,
      bytes: response.body.length,
      sha256: createHash('sha256').update(response.body).digest('hex').slice(0, 16),
    },
    'invalid vendor response',
  );
  return err({ code: 'vendor.invalid_response' as const, retryable: false, vendor: meta.domain });
};

/**
 * A vendor body read as `schema`, or undefined when it is not JSON or not of that shape — for the
 * error envelopes adapters read codes from (never messages), where a mismatch is not itself a fault.
 */
export const readJsonAs = <S extends z.ZodType>(body: string, schema: S): z.output<S> | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
};
