/**
 * Test support for the SAP conformance suite: checks JSON values and request bodies against an EDMX
 * entity type, independently of the sandbox's own checks (so the sandbox can be wrong, and caught).
 */
import type { EdmxEntityType, EdmxModel } from '../../../../openapi/vendors/sap-s4hana/edmx.js';

const V2_DATE = /^\/Date\(-?\d+\)\/$/;
const V2_DATE_OFFSET = /^\/Date\(-?\d+[+-]\d{4}\)\/$/;
const V2_TIME = /^PT\d{2}H\d{2}M\d{2}S$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What is wrong with `value` as the JSON of an EDM property in this OData version, if anything. */
export const wireProblem = (edm: string, maxLength: number | undefined, nullable: boolean, value: unknown, version: 'v2' | 'v4'): string | undefined => {
  if (value === null) return nullable || /DateTime|Time|Date/.test(edm) ? undefined : 'null for a non-nullable property';
  if (edm.startsWith('Collection(')) return Array.isArray(value) ? undefined : 'not an array';
  const str = typeof value === 'string' ? value : undefined;
  switch (edm) {
    case 'Edm.String':
      return str === undefined ? 'not a string' : maxLength !== undefined && str.length > maxLength ? `longer than ${maxLength}` : undefined;
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? undefined : 'not a boolean';
    case 'Edm.Guid':
      return str && GUID.test(str) ? undefined : 'not a GUID';
    case 'Edm.Byte':
      return Number.isInteger(value) ? undefined : 'not an integer';
    case 'Edm.Decimal':
      return str && DECIMAL.test(str) ? undefined : 'not a decimal string';
    case 'Edm.DateTime':
      return str && V2_DATE.test(str) ? undefined : 'not /Date(ms)/';
    case 'Edm.DateTimeOffset':
      return version === 'v2' ? (str && V2_DATE_OFFSET.test(str) ? undefined : 'not /Date(ms+0000)/') : str && !Number.isNaN(Date.parse(str)) && /T/.test(str) ? undefined : 'not an RFC 3339 date-time';
    case 'Edm.Time':
      return str && V2_TIME.test(str) ? undefined : 'not an Edm.Time duration';
    case 'Edm.Date':
      return str && /^\d{4}-\d{2}-\d{2}$/.test(str) ? undefined : 'not a date';
    case 'Edm.TimeOfDay':
      return str && /^\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(str) ? undefined : 'not a time of day';
    default:
      return `unchecked type ${edm}`;
  }
};

/**
 * Every member of an entity's JSON must be a property of its EDMX type with a value of the right
 * wire type, or a navigation property (expanded: checked against its target type; V2: or deferred),
 * or an OData annotation / `__metadata`.
 */
export const entityProblems = (model: EdmxModel, type: EdmxEntityType, value: unknown, version: 'v2' | 'v4', path = '$'): string[] => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  const problems: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    if (name === '__metadata' || name.startsWith('@')) continue;
    const p = type.properties.get(name);
    if (p) {
      const problem = wireProblem(p.type, p.maxLength, p.nullable, v, version);
      if (problem) problems.push(`${path}.${name}: ${problem}`);
      continue;
    }
    const nav = type.navigations.get(name);
    const target = nav ? model.entityTypes.get(nav.target) : undefined;
    if (!nav || !target) {
      problems.push(`${path}.${name}: not declared in ${type.name}`);
      continue;
    }
    if (version === 'v2' && v && typeof v === 'object' && '__deferred' in v) continue;
    if (nav.many) {
      const items = version === 'v2' ? (v as { results?: unknown })?.results : v;
      if (!Array.isArray(items)) problems.push(`${path}.${name}: to-many navigation is not ${version === 'v2' ? '{results: [...]}' : 'an array'}`);
      else items.forEach((item, i) => problems.push(...entityProblems(model, target, item, version, `${path}.${name}[${i}]`)));
    } else if (v !== null) problems.push(...entityProblems(model, target, v, version, `${path}.${name}`));
  }
  return problems;
};

/**
 * A request body for a create (deep insert) or update must use only properties the EDMX declares as
 * creatable / updatable, with the right wire types; navigation properties only in a create.
 */
export const bodyProblems = (model: EdmxModel, type: EdmxEntityType, body: unknown, version: 'v2' | 'v4', mode: 'create' | 'update', path = '$'): string[] => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [`${path}: not an object`];
  const problems: string[] = [];
  for (const [name, v] of Object.entries(body)) {
    const p = type.properties.get(name);
    if (p) {
      if (mode === 'create' ? !p.creatable : !p.updatable) problems.push(`${path}.${name}: not ${mode === 'create' ? 'creatable' : 'updatable'}`);
      const problem = wireProblem(p.type, p.maxLength, p.nullable, v, version);
      if (problem) problems.push(`${path}.${name}: ${problem}`);
      continue;
    }
    const nav = type.navigations.get(name);
    const target = nav ? model.entityTypes.get(nav.target) : undefined;
    if (!nav || !target || mode === 'update') {
      problems.push(`${path}.${name}: not a ${mode === 'update' ? 'property' : 'property or navigation property'} of ${type.name}`);
      continue;
    }
    const items = nav.many ? (version === 'v2' ? (v as { results?: unknown })?.results : v) : [v];
    if (!Array.isArray(items)) problems.push(`${path}.${name}: to-many navigation in the wrong shape`);
    else items.forEach((item, i) => problems.push(...bodyProblems(model, target, item, version, mode, `${path}.${name}[${i}]`)));
  }
  return problems;
};

const KEYWORDS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'true', 'false', 'null', 'tolower', 'toupper', 'datetime']);

/** The property names a `$filter` or `$orderby` refers to (string literals skipped). */
export const referencedProperties = (expression: string): string[] =>
  [...expression.replace(/'(?:[^']|'')*'/g, "''").matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]).filter((w) => !KEYWORDS.has(w) && w !== 'asc' && w !== 'desc');
