/**
 * A tiny EDMX reader (CSDL V2 and V4, as SAP Gateway writes it), no XML package: regular expressions
 * over the few elements Strata needs — entity types with their keys, properties (type, length,
 * nullability, SAP's creatable/updatable/filterable flags, Core.Computed / Core.Immutable from V4
 * annotations) and navigation properties (target type, to-many or not), plus the entity sets.
 *
 * Used by the SAP sandbox to refuse writes the real service would refuse (unknown or read-only
 * properties) and by the conformance tests to check every property the adapter reads or writes
 * against SAP's own metadata. It is not a general XML parser: it relies on attribute values in double
 * quotes and on the element names of CSDL, which is what SAP's `$metadata` documents use.
 */
import { readFileSync } from 'node:fs';

export interface EdmxProperty {
  readonly name: string;
  /** `Edm.String`, `Edm.DateTime`, `Collection(…)`, … */
  readonly type: string;
  readonly maxLength?: number;
  readonly nullable: boolean;
  /** V2 `sap:creatable="false"` or V4 `Core.Computed` make it false. */
  readonly creatable: boolean;
  /** V2 `sap:updatable="false"`, V4 `Core.Computed` / `Core.Immutable` make it false. */
  readonly updatable: boolean;
  /** V2 `sap:filterable="false"` makes it false. */
  readonly filterable: boolean;
}

export interface EdmxNavigation {
  readonly name: string;
  /** The qualified name of the target entity type. */
  readonly target: string;
  readonly many: boolean;
}

export interface EdmxEntityType {
  /** Qualified: `API_BUSINESS_PARTNER.A_BusinessPartnerType`. */
  readonly name: string;
  readonly keys: readonly string[];
  readonly properties: ReadonlyMap<string, EdmxProperty>;
  readonly navigations: ReadonlyMap<string, EdmxNavigation>;
}

export interface EdmxModel {
  /** `1.0` (OData V2) or `4.0`/`4.01`. */
  readonly version: string;
  readonly namespace: string;
  readonly entityTypes: ReadonlyMap<string, EdmxEntityType>;
  /** Entity set name → qualified entity type name. */
  readonly entitySets: ReadonlyMap<string, string>;
  /** The entity type behind an entity set; throws when the set is not in the document. */
  typeOfSet(entitySet: string): EdmxEntityType;
}

const attributes = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return out;
};

/** Reads an EDMX document. */
export const readEdmx = (xml: string): EdmxModel => {
  const doc = xml.replace(/<!--[\s\S]*?-->/g, '');
  const edmx = attributes(/<edmx:Edmx\b([^>]*)>/.exec(doc)?.[1] ?? '');
  const schema = attributes(/<Schema\b([^>]*)>/.exec(doc)?.[1] ?? '');
  const namespace = schema.Namespace;
  if (!namespace) throw new Error('EDMX: no Schema namespace');
  const alias = schema.Alias;
  const qualify = (name: string) => (alias && name.startsWith(`${alias}.`) ? `${namespace}.${name.slice(alias.length + 1)}` : name);

  // V4: vocabulary aliases (SAP writes `SAP__core` for Org.OData.Core.V1) and the annotated properties.
  const coreAliases = new Set(['Org.OData.Core.V1']);
  for (const m of doc.matchAll(/<(?:edmx:)?Include\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]!);
    if (a.Namespace === 'Org.OData.Core.V1' && a.Alias) coreAliases.add(a.Alias);
  }
  const computed = new Set<string>();
  const immutable = new Set<string>();
  for (const m of doc.matchAll(/<Annotations\s+Target="([^"]+)"[^>]*>([\s\S]*?)<\/Annotations>/g)) {
    const target = qualify(m[1]!);
    for (const t of m[2]!.matchAll(/<Annotation\s+Term="([^"]+)"/g)) {
      const term = t[1]!;
      const dot = term.lastIndexOf('.');
      if (!coreAliases.has(term.slice(0, dot))) continue;
      if (term.slice(dot + 1) === 'Computed') computed.add(target);
      if (term.slice(dot + 1) === 'Immutable') immutable.add(target);
    }
  }

  // V2: association ends, for the target and multiplicity of navigation properties.
  const associationEnds = new Map<string, { type: string; many: boolean }>();
  for (const m of doc.matchAll(/<Association\b([^>]*)>([\s\S]*?)<\/Association>/g)) {
    const assoc = `${namespace}.${attributes(m[1]!).Name}`;
    for (const e of m[2]!.matchAll(/<End\b([^>]*?)\/?>/g)) {
      const end = attributes(e[1]!);
      associationEnds.set(`${assoc}|${end.Role}`, { type: qualify(end.Type!), many: end.Multiplicity === '*' });
    }
  }

  const entityTypes = new Map<string, EdmxEntityType>();
  for (const m of doc.matchAll(/<EntityType\b([^>]*)>([\s\S]*?)<\/EntityType>/g)) {
    const name = `${namespace}.${attributes(m[1]!).Name}`;
    const body = m[2]!;
    const keys = [...(/<Key>([\s\S]*?)<\/Key>/.exec(body)?.[1] ?? '').matchAll(/<PropertyRef\s+Name="([^"]+)"/g)].map((k) => k[1]!);
    const properties = new Map<string, EdmxProperty>();
    for (const p of body.matchAll(/<Property\b([^>]*?)\/?>/g)) {
      const a = attributes(p[1]!);
      const path = `${name}/${a.Name}`;
      const isComputed = computed.has(path);
      properties.set(a.Name!, {
        name: a.Name!,
        type: a.Type!,
        ...(a.MaxLength && /^\d+$/.test(a.MaxLength) ? { maxLength: Number(a.MaxLength) } : {}),
        nullable: a.Nullable !== 'false',
        creatable: a['sap:creatable'] !== 'false' && !isComputed,
        updatable: a['sap:updatable'] !== 'false' && !isComputed && !immutable.has(path),
        filterable: a['sap:filterable'] !== 'false',
      });
    }
    const navigations = new Map<string, EdmxNavigation>();
    for (const n of body.matchAll(/<NavigationProperty\b([^>]*?)\/?>/g)) {
      const a = attributes(n[1]!);
      if (a.Relationship) {
        const end = associationEnds.get(`${qualify(a.Relationship)}|${a.ToRole}`);
        if (end) navigations.set(a.Name!, { name: a.Name!, target: end.type, many: end.many });
      } else if (a.Type) {
        const many = a.Type.startsWith('Collection(');
        navigations.set(a.Name!, { name: a.Name!, target: qualify(many ? a.Type.slice(11, -1) : a.Type), many });
      }
    }
    entityTypes.set(name, { name, keys, properties, navigations });
  }

  const entitySets = new Map<string, string>();
  for (const m of doc.matchAll(/<EntitySet\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]!);
    if (a.Name && a.EntityType) entitySets.set(a.Name, qualify(a.EntityType));
  }

  return {
    version: edmx.Version ?? '',
    namespace,
    entityTypes,
    entitySets,
    typeOfSet(entitySet) {
      const type = entityTypes.get(entitySets.get(entitySet) ?? '');
      if (!type) throw new Error(`EDMX ${namespace}: no entity set ${entitySet}`);
      return type;
    },
  };
};

/** The two SAP documents held in this folder (see README.md for their origin). */
export type HeldEdmx = 'API_BUSINESS_PARTNER' | 'CE_SALESORDER_0001';

const cache = new Map<HeldEdmx, EdmxModel>();

/** Reads (once per process) one of the EDMX subsets copied into this folder. */
export const loadHeldEdmx = (name: HeldEdmx): EdmxModel => {
  let model = cache.get(name);
  if (!model) {
    model = readEdmx(readFileSync(new URL(`./${name}.subset.edmx`, import.meta.url), 'utf8'));
    cache.set(name, model);
  }
  return model;
};
