/**
 * The part of Stripe's Search Query Language the sandbox understands: exact-match clauses
 * `field:'value'` and `metadata['key']:'value'` (single or double quotes, `\` escapes), joined by
 * `AND` or by `OR` (Stripe does not allow mixing them). Anything else is a 400 naming `query`, as
 * Stripe answers an unparseable query.
 */

export class SearchQueryError extends Error {
  override name = 'SearchQueryError';
}

export type SearchRecord = { readonly fields: Readonly<Record<string, string | null>>; readonly metadata: Readonly<Record<string, string>> };
type Clause = { readonly field: string; readonly metadataKey?: string; readonly value: string };

const CLAUSE = /^\s*(?:metadata\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]|([a-z_]+))\s*:\s*(['"])((?:\\.|(?!\4).)*)\4\s*/;
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

/**
 * Parses `query` for a resource whose searchable plain fields are `fields`; returns a predicate.
 * @example parseSearchQuery("metadata['external_ref']:'cus_01'", ['email'])({ fields: {}, metadata: { external_ref: 'cus_01' } }) === true
 */
export const parseSearchQuery = (query: string, fields: readonly string[]): ((record: SearchRecord) => boolean) => {
  if (query.trim() === '' || query.length > 1_000) throw new SearchQueryError('The query is empty or too long.');
  const clauses: Clause[] = [];
  let joiner: 'AND' | 'OR' | undefined;
  let rest = query;
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m) throw new SearchQueryError(`Could not parse the query near: ${rest.slice(0, 40)}`);
    if (m[3] !== undefined && !fields.includes(m[3])) throw new SearchQueryError(`Field \`${m[3]}\` is an unsupported search field for this resource.`);
    clauses.push(m[3] !== undefined ? { field: m[3], value: unescape(m[5]!) } : { field: 'metadata', metadataKey: unescape(m[2]!), value: unescape(m[5]!) });
    rest = rest.slice(m[0].length);
    if (rest === '') break;
    const j = /^(AND|OR)\s+/.exec(rest);
    if (!j) throw new SearchQueryError(`Could not parse the query near: ${rest.slice(0, 40)}`);
    if (joiner && joiner !== j[1]) throw new SearchQueryError('A query cannot combine AND and OR.');
    joiner = j[1] as 'AND' | 'OR';
    rest = rest.slice(j[0].length);
  }
  if (clauses.length > 10) throw new SearchQueryError('A query may have at most 10 clauses.');
  const test = (record: SearchRecord, c: Clause) =>
    c.metadataKey !== undefined ? record.metadata[c.metadataKey] === c.value : (record.fields[c.field] ?? null)?.toLowerCase() === c.value.toLowerCase();
  return joiner === 'OR' ? (r) => clauses.some((c) => test(r, c)) : (r) => clauses.every((c) => test(r, c));
};
