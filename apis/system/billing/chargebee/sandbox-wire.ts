/**
 * The Chargebee sandbox's reading of requests: form bodies with bracketed keys, list queries with
 * `field[operator]` filters, `sort_by[asc|desc]`, `limit` and the opaque `offset` / `next_offset`
 * cursor. Strict on purpose: a parameter the operation does not take is refused, so an adapter that
 * sends one fails its tests instead of working here and failing on a real site.
 */
import { chargebeeError } from './sandbox-faults.js';

export class SandboxRefusal extends Error {
  constructor(readonly response: Response) {
    super('sandbox refusal');
  }
}

/** `400 param_wrong_value` for `param`. */
export const wrongValue = (param: string, message: string): SandboxRefusal =>
  new SandboxRefusal(chargebeeError(400, 'param_wrong_value', 'invalid_request', `${param} : ${message}`, { param }));

/** Parses a form body; every key must match one of `allowed` (bracketed keys as regular expressions). */
export const parseForm = (contentType: string | undefined, body: string, allowed: readonly RegExp[]): Map<string, string> => {
  if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new SandboxRefusal(chargebeeError(400, 'invalid_request', 'invalid_request', 'The request body must be application/x-www-form-urlencoded.'));
  }
  const form = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body)) {
    if (!allowed.some((a) => a.test(key))) throw wrongValue(key, 'is not a parameter of this operation.');
    if (form.has(key)) throw wrongValue(key, 'is given more than once.');
    form.set(key, value);
  }
  return form;
};

export const optionalInt = (form: Map<string, string>, key: string, min: number, max: number): number | undefined => {
  const raw = form.get(key);
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw wrongValue(key, `must be an integer from ${min} to ${max}.`);
  return Number(raw);
};

export const optionalString = (form: Map<string, string>, key: string, maxLength: number, pattern?: RegExp): string | undefined => {
  const raw = form.get(key);
  if (raw === undefined) return undefined;
  if (raw.length > maxLength) throw wrongValue(key, `cannot be longer than ${maxLength} characters.`);
  if (pattern && !pattern.test(raw)) throw wrongValue(key, 'is invalid.');
  return raw;
};

export const optionalEnum = <T extends string>(form: Map<string, string>, key: string, values: readonly T[]): T | undefined => {
  const raw = form.get(key);
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw)) throw wrongValue(key, `must be one of ${values.join(', ')}.`);
  return raw as T;
};

export const optionalBoolean = (form: Map<string, string>, key: string): boolean | undefined => {
  const raw = form.get(key);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') throw wrongValue(key, 'must be true or false.');
  return raw === 'true';
};

/** `meta_data`: a JSON object, sent as a string. */
export const optionalJsonObject = (form: Map<string, string>, key: string): Record<string, unknown> | undefined => {
  const raw = form.get(key);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = raw.length <= 65_536 ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw wrongValue(key, 'must be a JSON object.');
  return parsed as Record<string, unknown>;
};

export interface ListSpec<T> {
  /** The wrapper key of each entry: `{list: [{subscription: …}]}`. */
  readonly wrapper: string;
  /** Filters by query name (`customer_id[is]`): keeps the records the value selects. */
  readonly filters: Readonly<Record<string, (record: T, value: string) => boolean>>;
  /** Sortable fields and their values. */
  readonly sortFields: Readonly<Record<string, (record: T) => number>>;
  readonly defaultSort: { readonly field: string; readonly direction: 'asc' | 'desc' };
  /** Insertion order, the tie-break of equal sort values. */
  readonly seq: (record: T) => number;
  /** Resources Chargebee returns beside each record (`{subscription, customer}`). */
  readonly companions?: (record: T) => Record<string, unknown>;
  /** The most entries a page holds whatever `limit` asks (a sandbox option). */
  readonly pageCap?: number;
}

/**
 * A Chargebee list page: `{list: [{<wrapper>: record}], next_offset?}`. `limit` 1–100 (default 10);
 * `next_offset` is an opaque JSON array of the last entry's sort value and sequence, as Chargebee's
 * cursors look (`["1714000000000","12"]`).
 */
export const listPage = <T>(query: Readonly<Record<string, string>>, records: readonly T[], spec: ListSpec<T>): { list: Record<string, unknown>[]; next_offset?: string } => {
  for (const name of Object.keys(query)) {
    if (!['limit', 'offset', 'sort_by[asc]', 'sort_by[desc]', ...Object.keys(spec.filters)].includes(name)) throw wrongValue(name, 'is not a parameter of this operation.');
  }
  const limitText = query.limit ?? '10';
  if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) throw wrongValue('limit', 'must be between 1 and 100.');
  const limit = Math.min(Number(limitText), spec.pageCap ?? 100);
  if (query['sort_by[asc]'] !== undefined && query['sort_by[desc]'] !== undefined) throw wrongValue('sort_by', 'only one sort order can be given.');
  const direction = query['sort_by[asc]'] !== undefined ? 'asc' : query['sort_by[desc]'] !== undefined ? 'desc' : spec.defaultSort.direction;
  const field = query['sort_by[asc]'] ?? query['sort_by[desc]'] ?? spec.defaultSort.field;
  const valueOf = spec.sortFields[field];
  if (!valueOf) throw wrongValue(`sort_by[${direction}]`, `must be one of ${Object.keys(spec.sortFields).join(', ')}.`);

  const sign = direction === 'asc' ? 1 : -1;
  const compareKeys = (a: readonly [number, number], b: readonly [number, number]) => sign * (a[0] - b[0] || a[1] - b[1]);
  const keyOf = (r: T): [number, number] => [valueOf(r), spec.seq(r)];
  let selected = records.filter((r) => Object.entries(spec.filters).every(([name, keep]) => query[name] === undefined || keep(r, query[name]!)));
  selected = [...selected].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));

  let start = 0;
  if (query.offset !== undefined) {
    let cursor: unknown;
    try {
      cursor = JSON.parse(query.offset);
    } catch {
      cursor = undefined;
    }
    if (!Array.isArray(cursor) || cursor.length !== 2 || !cursor.every((p) => typeof p === 'string' && /^-?\d{1,16}$/.test(p))) throw wrongValue('offset', 'is invalid.');
    const after: [number, number] = [Number(cursor[0]), Number(cursor[1])];
    start = selected.findIndex((r) => compareKeys(keyOf(r), after) > 0);
    if (start < 0) start = selected.length;
  }
  const page = selected.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + page.length < selected.length;
  return {
    list: page.map((r) => ({ [spec.wrapper]: r, ...spec.companions?.(r) })),
    ...(more && last !== undefined ? { next_offset: JSON.stringify(keyOf(last).map(String)) } : {}),
  };
};
