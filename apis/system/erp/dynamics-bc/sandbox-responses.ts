// How the Business Central sandbox answers reads and creates: $select/$expand projection, one entity, paged lists with nextLink.
import { BC_PROPERTIES, type BcEntity, type BcPropertyType } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { BcRecord } from './sandbox-data.js';
import { parseFilter, parseOrderBy, parseSelect } from './sandbox-odata.js';
import { TYPE_NAMES, badRequest, etagOf, json, refuse } from './sandbox-wire.js';

/** Navigation properties `$expand` may name, each giving the expanded value of a row. */
export type Expand = Record<string, (row: BcRecord) => unknown>;

/** What a list needs of the request: its URL (for the next link) and the page sizes asked for and allowed. */
export interface PageRequest {
  readonly url: string;
  readonly preferredPageSize?: number;
  /** The sandbox's largest page. */
  readonly maxPageSize: number;
}

export const withEtag = (row: BcRecord) => ({ '@odata.etag': etagOf(row), ...row });

const parseExpand = (query: URLSearchParams, expand: Expand): string[] => {
  const text = query.get('$expand');
  if (text === null) return [];
  return text.split(',').map((part) => {
    const name = part.trim();
    if (!Object.hasOwn(expand, name)) refuse(badRequest(`Could not find a property named '${name}' on type 'Microsoft.NAV.entity' (or expanding it is not supported by the sandbox).`));
    return name;
  });
};

const project = (row: BcRecord, entityName: BcEntity, query: URLSearchParams, expand: Expand): BcRecord => {
  const select = query.get('$select');
  const properties = BC_PROPERTIES[entityName] as Record<string, BcPropertyType>;
  const names = select === null ? Object.keys(row) : parseSelect(select, properties, TYPE_NAMES[entityName]);
  const out: BcRecord = { '@odata.etag': etagOf(row) };
  for (const name of names) out[name] = row[name];
  for (const name of parseExpand(query, expand)) out[name] = expand[name]!(row);
  return out;
};

export const entity = (row: BcRecord, query: URLSearchParams, context: string, entityName: BcEntity, expand: Expand = {}) => {
  const body = { '@odata.context': context, ...project(row, entityName, query, expand) };
  return json(body, 200, { etag: etagOf(row) });
};

const count = (query: URLSearchParams, name: string): number | undefined => {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,9}$/.test(text)) refuse(badRequest(`Invalid value '${text}' for ${name} query option.`));
  return Number(text);
};

export const list = (req: PageRequest, query: URLSearchParams, context: string, entityName: BcEntity, rows: readonly BcRecord[], expand: Expand = {}) => {
  const preferred = req.preferredPageSize;
  const { maxPageSize } = req;
  const properties = BC_PROPERTIES[entityName] as Record<string, BcPropertyType>;
  const typeName = TYPE_NAMES[entityName];
  const filterText = query.get('$filter');
  const orderText = query.get('$orderby');
  let result = filterText === null ? [...rows] : rows.filter(parseFilter(filterText, properties, typeName));
  if (orderText !== null) result.sort(parseOrderBy(orderText, properties, typeName));
  const skip = count(query, '$skip') ?? 0;
  const top = count(query, '$top');
  result = result.slice(skip, top === undefined ? undefined : skip + top);
  const pageSize = Math.max(1, Math.min(maxPageSize, preferred ?? maxPageSize));
  const offset = count(query, '$skiptoken') ?? 0;
  const page = result.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = { '@odata.context': context, value: page.map((row) => project(row, entityName, query, expand)) };
  if (offset + pageSize < result.length) body['@odata.nextLink'] = nextLink(req.url, offset + pageSize);
  return json(body, 200, preferred !== undefined ? { 'preference-applied': `odata.maxpagesize=${pageSize}` } : {});
};

/** The request URL again with `$skiptoken` set (other options kept as the client encoded them). */
const nextLink = (requestUrl: string, offset: number) => {
  const url = new URL(requestUrl);
  const kept = url.search.replace(/^\?/, '').split('&').filter((p) => p && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
  return `${url.origin}${url.pathname}?${[...kept, `$skiptoken=${offset}`].join('&')}`;
};

export const created = (row: BcRecord, query: URLSearchParams, context: string, location: string, entityName: BcEntity, expand: Expand = {}) =>
  json({ '@odata.context': context, ...project(row, entityName, query, expand) }, 201, { etag: etagOf(row), location });
