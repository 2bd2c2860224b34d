/**
 * Test support for the Chargebee conformance suite: validates values against the merged Chargebee v2
 * document (`openapi/vendors/chargebee/spec.ts`) with the project's JSON Schema validator
 * (test/harness/json-schema.ts), and checks recorded requests against the document's operations.
 *
 * The wrapper: the shared validator deliberately throws on formats it does not know. Chargebee's
 * spec uses `int32`, `int64`, `double` and `unix-time` on numbers (it ignores formats on numbers) and
 * `email` on strings. Before validating, a copy of the document is rewritten once: `format: email`
 * becomes a `pattern` (one `@` between non-blank parts: what Chargebee's own check accepts, loosely),
 * `int32` adds the 32-bit bounds where the schema states none, and the other number formats are
 * dropped (their type already says `integer` / `number`). Nothing else is changed.
 */
import { validateSchema, type SchemaIssue } from '../../../../test/harness/json-schema.js';
import { chargebeeV2Document, findChargebeeOperation, type ChargebeeOperation } from '../../../../openapi/vendors/chargebee/spec.js';
import type { RecordedRequest } from './sandbox.js';
import { CHARGEBEE_API_PREFIX } from './wire.js';

type Json = Record<string, unknown>;
const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+$';
const INT32 = { minimum: -2_147_483_648, maximum: 2_147_483_647 };

const normalize = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'properties' || key === 'example' ? (key === 'example' ? value : mapValues(value as Json)) : normalize(value);
  if (typeof out.format === 'string') {
    const format = out.format;
    if (format === 'email') out.pattern = EMAIL_PATTERN;
    if (format === 'int32') {
      out.minimum ??= INT32.minimum;
      out.maximum ??= INT32.maximum;
    }
    if (['email', 'int32', 'int64', 'double', 'unix-time'].includes(format)) delete out.format;
  }
  return out;
};
const mapValues = (properties: Json): Json => Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, normalize(v)]));

let normalized: Json | undefined;
/** The merged document with formats rewritten for the shared validator. */
export const validationDocument = (): Json => (normalized ??= normalize(chargebeeV2Document()) as Json);

/** Issues of `value` against `schema` (a `$ref` into the document, or an inline schema from it). */
export const validateChargebee = (schema: Json, value: unknown): SchemaIssue[] => validateSchema(normalize(schema) as Json, value, validationDocument());
export const componentRef = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** The operation a recorded request is an instance of (path relative to `/api/v2`). */
export const operationOf = (request: RecordedRequest): ChargebeeOperation | undefined =>
  request.path.startsWith(`${CHARGEBEE_API_PREFIX}/`) ? findChargebeeOperation(request.method, request.path.slice(CHARGEBEE_API_PREFIX.length)) : undefined;

/** A form value as the schema means it: numbers and booleans arrive as strings. */
const typed = (schema: Json, raw: string): unknown => {
  const type = schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (type === 'object' && schema.additionalProperties === true) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
};

/**
 * Problems of one recorded request against its operation: query parameters the operation does not
 * declare or whose value breaks the parameter's schema; form fields the body schema does not declare
 * (bracketed fields only under a `deepObject`-encoded property: `subscription_items[quantity][0]`),
 * values that break their schema, and missing required fields. Empty when the request conforms.
 */
export const requestProblems = (request: RecordedRequest, op: ChargebeeOperation): string[] => {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(request.query)) {
    const schema = op.query.get(name);
    if (!schema) {
      problems.push(`query ${name} is not a parameter of ${op.operationId}`);
      continue;
    }
    for (const issue of validateChargebee(schema, typed(schema, value))) problems.push(`query ${name}: ${issue.message}`);
  }
  if (!request.form) return problems;
  if (!op.form) return [...problems, `${op.operationId} takes no form body`];
  if (!request.contentType?.startsWith('application/x-www-form-urlencoded')) problems.push('form body without the form content type');
  const properties = (op.form.properties ?? {}) as Record<string, Json>;
  const sent = new Set<string>();
  for (const [key, value] of request.form) {
    const m = /^([a-z_]+)((?:\[[a-z_0-9]+\])*)$/.exec(key);
    if (!m) {
      problems.push(`form field ${key} is not Chargebee's bracket notation`);
      continue;
    }
    const [, top, brackets] = m as unknown as [string, string, string];
    sent.add(top);
    let schema: Json | undefined = properties[top];
    if (!schema) {
      problems.push(`form field ${top} is not a field of ${op.operationId}`);
      continue;
    }
    const path = [...brackets.matchAll(/\[([a-z_0-9]+)\]/g)].map((x) => x[1]!);
    if (path.length > 0 && !op.deepObjects.has(top)) problems.push(`form field ${key}: ${top} is not deepObject-encoded`);
    for (const segment of path) {
      if (/^\d+$/.test(segment) && schema?.type === 'array') schema = schema.items as Json;
      else schema = ((schema?.properties ?? {}) as Record<string, Json>)[segment];
      if (!schema) break;
    }
    if (!schema) {
      problems.push(`form field ${key} is not declared`);
      continue;
    }
    if (schema.type === 'array') {
      problems.push(`form field ${key} needs an index`);
      continue;
    }
    for (const issue of validateChargebee(schema, typed(schema, value))) problems.push(`form field ${key}: ${issue.message}`);
  }
  for (const name of (op.form.required ?? []) as string[]) if (!sent.has(name)) problems.push(`required form field ${name} missing`);
  return problems;
};
