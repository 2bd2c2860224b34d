/**
 * ServiceNow encoded queries (`sysparm_query`), built from validated parts — never concatenated from
 * input. An encoded query is `condition^condition^ORDERBYDESCfield`: `^` separates conditions, and
 * `^OR`, `^NQ` and `^EQ` change the query's meaning. ServiceNow has NO escape for `^` inside a value,
 * so a value that holds one cannot be expressed safely: it is refused (a RangeError: the contract's
 * schemas already forbid it, so reaching this is a bug), never escaped or stripped. The value
 * alphabet allowed here is narrower still (letters, digits, `_ - . : @`), which also keeps out the
 * `,` that separates `IN` lists, spaces, and the operator characters (`=`, `!`, `<`, `>`).
 *
 * Note on ServiceNow's behaviour: an instance silently IGNORES a condition on a field that does not
 * exist (unless `glide.invalid_query.returns_no_rows` is true), so a missing custom column returns
 * every row. The adapter therefore re-checks every row it gets against the condition it asked for.
 */

/** A column name: lower-case, as dictionary names are (`u_external_ref`, `sys_created_on`). */
const FIELD = /^[a-z][a-z0-9_]{0,79}$/;
/** A value: no `^`, no `,`, no spaces, no operators. */
const VALUE = /^[A-Za-z0-9_.:@-]{1,255}$/;

export type Condition =
  | { readonly field: string; readonly op: '=' | '!='; readonly value: string }
  | { readonly field: string; readonly op: 'IN' | 'NOT IN'; readonly values: readonly string[] };

export interface EncodedQuery {
  readonly where: readonly Condition[];
  readonly orderBy?: { readonly field: string; readonly descending: boolean };
}

/** True when `value` can travel in an encoded query as it is. */
export const isEncodableValue = (value: string): boolean => VALUE.test(value);

const field = (name: string): string => {
  if (!FIELD.test(name)) throw new RangeError('encoded query: invalid field name');
  return name;
};
const value = (v: string): string => {
  // The value is not echoed: it may be client data.
  if (!VALUE.test(v)) throw new RangeError('encoded query: value is not encodable (ServiceNow has no escape for ^)');
  return v;
};

/**
 * `{ where: [{ field: 'company', op: '=', value: id }], orderBy: { field: 'sys_created_on', descending: true } }`
 * → `company=<id>^ORDERBYDESCsys_created_on`.
 */
export const encodedQuery = (query: EncodedQuery): string => {
  const parts = query.where.map((c) => {
    if ('values' in c) {
      if (c.values.length === 0) throw new RangeError('encoded query: empty IN list');
      return `${field(c.field)}${c.op}${c.values.map(value).join(',')}`;
    }
    return `${field(c.field)}${c.op}${value(c.value)}`;
  });
  if (query.orderBy) parts.push(`${query.orderBy.descending ? 'ORDERBYDESC' : 'ORDERBY'}${field(query.orderBy.field)}`);
  return parts.join('^');
};
