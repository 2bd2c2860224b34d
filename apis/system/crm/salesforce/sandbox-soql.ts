/**
 * The sandbox's SOQL subset: exactly the statement shapes the adapter sends, parsed with a real
 * tokenizer (quoted strings with SOQL escapes, case-insensitive keywords and names), and everything
 * else refused the way Salesforce refuses it — `MALFORMED_QUERY` for syntax it does not take,
 * `INVALID_TYPE` / `INVALID_FIELD` for unknown objects and fields.
 *
 *   SELECT field[, field…] FROM Account|Contact|Opportunity
 *     [WHERE condition [AND condition…]]
 *     [ORDER BY field [ASC|DESC][, …]]
 *     [LIMIT n]
 *   condition: field = literal | field LIKE 'pattern' | field IN (literal[, literal…])
 *
 * `field` may be one relationship hop in SELECT (`Owner.Name`); a literal is a quoted string,
 * `true`, `false` or `null`. LIKE (text fields only) takes `%` and `_` as wildcards and `\%`, `\_` as
 * the literal characters — those two escapes are valid in LIKE patterns only, as in SOQL — and
 * matches case-insensitively. Text ORDER BY is case-insensitive. No OR, NOT, other parentheses,
 * sub-queries, date or number literals, or OFFSET.
 */
import { DESCRIBE, type FieldType, type FieldValue, type SandboxOrg, type SObjectRecord } from './sandbox-data.js';

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_TYPE' | 'INVALID_FIELD' | 'INVALID_QUERY_FILTER_OPERATOR';

export class SoqlError extends Error {
  override name = 'SoqlError';
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type SoqlCondition =
  | { readonly field: string; readonly op: '='; readonly value: string | boolean | null }
  | { readonly field: string; readonly op: 'LIKE'; readonly pattern: RegExp }
  | { readonly field: string; readonly op: 'IN'; readonly values: readonly string[] };

export interface SoqlQuery {
  readonly object: string;
  /** Canonical names, e.g. `Owner.Name`. */
  readonly fields: readonly string[];
  readonly where: readonly SoqlCondition[];
  readonly orderBy: readonly { readonly field: string; readonly descending: boolean }[];
  readonly limit?: number;
}

/** A string literal: its value, and the same text as a LIKE pattern (regex source); `likeOnly` when it uses `\%` or `\_`. */
type StringToken = { kind: 'string'; value: string; like: string; likeOnly: boolean };
type Token = { kind: 'word'; text: string } | StringToken | { kind: 'number'; value: number } | { kind: ',' | '=' | '(' | ')' };

const MAX_QUERY_LENGTH = 20_000;
const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'GROUP', 'HAVING', 'LIKE', 'IN', 'INCLUDES', 'EXCLUDES', 'TRUE', 'FALSE', 'NULL', 'WITH', 'FOR', 'USING', 'TYPEOF']);
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
const regexLiteral = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const ID_VALUE = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

const malformed = (message: string) => new SoqlError('MALFORMED_QUERY', message);

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === ',' || ch === '=' || ch === '(' || ch === ')') {
      tokens.push({ kind: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      let like = '';
      let likeOnly = false;
      i++;
      for (;;) {
        if (i >= text.length) throw malformed('unterminated string literal');
        const c = text[i]!;
        if (c === "'") break;
        if (c === '\\') {
          const next = text[i + 1] ?? '';
          if (next === '%' || next === '_') {
            // \% and \_ are the literal characters, valid inside LIKE patterns only.
            likeOnly = true;
            value += next;
            like += regexLiteral(next);
          } else {
            const escaped = ESCAPES[next];
            if (escaped === undefined) throw malformed('invalid escape sequence in string literal');
            value += escaped;
            like += regexLiteral(escaped);
          }
          i += 2;
        } else {
          value += c;
          like += c === '%' ? '.*' : c === '_' ? '.' : regexLiteral(c);
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', value, like, likeOnly });
    } else if (/[0-9]/.test(ch)) {
      const m = /[0-9]+(?![A-Za-z_.])/y;
      m.lastIndex = i;
      const digits = m.exec(text);
      if (!digits) throw malformed(`unexpected token at position ${i}`);
      tokens.push({ kind: 'number', value: Number(digits[0]) });
      i += digits[0].length;
    } else {
      NAME.lastIndex = i;
      const name = NAME.exec(text);
      if (!name) throw malformed(`unexpected token: '${ch}'`);
      tokens.push({ kind: 'word', text: name[0] });
      i += name[0].length;
    }
  }
  return tokens;
};

const resolveObject = (name: string): string => {
  const found = Object.keys(DESCRIBE).find((o) => o.toLowerCase() === name.toLowerCase());
  if (!found || found === 'User') throw new SoqlError('INVALID_TYPE', `sObject type '${name}' is not supported.`);
  return found;
};

const resolveDirect = (object: string, name: string): string => {
  const found = Object.keys(DESCRIBE[object]!.fields).find((f) => f.toLowerCase() === name.toLowerCase());
  if (!found) throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${object}'.`);
  return found;
};

/** `Owner.Name` → canonical casing, one relationship hop at most. */
export const resolveField = (object: string, name: string): string => {
  const parts = name.split('.');
  if (parts.length === 1) return resolveDirect(object, name);
  if (parts.length > 2) throw malformed('the sandbox supports one relationship hop');
  const relationships = DESCRIBE[object]!.relationships;
  const rel = Object.keys(relationships).find((r) => r.toLowerCase() === parts[0]!.toLowerCase());
  if (!rel) throw new SoqlError('INVALID_FIELD', `Didn't understand relationship '${parts[0]}' in field path.`);
  return `${rel}.${resolveDirect(relationships[rel]!.object, parts[1]!)}`;
};

/** Parses one statement of the subset, or throws a SoqlError naming Salesforce's error code. */
export const parseSoql = (text: string): SoqlQuery => {
  if (text.length === 0 || text.length > MAX_QUERY_LENGTH) throw malformed('query is empty or too long');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isKeyword = (kw: string) => {
    const t = peek();
    return t?.kind === 'word' && t.text.toUpperCase() === kw;
  };
  const keyword = (kw: string) => {
    if (!isKeyword(kw)) throw malformed(`expecting '${kw}'`);
    pos++;
  };
  const name = (): string => {
    const t = tokens[pos++];
    if (t?.kind !== 'word' || RESERVED.has(t.text.toUpperCase())) throw malformed('unexpected token: expecting a field name');
    return t.text;
  };

  keyword('SELECT');
  const selected = [name()];
  while (peek()?.kind === ',') {
    pos++;
    selected.push(name());
  }
  keyword('FROM');
  const objectName = name();
  if (objectName.includes('.')) throw malformed('unexpected token in FROM');
  const object = resolveObject(objectName);
  const fields = selected.map((f) => resolveField(object, f));
  if (new Set(fields).size !== fields.length) throw malformed('duplicate field selected');

  const where: SoqlCondition[] = [];
  if (isKeyword('WHERE')) {
    do {
      pos++; // WHERE or AND
      const fieldName = name();
      if (fieldName.includes('.')) throw malformed('the sandbox filters on direct fields only');
      const field = resolveDirect(object, fieldName);
      const type = DESCRIBE[object]!.fields[field]!;
      if (peek()?.kind === '=') {
        pos++;
        where.push({ field, op: '=', value: literal(tokens[pos++], object, field) });
      } else if (isKeyword('LIKE')) {
        pos++;
        const t = tokens[pos++];
        if (t?.kind !== 'string') throw malformed('LIKE needs a string pattern');
        if (type !== 'string') throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on ${type} field: LIKE`);
        where.push({ field, op: 'LIKE', pattern: new RegExp(`^${t.like}$`, 'is') });
      } else if (isKeyword('IN')) {
        pos++;
        if (tokens[pos++]?.kind !== '(') throw malformed("unexpected token: expecting '('");
        const values: string[] = [];
        do {
          if (values.length > 0) pos++; // the comma
          const value = literal(tokens[pos++], object, field);
          if (typeof value !== 'string') throw malformed('IN takes string literals');
          values.push(value);
        } while (peek()?.kind === ',');
        if (tokens[pos++]?.kind !== ')') throw malformed("unexpected token: expecting ')'");
        where.push({ field, op: 'IN', values });
      } else {
        throw malformed("unexpected token: expecting '=', LIKE or IN");
      }
    } while (isKeyword('AND'));
  }

  const orderBy: { field: string; descending: boolean }[] = [];
  if (isKeyword('ORDER')) {
    pos++;
    keyword('BY');
    do {
      if (orderBy.length > 0) pos++; // the comma
      const fieldName = name();
      if (fieldName.includes('.')) throw malformed('the sandbox orders by direct fields only');
      const field = resolveDirect(object, fieldName);
      let descending = false;
      if (isKeyword('ASC')) pos++;
      else if (isKeyword('DESC')) {
        pos++;
        descending = true;
      }
      orderBy.push({ field, descending });
    } while (peek()?.kind === ',');
  }

  let limit: number | undefined;
  if (isKeyword('LIMIT')) {
    pos++;
    const t = tokens[pos++];
    if (t?.kind !== 'number' || t.value < 1 || t.value > 50_000) throw malformed('LIMIT must be a positive integer');
    limit = t.value;
  }
  const rest = peek();
  if (rest) throw malformed(`unexpected token: '${rest.kind === 'word' ? rest.text : rest.kind === 'string' ? "'…'" : rest.kind}'`);
  return { object, fields, where, orderBy, ...(limit !== undefined ? { limit } : {}) };
};

const literal = (t: Token | undefined, object: string, field: string): string | boolean | null => {
  const type: FieldType = DESCRIBE[object]!.fields[field]!;
  if (t?.kind === 'word') {
    const word = t.text.toUpperCase();
    if (word === 'NULL') return null;
    if ((word === 'TRUE' || word === 'FALSE') && type === 'boolean') return word === 'TRUE';
  }
  if (t?.kind === 'string' && (type === 'string' || type === 'id')) {
    if (t.likeOnly) throw malformed('invalid escape sequence in string literal: \\% and \\_ are for LIKE only');
    if (type === 'id' && !ID_VALUE.test(t.value)) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${t.value}`);
    return t.value;
  }
  if (!t || (t.kind === 'word' && !RESERVED.has(t.text.toUpperCase())) || t.kind === ',' || t.kind === '=' || t.kind === '(' || t.kind === ')') {
    throw malformed('unexpected token: expecting a literal');
  }
  throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `value of filter criterion for field '${field}' must be of type ${type}`);
};

const equals = (actual: FieldValue, type: FieldType, value: string | boolean | null): boolean => {
  if (value === null) return actual === null;
  if (typeof value === 'boolean' || typeof actual !== 'string') return actual === value;
  // A 15-character id names the same record as its 18-character form; text compares case-insensitively, as in SOQL.
  if (type === 'id') return value.length === 15 ? actual.slice(0, 15) === value : actual === value;
  return actual.toLowerCase() === value.toLowerCase();
};

const matches = (record: SObjectRecord, condition: SoqlCondition, type: FieldType): boolean => {
  const actual = record[condition.field] ?? null;
  if (condition.op === '=') return equals(actual, type, condition.value);
  if (condition.op === 'IN') return condition.values.some((v) => equals(actual, type, v));
  return typeof actual === 'string' && condition.pattern.test(actual);
};

const compare = (a: FieldValue | undefined, b: FieldValue | undefined): number => {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return -1; // ASC NULLS FIRST, SOQL's default
  if (y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  // Text sorts case-insensitively, as SOQL's ORDER BY does; the exact text breaks ties.
  const [lx, ly] = [String(x).toLowerCase(), String(y).toLowerCase()];
  if (lx !== ly) return lx < ly ? -1 : 1;
  return String(x) < String(y) ? -1 : 1;
};

/** The record as the REST API shows it: `attributes`, then the fields asked for; a relationship as a nested record. */
export const projectRecord = (org: SandboxOrg, object: string, record: SObjectRecord, fields: readonly string[], apiVersion: string) => {
  const url = (type: string, id: FieldValue | undefined) => `/services/data/${apiVersion}/sobjects/${type}/${String(id)}`;
  const out: Record<string, unknown> = { attributes: { type: object, url: url(object, record.Id) } };
  for (const field of fields) {
    const [head, tail] = field.split('.') as [string, string | undefined];
    if (tail === undefined) {
      out[head] = record[head] ?? null;
      continue;
    }
    const rel = DESCRIBE[object]!.relationships[head]!;
    const target = org.records[rel.object]?.find((r) => r.Id === record[rel.via]);
    if (!target) {
      out[head] = null;
      continue;
    }
    const nested = (out[head] ??= { attributes: { type: rel.object, url: url(rel.object, target.Id) } }) as Record<string, unknown>;
    nested[tail] = target[tail] ?? null;
  }
  return out;
};

/** Runs a parsed query over the org: one batch, `done: true` (the sandbox never paginates). */
export const runSoql = (org: SandboxOrg, query: SoqlQuery, apiVersion: string) => {
  const types = DESCRIBE[query.object]!.fields;
  let rows = (org.records[query.object] ?? []).filter((r) => query.where.every((c) => matches(r, c, types[c.field]!)));
  if (query.orderBy.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const o of query.orderBy) {
        const order = compare(a[o.field], b[o.field]);
        if (order !== 0) return o.descending ? -order : order;
      }
      return 0;
    });
  }
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  const records = rows.map((r) => projectRecord(org, query.object, r, query.fields, apiVersion));
  return { totalSize: records.length, done: true, records };
};
