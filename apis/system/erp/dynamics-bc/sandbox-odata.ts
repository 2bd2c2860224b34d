/**
 * The part of OData V4 the Business Central sandbox understands: `$filter` (comparisons, `and`, `or`,
 * `not`, parentheses; typed literals), `$orderby`, `$select`. Strict on purpose: an unknown property,
 * a literal of the wrong type or a syntax error is BC's 400, so an adapter that builds a bad query
 * fails a test instead of being answered with a guess. Strings compare case-insensitively, as BC
 * online's database collation does.
 */
import type { BcPropertyType } from '../../../../openapi/vendors/dynamics-bc/types.js';

export class ODataQueryError extends Error {
  override name = 'ODataQueryError';
}

type Row = Readonly<Record<string, unknown>>;
type Properties = Readonly<Record<string, BcPropertyType>>;
type Literal = { readonly kind: 'string' | 'guid' | 'date' | 'number' | 'boolean' | 'null'; readonly value: string | number | boolean | null };
type Token = { readonly type: 'lparen' | 'rparen' | 'word' | 'literal'; readonly text: string; readonly literal?: Literal; readonly at: number };
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

const LEXEMES: readonly [RegExp, (m: string) => Omit<Token, 'at'>][] = [
  [/^\s+/, () => ({ type: 'word', text: '' })],
  [/^\(/, (m) => ({ type: 'lparen', text: m })],
  [/^\)/, (m) => ({ type: 'rparen', text: m })],
  [/^'(?:[^']|'')*'/, (m) => ({ type: 'literal', text: m, literal: { kind: 'string', value: m.slice(1, -1).replace(/''/g, "'") } })],
  [/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/, (m) => ({ type: 'literal', text: m, literal: { kind: 'guid', value: m.toLowerCase() } })],
  [/^\d{4}-\d{2}-\d{2}(?![\w:-])/, (m) => ({ type: 'literal', text: m, literal: { kind: 'date', value: m } })],
  [/^-?\d+(?:\.\d+)?(?![\w.])/, (m) => ({ type: 'literal', text: m, literal: { kind: 'number', value: Number(m) } })],
  [/^[A-Za-z_][A-Za-z0-9_]*/, (m) => ({ type: 'word', text: m })],
];

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const lexeme = LEXEMES.map(([re, make]) => [re.exec(rest), make] as const).find(([m]) => m);
    if (!lexeme) throw new ODataQueryError(`Syntax error at position ${at} in '${text}'.`);
    const [match, make] = lexeme;
    const token = make(match![0]);
    if (token.type !== 'word' || token.text !== '') {
      if (token.type === 'word' && (token.text === 'true' || token.text === 'false' || token.text === 'null')) {
        tokens.push({ type: 'literal', text: token.text, literal: token.text === 'null' ? { kind: 'null', value: null } : { kind: 'boolean', value: token.text === 'true' }, at });
      } else tokens.push({ ...token, at });
    }
    at += match![0].length;
  }
  return tokens;
};

const ACCEPTS: Record<string, Literal['kind'][]> = {
  GUID: ['guid', 'null'],
  string: ['string', 'null'],
  decimal: ['number'],
  integer: ['number'],
  boolean: ['boolean'],
  date: ['date'],
  datetime: [],
};

const compare = (a: unknown, b: unknown): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a ?? '').toLowerCase();
  const y = String(b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

const test = (op: string, row: unknown, literal: unknown): boolean => {
  const c = compare(row, literal);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    default:
      return c <= 0;
  }
};

/**
 * `$filter` → a predicate over rows of an entity with `properties`. `typeName` (e.g.
 * `Microsoft.NAV.customer`) is used in error messages, as BC words them.
 */
export const parseFilter = (text: string, properties: Properties, typeName: string): ((row: Row) => boolean) => {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new ODataQueryError(`Syntax error at position ${peek()?.at ?? text.length} in '${text}': ${what}.`);
  };

  const primary = (): ((row: Row) => boolean) => {
    const token = peek();
    if (!token) return fail('expression expected');
    if (token.type === 'lparen') {
      i++;
      const inner = orExpr();
      if (peek()?.type !== 'rparen') fail("')' expected");
      i++;
      return inner;
    }
    if (token.type !== 'word') return fail('property expected');
    if (token.text === 'not') {
      i++;
      const inner = primary();
      return (row) => !inner(row);
    }
    const property = token.text;
    const type = properties[property];
    if (!type) throw new ODataQueryError(`Could not find a property named '${property}' on type '${typeName}'.`);
    i++;
    const op = peek();
    if (!op || op.type !== 'word' || !OPERATORS.has(op.text)) return fail('comparison operator expected');
    i++;
    const lit = peek();
    if (!lit || lit.type !== 'literal') return fail('literal expected');
    i++;
    const accepted = ACCEPTS[type.startsWith('NAV.') ? 'string' : type] ?? [];
    if (!accepted.includes(lit.literal!.kind)) {
      throw new ODataQueryError(`A binary operator with incompatible types was detected. Found operand types '${type}' and '${lit.literal!.kind}' for operator kind '${op.text}'.`);
    }
    const value = lit.literal!.value;
    return (row) => test(op.text, row[property], value);
  };

  const andExpr = () => {
    let left = primary();
    while (peek()?.type === 'word' && peek()!.text === 'and') {
      i++;
      const l = left;
      const r = primary();
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const orExpr = (): ((row: Row) => boolean) => {
    let left = andExpr();
    while (peek()?.type === 'word' && peek()!.text === 'or') {
      i++;
      const l = left;
      const r = andExpr();
      left = (row) => l(row) || r(row);
    }
    return left;
  };

  const predicate = orExpr();
  if (i < tokens.length) fail(`unexpected '${peek()!.text}'`);
  return predicate;
};

/** `$orderby=a asc,b desc` → a comparator. */
export const parseOrderBy = (text: string, properties: Properties, typeName: string): ((a: Row, b: Row) => number) => {
  const keys = text.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!m) throw new ODataQueryError(`Syntax error in '$orderby=${text}'.`);
    if (!properties[m[1]!]) throw new ODataQueryError(`Could not find a property named '${m[1]}' on type '${typeName}'.`);
    return { property: m[1]!, direction: m[2] === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { property, direction } of keys) {
      const c = compare(a[property], b[property]);
      if (c !== 0) return c * direction;
    }
    return 0;
  };
};

/** `$select=a,b` → the property names, each checked. */
export const parseSelect = (text: string, properties: Properties, typeName: string): string[] =>
  text.split(',').map((part) => {
    const name = part.trim();
    if (!properties[name]) throw new ODataQueryError(`Could not find a property named '${name}' on type '${typeName}'.`);
    return name;
  });
