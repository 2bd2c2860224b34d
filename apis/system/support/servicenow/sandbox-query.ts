/**
 * The encoded-query subset the ServiceNow sandbox understands: conditions `field=value`,
 * `field!=value`, `fieldINa,b`, `fieldNOT INa,b` joined by `^`, and `ORDERBYfield` /
 * `ORDERBYDESCfield`. Anything else — `^OR`, `^NQ`, `LIKE`, `STARTSWITH`, `ISEMPTY`, comparisons,
 * dot-walking — is refused with a QueryError (answered with ServiceNow's error envelope), so an
 * adapter that starts sending something new breaks a test instead of silently matching everything.
 *
 * Unknown columns: a real instance IGNORES a condition on a column the table does not have (unless
 * `glide.invalid_query.returns_no_rows` is set). The sandbox refuses it by default (stricter, to
 * catch adapter bugs), or ignores it like an instance does when told to (`unknownColumns: 'ignore'`).
 */
import type { Row } from './sandbox-data.js';

export class QueryError extends Error {
  override name = 'QueryError';
}

export interface QueryCondition {
  readonly field: string;
  readonly op: '=' | '!=' | 'IN' | 'NOT IN';
  readonly values: readonly string[];
}

export interface ParsedQuery {
  readonly conditions: readonly QueryCondition[];
  readonly orderBy: readonly { readonly field: string; readonly descending: boolean }[];
}

const CONDITION = /^([a-z][a-z0-9_]*)(!=|=|NOT IN|IN)(.*)$/s;
const ORDER = /^ORDERBY(DESC)?([a-z][a-z0-9_]*)$/;

export const parseEncodedQuery = (query: string, columns: ReadonlySet<string>, unknownColumns: 'reject' | 'ignore' = 'reject'): ParsedQuery => {
  const conditions: QueryCondition[] = [];
  const orderBy: { field: string; descending: boolean }[] = [];
  const known = (field: string) => {
    if (columns.has(field)) return true;
    if (unknownColumns === 'ignore') return false;
    throw new QueryError(`Invalid query: the table has no column ${field}`);
  };
  for (const part of query.split('^')) {
    if (part === '') continue;
    const order = ORDER.exec(part);
    if (order) {
      if (known(order[2]!)) orderBy.push({ field: order[2]!, descending: order[1] === 'DESC' });
      continue;
    }
    if (part === 'OR' || part.startsWith('OR') || part.startsWith('NQ') || part === 'EQ') throw new QueryError('Invalid query: OR, NQ and EQ are not supported by the sandbox');
    const m = CONDITION.exec(part);
    if (!m) throw new QueryError('Invalid query: only =, !=, IN and NOT IN conditions and ORDERBY are supported by the sandbox');
    const [, field, op, raw] = m as unknown as [string, string, QueryCondition['op'], string];
    if (!known(field)) continue;
    const values = op === 'IN' || op === 'NOT IN' ? raw.split(',') : [raw];
    conditions.push({ field, op, values });
  }
  return { conditions, orderBy };
};

/** Case-insensitive, as string comparisons in an instance's queries are. */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const matches = (row: Row, query: ParsedQuery): boolean =>
  query.conditions.every(({ field, op, values }) => {
    const value = row[field] ?? '';
    const hit = values.some((v) => same(value, v));
    return op === '=' || op === 'IN' ? hit : !hit;
  });

/** Rows that match, in the query's order (ties keep table order). */
export const runQuery = (rows: Iterable<Row>, query: ParsedQuery): Row[] => {
  const selected = [...rows].filter((row) => matches(row, query));
  if (query.orderBy.length === 0) return selected;
  return selected
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const { field, descending } of query.orderBy) {
        const x = a.row[field] ?? '';
        const y = b.row[field] ?? '';
        if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
      }
      return a.index - b.index;
    })
    .map(({ row }) => row);
};
