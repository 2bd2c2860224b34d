/**
 * The SAP sandbox's wire layer: entities serialised as SAP Gateway does (V2 verbose JSON with
 * `__metadata` and `__deferred`, V4 JSON with `@odata.*` annotations), key predicates, and request
 * bodies checked against the entity type the way SAP refuses them (unknown property, read-only
 * property, wrong type, too long).
 */
import type { EdmxEntityType, EdmxProperty } from '../../../../openapi/vendors/sap-s4hana/edmx.js';
import type { EdmField, EntityDeclaration } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import { DECIMAL_TEXT } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import type { Wire } from './sandbox-data.js';
import { parseExpand, type ExpandTree } from './sandbox-odata.js';

/** An entity instance and how to reach what hangs off it. */
export interface EntityNode {
  readonly type: EdmxEntityType;
  readonly set: string;
  readonly data: Wire;
  readonly etag?: string;
  /** The related entities of a navigation property (array for to-many, node or null for to-one). */
  readonly nav?: (name: string) => EntityNode[] | EntityNode | null;
}

/** An entity type declared from SAP's documentation (no EDMX held), as the sandbox's type model. */
export const typeFromDeclaration = (decl: Pick<EntityDeclaration<Readonly<Record<string, EdmField>>, string>, 'entityType' | 'keys' | 'fields'>): EdmxEntityType => ({
  name: decl.entityType,
  keys: decl.keys,
  properties: new Map(
    Object.entries(decl.fields).map(([name, f]): [string, EdmxProperty] => [
      name,
      { name, type: f.edm, ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}), nullable: !decl.keys.includes(name), creatable: false, updatable: false, filterable: true },
    ]),
  ),
  navigations: new Map(),
});

const literal = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;

/** `('1000812')` or `(BusinessPartner='1000812',CreditSegment='1000')`. */
export const keyPredicate = (type: EdmxEntityType, data: Wire): string =>
  type.keys.length === 1 ? `(${literal(data[type.keys[0]!])})` : `(${type.keys.map((k) => `${k}=${literal(data[k])}`).join(',')})`;

/** Parses a key predicate's inside: `'x'` → `{ '': 'x' }`; `A='x',B='y'` → `{ A: 'x', B: 'y' }`; undefined when malformed. */
export const parseKeyPredicate = (text: string): Record<string, string> | undefined => {
  const single = /^'((?:[^']|'')*)'$/.exec(text);
  if (single) return { '': single[1]!.replace(/''/g, "'") };
  const out: Record<string, string> = {};
  let rest = text;
  for (;;) {
    const m = /^([A-Za-z_]\w*)='((?:[^']|'')*)'(,|$)/.exec(rest);
    if (!m) return undefined;
    out[m[1]!] = m[2]!.replace(/''/g, "'");
    rest = rest.slice(m[0].length);
    if (m[3] === '') return out;
  }
};

/** A V2 entity: `__metadata`, the (selected) properties, every navigation expanded or deferred. */
export const serializeV2 = (node: EntityNode, expand: ExpandTree, serviceUrl: string, select?: readonly string[]): Wire => {
  const uri = `${serviceUrl}/${node.set}${keyPredicate(node.type, node.data)}`;
  const out: Wire = { __metadata: { id: uri, uri, type: node.type.name, ...(node.etag ? { etag: node.etag } : {}) } };
  for (const [k, v] of Object.entries(node.data)) if (!select || select.includes(k)) out[k] = v;
  for (const nav of node.type.navigations.keys()) {
    const sub = expand[nav];
    if (!sub) {
      if (!select) out[nav] = { __deferred: { uri: `${uri}/${nav}` } };
      continue;
    }
    const related = node.nav?.(nav) ?? null;
    if (Array.isArray(related)) out[nav] = { results: related.map((r) => serializeV2(r, sub, serviceUrl)) };
    else out[nav] = related ? serializeV2(related, sub, serviceUrl) : null;
  }
  return out;
};

/** A V4 entity: `@odata.etag`, the (selected) properties with decimals as strings or numbers, expanded navigations. */
export const serializeV4 = (node: EntityNode, expand: ExpandTree, ieee754: boolean, select?: readonly string[]): Wire => {
  const out: Wire = node.etag ? { '@odata.etag': node.etag } : {};
  for (const [k, v] of Object.entries(node.data)) {
    if (select && !select.includes(k)) continue;
    out[k] = !ieee754 && node.type.properties.get(k)?.type === 'Edm.Decimal' && typeof v === 'string' ? Number(v) : v;
  }
  for (const [nav, sub] of Object.entries(expand)) {
    const related = node.nav?.(nav) ?? null;
    out[nav] = Array.isArray(related) ? related.map((r) => serializeV4(r, sub, ieee754)) : related ? serializeV4(related, sub, ieee754) : null;
  }
  return out;
};

/** Every `$expand` path must name navigation properties, level by level. */
export const checkExpand = (type: EdmxEntityType, expand: ExpandTree, typeOf: (qualified: string) => EdmxEntityType | undefined): string | undefined => {
  for (const [nav, sub] of Object.entries(expand)) {
    const n = type.navigations.get(nav);
    const target = n ? typeOf(n.target) : undefined;
    if (!n || !target) return `navigation property ${nav} not found on ${type.name}`;
    const deeper = checkExpand(target, sub, typeOf);
    if (deeper) return deeper;
  }
  return undefined;
};
export const expandOf = (value: string | undefined) => parseExpand(value);

export interface BodyProblem {
  readonly message: string;
  readonly target: string;
}

const V2_DATE = /^\/Date\(-?\d+([+-]\d{4})?\)\/$/;

const typeProblem = (p: EdmxProperty, value: unknown, version: 'v2' | 'v4'): string | undefined => {
  if (value === null) return p.nullable ? undefined : 'must not be null';
  switch (p.type) {
    case 'Edm.String':
      if (typeof value !== 'string') return 'must be a string';
      return p.maxLength !== undefined && value.length > p.maxLength ? `is longer than ${p.maxLength} characters` : undefined;
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'Edm.Decimal':
      return (typeof value === 'string' && DECIMAL_TEXT.test(value)) || (version === 'v4' && typeof value === 'number') ? undefined : 'must be a decimal';
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      return version === 'v2' ? (typeof value === 'string' && V2_DATE.test(value) ? undefined : 'must be /Date(ms)/') : typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'must be a date-time';
    case 'Edm.Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'must be a date';
    default:
      return undefined;
  }
};

/**
 * The first reason SAP would refuse this body for `type`: an unknown property, one that is read-only
 * for this operation, a wrong type or length, or a navigation that is not a list / object. Deep
 * inserts are checked level by level with the navigation's target type.
 */
export const bodyProblem = (
  type: EdmxEntityType,
  body: unknown,
  options: { readonly version: 'v2' | 'v4'; readonly mode: 'create' | 'update'; readonly typeOf: (qualified: string) => EdmxEntityType | undefined; readonly path?: string },
): BodyProblem | undefined => {
  const here = options.path ?? '';
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { message: 'the body must be a JSON object', target: here };
  for (const [name, value] of Object.entries(body)) {
    const target = here ? `${here}/${name}` : name;
    if (name.startsWith('@') || name === '__metadata') continue;
    const p = type.properties.get(name);
    if (p) {
      if (options.mode === 'create' ? !p.creatable : !p.updatable) return { message: `Property ${name} is read-only`, target };
      const problem = typeProblem(p, value, options.version);
      if (problem) return { message: `Property ${name} ${problem}`, target };
      continue;
    }
    const nav = type.navigations.get(name);
    const navType = nav ? options.typeOf(nav.target) : undefined;
    if (!nav || !navType || options.mode === 'update') return { message: `Property ${name} is invalid`, target };
    const children = nav.many ? (options.version === 'v2' ? (value as { results?: unknown } | null)?.results : value) : [value];
    if (!Array.isArray(children)) return { message: `Navigation property ${name} must be ${options.version === 'v2' ? '{ "results": [...] }' : 'an array'}`, target };
    for (const [i, child] of children.entries()) {
      const problem = bodyProblem(navType, child, { ...options, path: nav.many ? `${target}(${i})` : target });
      if (problem) return problem;
    }
  }
  return undefined;
};
