/**
 * The Chargebee API document Strata is checked against: the official v1 subset
 * (`chargebee-api-v1.subset.json`, unchanged) merged with the hand-written v2 delta
 * (`chargebee-api-v2.delta.json`): v2 servers, the three Product Catalog 2.0 operations the subset
 * lacks, v2 filter/sort parameters on the held list operations, v2 form fields, and the v2 shape of
 * `Customer`, `Subscription` and `Invoice`. Pure data: no validator here (tests bring their own).
 */
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

export interface ChargebeeOperation {
  readonly method: 'GET' | 'POST';
  /** OpenAPI path template, relative to `/api/v2`, e.g. `/customers/{customer-id}`. */
  readonly template: string;
  readonly operationId: string;
  /** Query parameters by name (`limit`, `customer_id[is]`, …) with their schema. */
  readonly query: ReadonlyMap<string, Json>;
  /** The form body's schema (`properties` by top-level name), when the operation takes one. */
  readonly form?: Json;
  /** The form body's deepObject fields (`subscription_items`, `contract_term`, …). */
  readonly deepObjects: ReadonlySet<string>;
  /** Response schemas by status. */
  readonly responses: Readonly<Record<string, Json>>;
  /** Whether the operation comes from the official subset or from the hand-written delta. */
  readonly source: 'subset' | 'v2-delta';
}

const readJson = (name: string): Json => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as Json;
const clone = <T>(value: T): T => structuredClone(value);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface SchemaPatch {
  readonly removeProperties?: readonly string[];
  readonly properties?: Json;
  readonly required?: readonly string[];
}

/** Applies a delta patch to one of the subset's component schemas (documented in the delta's `$comment`). */
export const patchSchema = (schema: Json, patch: SchemaPatch): Json => {
  const out = clone(schema);
  const properties = { ...((out.properties as Json | undefined) ?? {}) };
  for (const name of patch.removeProperties ?? []) {
    if (!(name in properties)) throw new Error(`chargebee delta: cannot remove unknown property ${name}`);
    delete properties[name];
  }
  Object.assign(properties, patch.properties ?? {});
  const removed = new Set(patch.removeProperties ?? []);
  const kept = ((out.required as string[] | undefined) ?? []).filter((r) => !removed.has(r));
  out.properties = properties;
  out.required = [...new Set([...kept, ...(patch.required ?? [])])];
  return out;
};

/** Builds the merged v2 document (subset + delta). Deterministic; computed once. */
const build = () => {
  const subset = readJson('chargebee-api-v1.subset.json');
  const delta = readJson('chargebee-api-v2.delta.json');
  const doc = clone(subset);
  const components = doc.components as { schemas: Json; parameters: Json };
  doc.servers = delta.servers;
  Object.assign(components.parameters, delta.parameters as Json);
  for (const [name, patch] of Object.entries(delta.schemaPatches as Json)) {
    if (name.startsWith('$')) continue;
    const original = components.schemas[name];
    if (!isObject(original)) throw new Error(`chargebee delta: no schema ${name} in the subset`);
    components.schemas[name] = patchSchema(original, patch as SchemaPatch);
  }
  for (const [name, schema] of Object.entries(delta.schemas as Json)) {
    if (name in components.schemas) throw new Error(`chargebee delta: schema ${name} would replace the subset's`);
    components.schemas[name] = schema;
  }
  const paths = doc.paths as Record<string, Json>;
  const sources = new Map<string, 'subset' | 'v2-delta'>();
  for (const [template, item] of Object.entries(paths)) for (const method of Object.keys(item)) sources.set(`${method.toUpperCase()} ${template}`, 'subset');
  for (const [key, operation] of Object.entries(delta.operations as Json)) {
    const [method, template] = key.split(' ') as [string, string];
    const item = (paths[template] ??= {});
    if (method.toLowerCase() in item) throw new Error(`chargebee delta: ${key} is already in the subset`);
    item[method.toLowerCase()] = operation;
    sources.set(key, 'v2-delta');
  }
  const byId = new Map<string, Json>();
  for (const item of Object.values(paths)) for (const op of Object.values(item)) if (isObject(op) && typeof op.operationId === 'string') byId.set(op.operationId, op);
  for (const [operationId, parameters] of Object.entries(delta.operationParameters as Json)) {
    if (operationId.startsWith('$')) continue;
    const op = byId.get(operationId);
    if (!op) throw new Error(`chargebee delta: no operation ${operationId}`);
    op.parameters = [...((op.parameters as unknown[] | undefined) ?? []), ...(parameters as unknown[])];
  }
  for (const [operationId, properties] of Object.entries(delta.requestBodyProperties as Json)) {
    if (operationId.startsWith('$')) continue;
    const body = byId.get(operationId)?.requestBody as { content: Record<string, { schema: Json }> } | undefined;
    const schema = body?.content['application/x-www-form-urlencoded']?.schema;
    if (!schema) throw new Error(`chargebee delta: ${operationId} takes no form body`);
    schema.properties = { ...(schema.properties as Json), ...(properties as Json) };
  }
  return { doc, sources };
};

let built: ReturnType<typeof build> | undefined;
const merged = () => (built ??= build());

/** The merged document: `$ref`s in it resolve against it (`#/components/schemas/Subscription` is the v2 shape). */
export const chargebeeV2Document = (): Json => merged().doc;

const resolveParameter = (doc: Json, p: Json): Json => {
  if (typeof p.$ref !== 'string') return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  const found = ((doc.components as Json).parameters as Json)[name];
  if (!isObject(found)) throw new Error(`chargebee spec: parameter ${p.$ref} does not resolve`);
  return found;
};

/** Every operation of the merged document, for matching recorded requests. */
export const chargebeeOperations = (): readonly ChargebeeOperation[] => {
  const { doc, sources } = merged();
  const out: ChargebeeOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, raw] of Object.entries(item)) {
      if (method !== 'get' && method !== 'post') continue;
      const op = raw as Json;
      const query = new Map<string, Json>();
      for (const p of ((op.parameters as Json[] | undefined) ?? []).map((x) => resolveParameter(doc, x))) {
        if (p.in === 'query') query.set(p.name as string, p.schema as Json);
      }
      const content = (op.requestBody as { content?: Record<string, { schema: Json; encoding?: Json }> } | undefined)?.content?.['application/x-www-form-urlencoded'];
      const responses: Record<string, Json> = {};
      for (const [status, r] of Object.entries((op.responses as Record<string, Json>) ?? {})) {
        const schema = ((r.content as Record<string, { schema: Json }> | undefined)?.['application/json'])?.schema;
        if (schema) responses[status] = schema;
      }
      const upper = method.toUpperCase() as 'GET' | 'POST';
      out.push({
        method: upper,
        template,
        operationId: op.operationId as string,
        query,
        ...(content ? { form: content.schema } : {}),
        deepObjects: new Set(Object.entries(content?.encoding ?? {}).filter(([, e]) => (e as Json).style === 'deepObject').map(([k]) => k)),
        responses,
        source: sources.get(`${upper} ${template}`) ?? 'subset',
      });
    }
  }
  return out;
};

/** `/customers/{customer-id}` → a regex over a concrete path (ids never contain `/`). */
export const templateRegex = (template: string): RegExp =>
  new RegExp(`^${template.split(/(\{[^}]+\})/).map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);

/** The operation a concrete request (method, path relative to `/api/v2`) is an instance of. */
export const findChargebeeOperation = (method: string, path: string): ChargebeeOperation | undefined =>
  chargebeeOperations().find((op) => op.method === method && templateRegex(op.template).test(path));
