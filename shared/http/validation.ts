import type { z } from '@hono/zod-openapi';
import type { FieldError } from '../errors.js';

type Target = 'json' | 'form' | 'query' | 'param' | 'header' | 'cookie';

const escapePointerToken = (token: PropertyKey): string => String(token).replaceAll('~', '~0').replaceAll('/', '~1');
const pointerOf = (path: readonly PropertyKey[]): string => path.map((t) => '/' + escapePointerToken(t)).join('');

/**
 * Turns zod issues into RFC 9457 `errors[]`: a JSON pointer for body fields, a parameter or header
 * name for the rest, and zod's rule message, which names the rule and never the rejected value.
 */
export const toFieldErrors = (issues: readonly z.core.$ZodIssue[], target: Target): FieldError[] => {
  const out: FieldError[] = [];
  for (const issue of issues) {
    // Unknown properties are reported one pointer each, so a client sees exactly which to drop.
    const paths: (readonly PropertyKey[])[] =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    const detail = issue.code === 'unrecognized_keys' ? 'unknown property' : issue.message;
    for (const path of paths) {
      if (target === 'json' || target === 'form') out.push({ pointer: pointerOf(path), detail });
      else if (target === 'header') out.push({ header: String(path[0] ?? ''), detail });
      else out.push({ parameter: String(path[0] ?? ''), detail });
    }
  }
  return out;
};
