/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracket notation for nested
 * values — `metadata[external_ref]=…`, `items[0][price]=…`, `expand[]=…` — in request bodies and in
 * query strings alike. The adapter encodes with `encodeStripeForm`; the sandbox decodes with
 * `parseStripeForm`, so both sides of the wire speak the same dialect.
 */

export type FormValue = string | number | boolean | null | undefined | readonly FormValue[] | { readonly [key: string]: FormValue };

/** Keys keep their brackets readable (`items[0][price]`); every value is percent-encoded. */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']');

const flatten = (prefix: string, value: FormValue, out: string[]): void => {
  if (value === undefined) return;
  if (value === null) {
    out.push(`${encodeKey(prefix)}=`); // Stripe: an empty value unsets the field
    return;
  }
  if (Array.isArray(value)) {
    const scalars = value.every((v) => v === null || typeof v !== 'object');
    // Arrays of scalars as `expand[]=a&expand[]=b`; arrays of objects indexed, `items[0][price]=…`.
    value.forEach((item: FormValue, i: number) => flatten(scalars ? `${prefix}[]` : `${prefix}[${i}]`, item, out));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, FormValue>)) flatten(`${prefix}[${key}]`, child, out);
    return;
  }
  out.push(`${encodeKey(prefix)}=${encodeURIComponent(String(value))}`);
};

/**
 * `{ items: [{ price: 'p', quantity: 2 }], metadata: { external_ref: 'x' }, expand: ['a'] }` →
 * `items[0][price]=p&items[0][quantity]=2&metadata[external_ref]=x&expand[]=a`.
 * `undefined` entries are left out; `null` is sent empty (Stripe's way to unset a field).
 */
export const encodeStripeForm = (params: { readonly [key: string]: FormValue }): string => {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) flatten(key, value, out);
  return out.join('&');
};

export class FormError extends Error {
  override name = 'FormError';
  constructor(
    message: string,
    /** The offending parameter's name, as Stripe's `param`. */
    readonly param?: string,
  ) {
    super(message);
  }
}

export type ParsedForm = { [key: string]: ParsedFormValue };
export type ParsedFormValue = string | ParsedFormValue[] | ParsedForm;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_PAIRS = 1_000;
const MAX_DEPTH = 6;

const decode = (s: string, param?: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormError('Invalid URL encoding', param);
  }
};

/** `items[0][price]` → `['items', '0', 'price']`; `expand[]` → `['expand', '']`. */
const segmentsOf = (key: string): string[] => {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) throw new FormError(`Invalid parameter name: ${key.slice(0, 100)}`, key.slice(0, 100));
  const rest = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
  const segments = [m[1]!, ...rest];
  if (segments.length > MAX_DEPTH) throw new FormError('Parameters nested too deeply', m[1]);
  for (const s of segments) if (FORBIDDEN_SEGMENTS.has(s)) throw new FormError(`Invalid parameter name: ${m[1]}`, m[1]);
  return segments;
};

type Node = { [key: string]: Node | string };

/** Containers whose keys are exactly 0..n-1 become arrays, recursively. */
const finish = (node: Node | string): ParsedFormValue => {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  const isArray = keys.length > 0 && keys.every((k, i) => k === String(i));
  if (isArray) return keys.map((k) => finish(node[k]!));
  return Object.fromEntries(keys.map((k) => [k, finish(node[k]!)])) as ParsedForm;
};

/**
 * Decodes a form body (or query string) in Stripe's bracket notation into nested values: every
 * leaf a string, `[]` and `[0]`, `[1]` … as arrays. Throws FormError on what Stripe would refuse
 * (malformed names, a key both scalar and nested, too deep or too many parameters).
 */
export const parseStripeForm = (text: string): ParsedForm => {
  const root: Node = {};
  if (text === '') return {};
  const pairs = text.split('&').filter((p) => p !== '');
  if (pairs.length > MAX_PAIRS) throw new FormError('Too many parameters');
  const pushCounters = new Map<Node, number>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), key);
    const segments = segmentsOf(key);
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      let segment = segments[i]!;
      if (segment === '') {
        // `name[]`: the next index of this container.
        const next = pushCounters.get(node) ?? Object.keys(node).length;
        pushCounters.set(node, next + 1);
        segment = String(next);
      }
      const last = i === segments.length - 1;
      const existing = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (last) {
        if (typeof existing === 'object') throw new FormError(`Invalid parameter: ${segments[0]} is both a value and a hash`, segments[0]);
        node[segment] = value;
      } else {
        if (typeof existing === 'string') throw new FormError(`Invalid parameter: ${segments[0]} is both a value and a hash`, segments[0]);
        const child: Node = existing ?? {};
        node[segment] = child;
        node = child;
      }
    }
  }
  return Object.fromEntries(Object.keys(root).map((k) => [k, finish(root[k]!)])) as ParsedForm;
};
