import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { matchedOperation, operationKey } from '../../shared/http/matched-operation.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.js';
import type { MaskingPlan } from './masking-plan.js';
import { maskPiiInText } from './pii-maskers.js';

export interface MaskResponsesOptions {
  /** From `createMaskingPlan(document)`, built once at start-up. */
  readonly plan: MaskingPlan;
  /** The scope that lets a caller see PII unmasked. */
  readonly revealScope?: string;
}

const mediaTypeOf = (res: Response): string => (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
const isJson = (media: string): boolean => media === 'application/json' || media.endsWith('+json');

/** Swaps the body, keeping status and headers; `c.res = undefined` first so Hono does not copy the stale content-length back. */
const replaceBody = (c: Context, res: Response, body: string, extra: { etag?: 'drop' } = {}): void => {
  const headers = new Headers(res.headers);
  headers.set('content-length', String(Buffer.byteLength(body)));
  // An ETag computed over the unmasked body would describe bytes this caller never receives.
  if (extra.etag === 'drop') headers.delete('etag');
  c.res = undefined;
  c.res = new Response(body, { status: res.status, statusText: res.statusText, headers });
};

/** Scrubs every string in a parsed problem body; reports whether anything changed. */
const scrubStrings = (value: unknown, changed: { any: boolean }): unknown => {
  if (typeof value === 'string') {
    const scrubbed = maskPiiInText(value);
    if (scrubbed !== value) changed.any = true;
    return scrubbed;
  }
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, changed));
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = scrubStrings((value as Record<string, unknown>)[key], changed);
  }
  return value;
};

/**
 * Masks PII in responses for callers without the reveal scope (RELIABILITY.md H1, H2, H4, DESIGN.md §6).
 * For an operation whose 2xx JSON responses carry `x-pii` fields (per the plan), the body is parsed
 * and every PII location masked, nested arrays and additional properties included; responses of
 * other operations are passed through unread. Such responses also get `Cache-Control: private`
 * (unless set), since the body depends on who asks. Problem bodies are always scrubbed of anything
 * that looks like an email, IBAN or phone number: `detail` is generic, so this is defence in depth.
 * Mount it after the policies that set `principal` and inside the idempotency store, so stored
 * replays hold the masked body (H5).
 *
 * @example
 * const plan = createMaskingPlan(app.getOpenAPI31Document({ openapi: '3.1.0', info }))
 * app.use('/system/*', maskResponses({ plan }))
 */
export const maskResponses = (options: MaskResponsesOptions): MiddlewareHandler<AppEnv> => {
  const { plan } = options;
  const revealScope = options.revealScope ?? 'pii:read';
  if (typeof revealScope !== 'string' || revealScope.trim() === '') throw new Error('maskResponses: revealScope must be a non-empty scope');

  return async function maskResponses(c, next) {
    await next();
    const res = c.res;
    const media = mediaTypeOf(res);

    if (media === PROBLEM_CONTENT_TYPE) {
      if (res.body === null) return;
      const text = await res.text();
      let body = text;
      try {
        const changed = { any: false };
        const scrubbed = scrubStrings(JSON.parse(text), changed);
        if (changed.any) body = JSON.stringify(scrubbed);
      } catch {
        body = maskPiiInText(text);
      }
      replaceBody(c, res, body);
      return;
    }

    const operation = matchedOperation(c);
    const masking = operation && plan.operations.get(operationKey(operation.method, operation.path));
    if (!masking) return;

    const revealed = c.get('principal')?.scopes.has(revealScope) ?? false;
    if (!revealed && res.status >= 200 && res.status < 300 && isJson(media) && res.body !== null) {
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        // Fail closed: a body we cannot read is a body we cannot mask.
        throw new AppError('internal', { cause });
      }
      replaceBody(c, res, JSON.stringify(masking.mask(parsed)), { etag: 'drop' });
    }
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'private');
  };
};
