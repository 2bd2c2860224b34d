/**
 * A compact JSON Schema (2020-12, as OpenAPI 3.1 uses it) validator for the keywords the published
 * documents actually use. Deliberately strict about itself: a keyword it does not know throws, so a
 * schema it cannot fully check can never pass silently. No package: the subset is small.
 */

export interface SchemaIssue {
  /** JSON Pointer into the validated value. */
  readonly at: string;
  readonly message: string;
}

type Schema = boolean | Record<string, unknown>;

/** Keywords that describe but do not constrain. `x-*` extensions are annotations too. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const ASSERTIONS = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'anyOf',
  'oneOf',
  'allOf',
  'format',
]);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)),
  date: (s) => FULL_DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typeMatches = (type: string, value: unknown): boolean => {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`json-schema: unknown type "${type}"`);
  }
};

const escapePointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

/** Resolves a local `$ref` (`#/components/schemas/Money`) against the document root. */
export const resolveRef = (root: unknown, ref: string): Schema => {
  if (!ref.startsWith('#/')) throw new Error(`json-schema: only local $ref is supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(segment in node)) throw new Error(`json-schema: $ref ${ref} does not resolve`);
    node = node[segment];
  }
  if (typeof node !== 'boolean' && !isObject(node)) throw new Error(`json-schema: $ref ${ref} is not a schema`);
  return node;
};

/** Deep equality for enum/const over JSON values. */
const jsonEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Validates `value` against `schema`; `root` is the document `$ref`s resolve in. Returns every issue
 * (empty when valid). Throws on a keyword outside the supported subset.
 *
 * @example
 * const issues = validateSchema({ $ref: '#/components/schemas/Problem' }, body, document)
 * expect(issues).toEqual([])
 */
export const validateSchema = (schema: Schema, value: unknown, root: unknown, at = ''): SchemaIssue[] => {
  if (schema === true) return [];
  if (schema === false) return [{ at, message: 'no value is allowed here' }];
  for (const keyword of Object.keys(schema)) {
    if (!ASSERTIONS.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith('x-')) {
      throw new Error(`json-schema: unsupported keyword "${keyword}" at schema for ${at || '/'} — extend the validator`);
    }
  }
  const issues: SchemaIssue[] = [];
  const issue = (message: string) => issues.push({ at: at || '/', message });
  const s = schema;

  if (typeof s.$ref === 'string') issues.push(...validateSchema(resolveRef(root, s.$ref), value, root, at));
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, value))) {
      issue(`expected ${types.join(' | ')}, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
      return issues;
    }
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => jsonEqual(e, value))) issue(`expected one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && !jsonEqual(s.const, value)) issue(`expected ${JSON.stringify(s.const)}`);

  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.minLength === 'number' && length < s.minLength) issue(`shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && length > s.maxLength) issue(`longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) issue(`does not match ${s.pattern}`);
    if (typeof s.format === 'string') {
      const check = FORMATS[s.format];
      if (!check) throw new Error(`json-schema: unsupported format "${s.format}"`);
      if (!check(value)) issue(`not a valid ${s.format}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) issue(`less than ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) issue(`greater than ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) issue(`not greater than ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) issue(`not less than ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) issue(`fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) issue(`more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((item, i) => issues.push(...validateSchema(s.items as Schema, item, root, `${at}/${i}`)));
  }
  if (isObject(value)) {
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const name of (s.required ?? []) as string[]) if (!(name in value)) issue(`missing required property "${name}"`);
    for (const [name, child] of Object.entries(value)) {
      const path = `${at}/${escapePointer(name)}`;
      if (name in properties) issues.push(...validateSchema(properties[name]!, child, root, path));
      else if (s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) issues.push({ at: path, message: 'property not allowed (additionalProperties: false)' });
        else issues.push(...validateSchema(s.additionalProperties as Schema, child, root, path));
      }
    }
  }

  if (s.allOf !== undefined) for (const sub of s.allOf as Schema[]) issues.push(...validateSchema(sub, value, root, at));
  if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((sub) => validateSchema(sub, value, root, at).length === 0)) issue('matches none of anyOf');
  if (s.oneOf !== undefined) {
    const matching = (s.oneOf as Schema[]).filter((sub) => validateSchema(sub, value, root, at).length === 0).length;
    if (matching !== 1) issue(`matches ${matching} of oneOf, expected exactly 1`);
  }
  return issues;
};
