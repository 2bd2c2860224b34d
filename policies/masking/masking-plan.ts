import { PII_KINDS, type PiiKind } from '../../shared/canonical/pii.js';
import { operationKey } from '../../shared/http/matched-operation.js';
import { maskValue } from './pii-maskers.js';

/** Where a PII value sits in a response body: property names, `*` for any array item or additional property. */
export interface PiiLocation {
  readonly path: readonly string[];
  readonly kind: PiiKind;
}

/**
 * One node of the compiled schema graph, kept only where PII is reachable. The graph may be cyclic
 * (a recursive `$ref`); walking it is driven by the JSON value, which is finite, so it terminates.
 */
interface MaskNode {
  kind: PiiKind | undefined;
  readonly properties: Map<string, MaskNode>;
  /** Every declared property name, PII or not: a declared key never falls through to `additional`. */
  readonly declared: Set<string>;
  items: MaskNode | undefined;
  /** Applies to keys not listed in `properties` of this node (JSON Schema `additionalProperties`). */
  additional: MaskNode | undefined;
  /** Schemas that apply to the same value: `$ref`, `allOf`, `anyOf`, `oneOf`. */
  readonly also: MaskNode[];
  /** This node plus everything reachable through `also`; filled once the graph is built. */
  flat: readonly MaskNode[];
}

export interface OperationMasking {
  /** Every PII location, for review and tests; a recursive schema is listed down to its first repetition (masking goes deeper). */
  readonly locations: readonly PiiLocation[];
  /** Masks a parsed 2xx JSON body in place; returns the (possibly replaced) root. */
  readonly mask: (body: unknown) => unknown;
}

export interface MaskingPlan {
  /** Only operations whose 2xx JSON responses hold PII; keyed by `operationKey(method, path)`. */
  readonly operations: ReadonlyMap<string, OperationMasking>;
}

/** The parts of an OpenAPI 3.1 document the plan reads; `getOpenAPI31Document(...)` output fits. */
export interface OpenApiDocument {
  readonly paths?: object;
  readonly components?: object;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SUCCESS_STATUS = /^2(?:\d\d|XX)$/i;
const isJsonMediaType = (type: string): boolean => {
  const t = type.split(';')[0]!.trim().toLowerCase();
  return t === 'application/json' || (t.endsWith('+json') && t !== 'application/problem+json');
};
const isPiiKind = (v: unknown): v is PiiKind => typeof v === 'string' && (PII_KINDS as readonly string[]).includes(v);
/** When schemas disagree on the kind of one location, the masker that reveals least wins. */
const KIND_STRICTNESS: readonly PiiKind[] = ['address', 'date_of_birth', 'name', 'email', 'bank_account', 'tax_id', 'phone'];
const stricter = (a: PiiKind | undefined, b: PiiKind | undefined): PiiKind | undefined =>
  a === undefined ? b : b === undefined ? a : KIND_STRICTNESS.indexOf(a) <= KIND_STRICTNESS.indexOf(b) ? a : b;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const newNode = (): MaskNode => ({ kind: undefined, properties: new Map(), declared: new Set(), items: undefined, additional: undefined, also: [], flat: [] });

/** Builds the schema graph for one document; `$ref` targets are compiled once and shared (cycles become back edges). */
const createCompiler = (document: OpenApiDocument) => {
  const refNodes = new Map<string, MaskNode>();
  const all: MaskNode[] = [];

  const resolvePointer = (ref: string): unknown => {
    if (!ref.startsWith('#')) throw new Error(`masking plan: external $ref "${ref}" is not supported`);
    let target: unknown = document;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) || Array.isArray(target) ? (target as Json)[token] : undefined;
    }
    // Fail at start-up: a dangling $ref would otherwise hide PII from the plan.
    if (target === undefined) throw new Error(`masking plan: $ref "${ref}" does not resolve`);
    return target;
  };

  const compile = (schema: unknown, where: string): MaskNode => {
    const node = newNode();
    all.push(node);
    if (!isObject(schema)) return node;
    const mark = schema['x-pii'];
    if (mark !== undefined) {
      if (!isPiiKind(mark)) throw new Error(`masking plan: unknown x-pii kind ${JSON.stringify(mark)} at ${where}`);
      node.kind = mark;
    }
    if (typeof schema.$ref === 'string') node.also.push(compileRef(schema.$ref));
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        node.declared.add(name);
        node.properties.set(name, compile(sub, `${where}/properties/${name}`));
      }
    }
    if (isObject(schema.additionalProperties)) node.additional = compile(schema.additionalProperties, `${where}/additionalProperties`);
    const itemSchemas = [...(isObject(schema.items) ? [schema.items] : []), ...(Array.isArray(schema.prefixItems) ? schema.prefixItems : [])];
    if (itemSchemas.length > 0) {
      // Tuple positions are folded into `*`: masking any item a position could hold is the safe side.
      node.items = newNode();
      all.push(node.items);
      itemSchemas.forEach((s, i) => node.items!.also.push(compile(s, `${where}/items/${i}`)));
    }
    for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[combinator];
      if (Array.isArray(list)) list.forEach((s, i) => node.also.push(compile(s, `${where}/${combinator}/${i}`)));
    }
    return node;
  };

  const compileRef = (ref: string): MaskNode => {
    const known = refNodes.get(ref);
    if (known) return known;
    const node = newNode();
    all.push(node);
    refNodes.set(ref, node); // registered before compiling, so a recursive schema points back here
    node.also.push(compile(resolvePointer(ref), ref));
    return node;
  };

  return { compile, resolve: resolvePointer, all };
};

const childrenOf = (n: MaskNode): MaskNode[] => [...n.properties.values(), ...(n.items ? [n.items] : []), ...(n.additional ? [n.additional] : []), ...n.also];

/** Marks which nodes reach PII (a fixpoint, because of cycles), drops the rest, and precomputes `flat`. */
const finish = (all: readonly MaskNode[]): Set<MaskNode> => {
  const withPii = new Set(all.filter((n) => n.kind !== undefined));
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of all) {
      if (!withPii.has(n) && childrenOf(n).some((c) => withPii.has(c))) {
        withPii.add(n);
        changed = true;
      }
    }
  }
  for (const n of withPii) {
    for (const [name, child] of n.properties) if (!withPii.has(child)) n.properties.delete(name);
    if (n.items && !withPii.has(n.items)) n.items = undefined;
    if (n.additional && !withPii.has(n.additional)) n.additional = undefined;
    const kept = n.also.filter((c) => withPii.has(c));
    n.also.splice(0, n.also.length, ...kept);
  }
  for (const n of withPii) {
    const flat = new Set<MaskNode>();
    const stack = [n];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (flat.has(m)) continue;
      flat.add(m);
      stack.push(...m.also);
    }
    n.flat = [...flat];
  }
  return withPii;
};

const expand = (nodes: readonly MaskNode[]): readonly MaskNode[] => {
  if (nodes.length === 1) return nodes[0]!.flat;
  const out = new Set<MaskNode>();
  for (const n of nodes) for (const m of n.flat) out.add(m);
  return [...out];
};

/** Masks `value` as described by every schema node that applies to it; objects and arrays are changed in place. */
const maskWith = (nodes: readonly MaskNode[], value: unknown): unknown => {
  const effective = expand(nodes);
  let kind: PiiKind | undefined;
  for (const n of effective) kind = stricter(kind, n.kind);
  // A PII location masks its whole value, whatever it holds: non-strings become null.
  if (kind !== undefined) return maskValue(kind, value);
  if (Array.isArray(value)) {
    const items = effective.flatMap((n) => (n.items ? [n.items] : []));
    if (items.length > 0) for (let i = 0; i < value.length; i++) value[i] = maskWith(items, value[i]);
    return value;
  }
  if (isObject(value)) {
    const open = effective.some((n) => n.additional !== undefined);
    const keys = open ? Object.keys(value) : [...new Set(effective.flatMap((n) => [...n.properties.keys()]))];
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) continue;
      const children: MaskNode[] = [];
      for (const n of effective) {
        const child = n.declared.has(key) ? n.properties.get(key) : n.additional;
        if (child) children.push(child);
      }
      if (children.length > 0) value[key] = maskWith(children, value[key]);
    }
  }
  return value;
};

const listLocations = (root: MaskNode): PiiLocation[] => {
  const out = new Map<string, PiiLocation>();
  // A node may appear twice on a path: enough to show that a recursive schema repeats its PII.
  const visit = (node: MaskNode, path: readonly string[], onPath: ReadonlyMap<MaskNode, number>): void => {
    const seen = onPath.get(node) ?? 0;
    if (seen >= 2) return;
    const next = new Map(onPath).set(node, seen + 1);
    if (node.kind !== undefined) out.set(`${path.join('/')} ${node.kind}`, { path, kind: node.kind });
    for (const [name, child] of node.properties) visit(child, [...path, name], next);
    if (node.items) visit(node.items, [...path, '*'], next);
    if (node.additional) visit(node.additional, [...path, '*'], next);
    for (const other of node.also) visit(other, path, next);
  };
  visit(root, [], new Map());
  return [...out.values()];
};

/**
 * Computes, once at start-up, where each operation's 2xx JSON responses carry PII, from the
 * `x-pii` marks in an OpenAPI 3.1 document (`pii(kind)` on the zod schemas). Follows `$ref`
 * (recursive schemas included), `properties`, `items`/`prefixItems`, `additionalProperties` and
 * `allOf`/`anyOf`/`oneOf` (so nullable wrappers too). A union is masked as the union of its branches.
 * Throws on an unknown `x-pii` kind or an unresolvable `$ref`: a plan that misses PII must not start.
 *
 * @example
 * const plan = createMaskingPlan(app.getOpenAPI31Document({ openapi: '3.1.0', info }))
 * plan.operations.get('GET /system/v1/erp/customers/{customerId}')?.locations
 * // [{ path: ['email'], kind: 'email' }, { path: ['billingAddress', 'line1'], kind: 'address' }, …]
 */
export const createMaskingPlan = (document: OpenApiDocument): MaskingPlan => {
  const compiler = createCompiler(document);
  const roots = new Map<string, MaskNode>();
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      const root = newNode();
      compiler.all.push(root);
      for (const [status, declared] of Object.entries(operation.responses)) {
        if (!SUCCESS_STATUS.test(status)) continue;
        // A response may itself be a $ref to components.responses.
        const response = isObject(declared) && typeof declared.$ref === 'string' ? compiler.resolve(declared.$ref) : declared;
        if (!isObject(response) || !isObject(response.content)) continue;
        for (const [mediaType, media] of Object.entries(response.content)) {
          if (isJsonMediaType(mediaType) && isObject(media)) root.also.push(compiler.compile(media.schema, `${method} ${path} ${status}`));
        }
      }
      roots.set(operationKey(method, path), root);
    }
  }
  const withPii = finish(compiler.all);
  const operations = new Map<string, OperationMasking>();
  for (const [key, root] of roots) {
    if (!withPii.has(root)) continue;
    operations.set(key, { locations: listLocations(root), mask: (body) => maskWith([root], body) });
  }
  return { operations };
};
