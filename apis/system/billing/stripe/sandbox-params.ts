// Stripe parameter readers for the sandbox (Stripe's messages and `param` names for bad input), list and search pages.
import { STRIPE_MAX_PAGE } from '../../../../openapi/vendors/stripe/types.js';
import type { ParsedForm, ParsedFormValue } from './form.js';
import { invalid, noSuch } from './sandbox-errors.js';

const DEFAULT_LIMIT = 10;

export const str = (params: ParsedForm, name: string, max = 5000): string | undefined => {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${name}`, name);
  if (v.length > max) throw invalid(`Invalid string: must be at most ${max} characters`, name);
  return v;
};
export const int = (value: ParsedFormValue | undefined, param: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d{1,15}$/.test(value)) throw invalid(`Invalid integer: ${typeof value === 'string' ? value.slice(0, 40) : param}`, param);
  return Number(value);
};
export const bool = (value: ParsedFormValue | undefined, param: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalid(`Invalid boolean: ${typeof value === 'string' ? value.slice(0, 40) : param}`, param);
  return value === 'true';
};
export const onlyParams = (params: ParsedForm, allowed: readonly string[]) => {
  for (const name of Object.keys(params)) if (!allowed.includes(name)) throw invalid(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
};
/** `metadata[k]=v` (an empty value deletes the key on update). Stripe: ≤ 50 keys, keys ≤ 40, values ≤ 500 characters. */
export const metadataOf = (params: ParsedForm): Record<string, string> | undefined => {
  const m = params.metadata;
  if (m === undefined) return undefined;
  if (m === '') return {};
  if (typeof m !== 'object' || Array.isArray(m)) throw invalid('Invalid hash', 'metadata');
  const entries = Object.entries(m);
  if (entries.length > 50) throw invalid('Metadata can have at most 50 keys.', 'metadata');
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid('Invalid metadata value', `metadata[${k}]`);
    if (k.length > 40) throw invalid('Metadata keys can be at most 40 characters long.', `metadata[${k}]`);
    if (v.length > 500) throw invalid('Metadata values can be at most 500 characters long.', `metadata[${k}]`);
    out[k] = v;
  }
  return out;
};
export const limitOf = (params: ParsedForm): number => {
  const limit = int(params.limit, 'limit') ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > STRIPE_MAX_PAGE) throw invalid(`This value must be between 1 and ${STRIPE_MAX_PAGE}.`, 'limit');
  return limit;
};
/** `expand[]=…`, each path checked against what this endpoint can expand (Stripe: at most 4 levels). */
export const expandOf = (params: ParsedForm, allowed: readonly string[]): Set<string> => {
  const e = params.expand;
  if (e === undefined) return new Set();
  const paths = Array.isArray(e) ? e : typeof e === 'string' ? [e] : undefined;
  if (!paths || paths.some((p) => typeof p !== 'string')) throw invalid('Invalid array', 'expand');
  for (const p of paths as string[]) {
    if (p.split('.').length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${p.slice(0, 100)}`, 'expand');
    if (!allowed.includes(p)) throw invalid(`This property cannot be expanded (${p.slice(0, 100)}).`, 'expand');
  }
  return new Set(paths as string[]);
};
export const listOf = <T extends { id: string }>(items: readonly T[], params: ParsedForm, url: string, render: (item: T) => unknown) => {
  const limit = limitOf(params);
  const after = str(params, 'starting_after');
  const before = str(params, 'ending_before');
  if (after !== undefined && before !== undefined) throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'starting_after');
  let page: readonly T[];
  let hasMore: boolean;
  if (before !== undefined) {
    const at = items.findIndex((i) => i.id === before);
    if (at < 0) throw noSuch('object', before, 'ending_before', 400);
    page = items.slice(Math.max(0, at - limit), at);
    hasMore = at - limit > 0;
  } else {
    const at = after === undefined ? 0 : items.findIndex((i) => i.id === after) + 1;
    if (after !== undefined && at === 0) throw noSuch('object', after, 'starting_after', 400);
    page = items.slice(at, at + limit);
    hasMore = at + limit < items.length;
  }
  return { object: 'list' as const, data: page.map(render), has_more: hasMore, url };
};
export const searchPage = <T>(items: readonly T[], params: ParsedForm, url: string, render: (item: T) => unknown) => {
  const limit = limitOf(params);
  const page = str(params, 'page');
  let offset = 0;
  if (page !== undefined) {
    const decoded = /^page_(\d{1,6})$/.exec(Buffer.from(page, 'base64url').toString('utf8'));
    if (!decoded) throw invalid('Invalid page token.', 'page');
    offset = Number(decoded[1]);
  }
  const data = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return {
    object: 'search_result' as const,
    data: data.map(render),
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`page_${offset + limit}`).toString('base64url') : null,
    url,
  };
};
export const newestFirst = <T extends { created: number; id: string }>(a: T, b: T) => b.created - a.created || (a.id < b.id ? 1 : -1);
