/**
 * The sandbox's CRM search: the filter shapes Strata sends, evaluated the way HubSpot documents them
 * (filter groups ORed, filters in a group ANDed; `EQ` case-insensitive; `CONTAINS_TOKEN` matching a
 * whole word of the value, with `*` as a wildcard), sorted, paged with `after`. Any other operator, a
 * free-text `query`, or an unknown property is refused as HubSpot's `VALIDATION_ERROR`.
 */
import { HS_SEARCH_MAX_WINDOW, type HubspotSearchRequestSchema } from '../../../../openapi/vendors/hubspot/types.js';
import type { z } from 'zod';
import type { PortalObject, PropertyDefinition } from './sandbox-data.js';

export class SearchValidationError extends Error {
  override name = 'SearchValidationError';
}

type SearchRequest = z.output<typeof HubspotSearchRequestSchema>;
type Filter = NonNullable<SearchRequest['filterGroups']>[number]['filters'][number];

const SUPPORTED_OPERATORS = new Set(['EQ', 'CONTAINS_TOKEN']);
/** HubSpot answers 10 results when a search names no limit. */
const DEFAULT_LIMIT = 10;

/** Words of a property value, as the search index splits them: letters and digits, lower-cased. */
export const tokensOf = (value: string): string[] => value.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** `glob*` → a whole-token regex; every character but `*` is literal. */
const tokenPattern = (value: string): RegExp =>
  new RegExp(`^${value.toLowerCase().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\p{L}\\p{N}]*')}$`, 'u');

const checkFilter = (filter: Filter, definitions: Readonly<Record<string, PropertyDefinition>>) => {
  if (!SUPPORTED_OPERATORS.has(filter.operator)) throw new SearchValidationError(`The sandbox does not support operator ${filter.operator}`);
  if (!Object.hasOwn(definitions, filter.propertyName)) throw new SearchValidationError(`Property ${filter.propertyName} does not exist`);
  if (filter.value === undefined || filter.values !== undefined || filter.highValue !== undefined) throw new SearchValidationError(`Operator ${filter.operator} takes one value`);
  if (filter.operator === 'CONTAINS_TOKEN' && !/[^*\s]/.test(filter.value)) throw new SearchValidationError('CONTAINS_TOKEN needs a token');
};

const matches = (object: PortalObject, filter: Filter): boolean => {
  const actual = object.properties[filter.propertyName];
  if (actual === null || actual === undefined) return false;
  const wanted = filter.value!;
  if (filter.operator === 'EQ') return actual.toLowerCase() === wanted.toLowerCase();
  const pattern = tokenPattern(wanted.trim());
  return tokensOf(actual).some((token) => pattern.test(token));
};

const compare = (a: string | null | undefined, b: string | null | undefined, direction: 1 | -1): number => {
  // Empty values sort last whatever the direction.
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return direction * (x < y ? -1 : x > y ? 1 : 0);
};

const byId = (a: PortalObject, b: PortalObject) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface SearchOutcome {
  readonly total: number;
  readonly results: readonly PortalObject[];
  readonly nextAfter?: string;
}

export const runSearch = (objects: Iterable<PortalObject>, definitions: Readonly<Record<string, PropertyDefinition>>, request: SearchRequest): SearchOutcome => {
  if (request.query !== undefined) throw new SearchValidationError('The sandbox does not support free-text query');
  const groups = request.filterGroups ?? [];
  for (const group of groups) for (const filter of group.filters) checkFilter(filter, definitions);
  for (const sort of request.sorts ?? []) if (!Object.hasOwn(definitions, sort.propertyName)) throw new SearchValidationError(`Property ${sort.propertyName} does not exist`);
  for (const name of request.properties ?? []) if (!/^[a-z0-9_]+$/.test(name)) throw new SearchValidationError(`Invalid property name ${name}`);
  const limit = request.limit ?? DEFAULT_LIMIT;
  const offset = Number(request.after ?? '0');
  if (offset + limit > HS_SEARCH_MAX_WINDOW) throw new SearchValidationError(`Paging beyond ${HS_SEARCH_MAX_WINDOW} results is not supported`);

  const hits = [...objects].filter((o) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(o, f))));
  const sort = request.sorts?.[0];
  const direction = sort?.direction === 'DESCENDING' ? -1 : 1;
  hits.sort(sort ? (a, b) => compare(a.properties[sort.propertyName], b.properties[sort.propertyName], direction) || byId(a, b) : byId);
  const results = hits.slice(offset, offset + limit);
  const next = offset + limit < hits.length ? String(offset + limit) : undefined;
  return { total: hits.length, results, ...(next ? { nextAfter: next } : {}) };
};
