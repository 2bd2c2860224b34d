/**
 * The OData query options the SAP sandbox understands, for V2 and V4: `$filter` (comparisons `eq ne
 * gt ge lt le`, `and`, `or`, `not`, parentheses, `tolower`/`toupper`, string literals with doubled
 * quotes, numbers, `true`/`false`/`null`, V2 `datetime'…'`), `$orderby`, `$select`, `$expand`, `$top`,
 * `$skip` and server-side paging with `$skiptoken`. Values are compared in their wire form, with
 * V2 `/Date(ms)/` and `datetime'…'` compared as instants. Unknown properties are refused, as SAP does.
 */

export type Row = Readonly<Record<string, unknown>>;

export class ODataQueryError extends Error {
  override name = 'ODataQueryError';
}

type Token = { kind: 'string' | 'number' | 'name' | 'punct' | 'datetime'; text: string };

const tokenize = (input: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new ODataQueryError('unterminated string literal');
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += input[i++];
      }
      tokens.push({ kind: 'string', text: value });
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else if (/[-0-9]/.test(ch)) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (!m) throw new ODataQueryError(`unexpected character at ${i}`);
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(input.slice(i))!;
      i += m[0].length;
      if (m[0] === 'datetime' && input[i] === "'") {
        const end = input.indexOf("'", i + 1);
        if (end < 0) throw new ODataQueryError('unterminated datetime literal');
        tokens.push({ kind: 'datetime', text: input.slice(i + 1, end) });
        i = end + 1;
      } else tokens.push({ kind: 'name', text: m[0] });
    } else throw new ODataQueryError(`unexpected character ${JSON.stringify(ch)} at ${i}`);
  }
  return tokens;
};

type Operand = { kind: 'literal'; value: unknown } | { kind: 'property'; name: string; fn?: 'tolower' | 'toupper' };
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: string; left: Operand; right: Operand };

const COMPARE = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/** Parses a `$filter`; `hasProperty` decides which names are properties of the entity type. */
export const parseFilter = (input: string, hasProperty: (name: string) => boolean): FilterNode => {
  const tokens = tokenize(input);
  let at = 0;
  const peek = () => tokens[at];
  const take = (text?: string) => {
    const t = tokens[at];
    if (!t || (text !== undefined && t.text !== text)) throw new ODataQueryError(`expected ${text ?? 'a token'} in $filter`);
    at++;
    return t;
  };

  const operand = (): Operand => {
    const t = take();
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.kind === 'datetime') {
      const ms = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(t.text) ? t.text : `${t.text}Z`);
      if (Number.isNaN(ms)) throw new ODataQueryError('invalid datetime literal');
      return { kind: 'literal', value: ms };
    }
    if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'literal', value: null };
      if (t.text === 'tolower' || t.text === 'toupper') {
        take('(');
        const inner = take();
        take(')');
        if (inner.kind !== 'name' || !hasProperty(inner.text)) throw new ODataQueryError(`property ${inner.text} not found`);
        return { kind: 'property', name: inner.text, fn: t.text };
      }
      if (!hasProperty(t.text)) throw new ODataQueryError(`property ${t.text} not found`);
      return { kind: 'property', name: t.text };
    }
    throw new ODataQueryError(`unexpected ${t.text} in $filter`);
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    if (t?.kind === 'name' && t.text === 'not') {
      take();
      return { kind: 'not', operand: primary() };
    }
    const left = operand();
    const op = take();
    if (op.kind !== 'name' || !COMPARE.has(op.text)) throw new ODataQueryError(`unsupported operator ${op.text}`);
    return { kind: 'compare', op: op.text, left, right: operand() };
  };
  const andExpr = (): FilterNode => {
    let node = primary();
    while (peek()?.kind === 'name' && peek()!.text === 'and') {
      take();
      node = { kind: 'and', left: node, right: primary() };
    }
    return node;
  };
  const or = (): FilterNode => {
    let node = andExpr();
    while (peek()?.kind === 'name' && peek()!.text === 'or') {
      take();
      node = { kind: 'or', left: node, right: andExpr() };
    }
    return node;
  };
  const node = or();
  if (at !== tokens.length) throw new ODataQueryError('unexpected trailing tokens in $filter');
  return node;
};

const V2_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
/** A wire value made comparable: V2 dates to epoch ms. */
const comparable = (value: unknown): unknown => (typeof value === 'string' && V2_DATE.test(value) ? Number(V2_DATE.exec(value)![1]) : value);

const valueOf = (operand: Operand, row: Row): unknown => {
  if (operand.kind === 'literal') return operand.value;
  const raw = comparable(row[operand.name] ?? null);
  if (operand.fn && typeof raw === 'string') return operand.fn === 'tolower' ? raw.toLowerCase() : raw.toUpperCase();
  return raw;
};

export const compareValues = (a: unknown, b: unknown): number => {
  const x = comparable(a);
  const y = comparable(b);
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : 1;
};

export const matches = (node: FilterNode, row: Row): boolean => {
  switch (node.kind) {
    case 'and':
      return matches(node.left, row) && matches(node.right, row);
    case 'or':
      return matches(node.left, row) || matches(node.right, row);
    case 'not':
      return !matches(node.operand, row);
    case 'compare': {
      const a = valueOf(node.left, row);
      const b = valueOf(node.right, row);
      if (node.op === 'eq') return compareValues(a, b) === 0;
      if (node.op === 'ne') return compareValues(a, b) !== 0;
      if (a === null || b === null) return false;
      const c = compareValues(a, b);
      return node.op === 'gt' ? c > 0 : node.op === 'ge' ? c >= 0 : node.op === 'lt' ? c < 0 : c <= 0;
    }
  }
};

/** `$orderby=A asc,B desc` as a comparator. */
export const parseOrderBy = (input: string, hasProperty: (name: string) => boolean): ((a: Row, b: Row) => number) => {
  const keys = input.split(',').map((part) => {
    const [name = '', dir = 'asc', ...rest] = part.trim().split(/\s+/);
    if (!hasProperty(name) || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) throw new ODataQueryError(`invalid $orderby ${part.trim()}`);
    return { name, sign: dir === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.name], b[k.name]);
      if (c !== 0) return c * k.sign;
    }
    return 0;
  };
};

/** `$select=A,B` as a list of names (each must be a property). */
export const parseSelect = (input: string, hasProperty: (name: string) => boolean): string[] => {
  const names = input.split(',').map((s) => s.trim());
  for (const name of names) if (!hasProperty(name)) throw new ODataQueryError(`property ${name} not found in $select`);
  return names;
};

/** `$expand=a/b,a/c,d` as a tree: `{ a: { b: {}, c: {} }, d: {} }`. */
export interface ExpandTree {
  readonly [nav: string]: ExpandTree;
}
export const parseExpand = (input: string | undefined): ExpandTree => {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const path of (input ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let node: Record<string, unknown> = tree;
    for (const segment of path.split('/')) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) throw new ODataQueryError(`invalid $expand ${path}`);
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
  }
  return tree as ExpandTree;
};

export interface PageRequest {
  readonly top?: number;
  readonly skip: number;
  /** Where this page starts (from `$skiptoken`, else `$skip`). */
  readonly start: number;
}

/** `$top`, `$skip`, `$skiptoken` (Strata's sandbox writes the next offset into it). */
export const parsePaging = (q: Readonly<Record<string, string | undefined>>): PageRequest => {
  const int = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    if (!/^\d{1,7}$/.test(value)) throw new ODataQueryError(`${name} must be a non-negative integer`);
    return Number(value);
  };
  const top = int('$top', q.$top);
  const skip = int('$skip', q.$skip) ?? 0;
  const token = int('$skiptoken', q.$skiptoken);
  return { ...(top !== undefined ? { top } : {}), skip, start: token ?? skip };
};

/**
 * One page of `rows` (already filtered and ordered): at most `pageSize` from `start`, inside the
 * window `$skip`…`$skip + $top`; `nextStart` when more rows of the window remain.
 */
export const pageOf = <T>(rows: readonly T[], paging: PageRequest, pageSize: number): { page: T[]; nextStart?: number } => {
  const end = Math.min(rows.length, paging.top === undefined ? rows.length : paging.skip + paging.top);
  const stop = Math.min(end, paging.start + pageSize);
  const page = rows.slice(paging.start, stop);
  return stop < end ? { page, nextStart: stop } : { page };
};
