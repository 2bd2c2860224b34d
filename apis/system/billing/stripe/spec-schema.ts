/**
 * Test support for the Stripe conformance suite: Stripe's OpenAPI 3.0 document (the held subset),
 * made checkable by test/harness/json-schema.ts, which validates OpenAPI 3.1 / JSON Schema 2020-12
 * and refuses keywords it does not know. The validator is wrapped, not changed — the document is
 * pre-processed once:
 * - `nullable: true` (3.0) → `anyOf: [<the schema>, {type: "null"}]` (2020-12);
 * - `format: "unix-time"` dropped (the value is already `type: integer`); `format: "decimal"` →
 *   `pattern` of a decimal number (Stripe sends these as strings, e.g. `unit_amount_decimal`);
 * - `x-*` extensions dropped (annotations).
 * Every other keyword the subset uses (`type`, `properties`, `required`, `additionalProperties`,
 * `items`, `enum`, `maxLength`, `pattern`, `anyOf`, `oneOf`, `$ref`, `title`, `description`) is the
 * validator's own. Plus `coerceFormValue`: form-encoded values are all strings on the wire; they are
 * typed by the operation's schema (integers, booleans) before validation, as Stripe reads them.
 */
import { readFileSync } from 'node:fs';
import { validateSchema, resolveRef, type SchemaIssue } from '../../../../test/harness/json-schema.js';
import type { ParsedFormValue } from './form.js';

type Json = Record<string, unknown>;
type Schema = boolean | Json;

const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf']);

/** One schema, OpenAPI 3.0 → JSON Schema 2020-12 (see the header). */
export const toJsonSchema2020 = (schema: Schema): Schema => {
  if (typeof schema === 'boolean') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || key === 'nullable') continue;
    if (key === 'format') {
      if (value === 'decimal') out.pattern = '^-?\\d+(\\.\\d+)?$';
      else if (value === 'date-time' || value === 'date') out.format = value;
      continue; // unix-time and others: annotations here
    }
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, toJsonSchema2020(s as Schema)]));
    else if (SCHEMA_VALUES.has(key) && (typeof value === 'object' || typeof value === 'boolean')) out[key] = toJsonSchema2020(value as Schema);
    else if (SCHEMA_LISTS.has(key)) out[key] = (value as Schema[]).map(toJsonSchema2020);
    else out[key] = value;
  }
  if (schema.nullable === true) {
    const { description, title, ...rest } = out;
    return { ...(description !== undefined ? { description } : {}), ...(title !== undefined ? { title } : {}), anyOf: [rest, { type: 'null' }] };
  }
  return out;
};

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** The held Stripe spec (as copied into openapi/vendors/stripe), converted, with look-ups for the tests. */
export const loadStripeSpec = () => {
  const raw = JSON.parse(readFileSync(new URL('../../../../openapi/vendors/stripe/stripe-api.subset.json', import.meta.url), 'utf8')) as {
    info: { version: string };
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
  };
  const root = { components: { schemas: Object.fromEntries(Object.entries(raw.components.schemas).map(([name, s]) => [name, toJsonSchema2020(s)])) } };
  const operations = Object.entries(raw.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      op,
    })),
  );

  /** The operation a request's method and path (relative, `/v1/…`) belong to; concrete paths win over templates. */
  const operationFor = (method: string, path: string) => {
    const matches = operations.filter((o) => o.method === method && o.pattern.test(path));
    return matches.find((o) => !o.template.includes('{')) ?? matches[0];
  };

  /** The converted schema of an operation's 200 response (`GET /v1/invoices` → the invoice list object). */
  const responseSchema = (method: string, template: string): Schema => {
    const op = raw.paths[template]?.[method.toLowerCase()];
    const schema = op?.responses['200']?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`no 200 response schema for ${method} ${template}`);
    return toJsonSchema2020(schema);
  };

  const validate = (schema: Schema, value: unknown): SchemaIssue[] => validateSchema(schema, value, root);
  const component = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

  return { version: raw.info.version, securitySchemes: raw.components.securitySchemes, root, operations, operationFor, responseSchema, validate, component };
};

export type StripeSpec = ReturnType<typeof loadStripeSpec>;

/**
 * Types a decoded form value by its schema: `"5"` → 5 where an integer is expected, `"true"` →
 * true for a boolean; in an `anyOf`, the first branch the coerced value satisfies wins.
 */
export const coerceFormValue = (value: ParsedFormValue | undefined, schema: Schema, root: unknown): unknown => {
  if (value === undefined || typeof schema === 'boolean') return value;
  if (typeof schema.$ref === 'string') return coerceFormValue(value, resolveRef(root, schema.$ref), root);
  if (Array.isArray(schema.anyOf)) {
    for (const branch of schema.anyOf as Schema[]) {
      const coerced = coerceFormValue(value, branch, root);
      if (validateSchema(branch, coerced, root).length === 0) return coerced;
    }
    return value;
  }
  if (typeof value === 'string') {
    if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => coerceFormValue(v, (schema.items as Schema) ?? true, root));
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const additional = schema.additionalProperties as Schema | undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceFormValue(v, properties[k] ?? additional ?? true, root)]));
};

/**
 * Parameter names (as bracket paths) the schema does not declare, at any depth: Stripe's request
 * schemas leave `additionalProperties` open, but Stripe refuses unknown parameters
 * (`parameter_unknown`), so the test checks names itself. Open maps (`metadata`) accept any key.
 */
export const undeclaredKeys = (value: ParsedFormValue | undefined, schema: Schema, root: unknown, at = ''): string[] => {
  if (value === undefined || typeof value === 'string' || typeof schema === 'boolean') return [];
  if (typeof schema.$ref === 'string') return undeclaredKeys(value, resolveRef(root, schema.$ref), root, at);
  if (Array.isArray(schema.anyOf)) {
    const perBranch = (schema.anyOf as Schema[]).map((branch) => undeclaredKeys(value, branch, root, at));
    return perBranch.reduce((best, keys) => (keys.length < best.length ? keys : best));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclaredKeys(v, (schema.items as Schema) ?? true, root, `${at}[${i}]`));
  const properties = schema.properties as Record<string, Schema> | undefined;
  const additional = schema.additionalProperties as Schema | undefined;
  return Object.entries(value).flatMap(([k, v]) => {
    const path = at ? `${at}[${k}]` : k;
    const child = properties?.[k] ?? additional;
    if (child === undefined) return properties ? [path] : [];
    if (child === false) return [path];
    return undeclaredKeys(v, child, root, path);
  });
};
