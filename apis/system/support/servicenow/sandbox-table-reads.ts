// The ServiceNow sandbox's Table API reads: `GET /api/now/table/{table}` (encoded query, paging, `Link`) and `GET …/{sys_id}`.
import type { Hono } from 'hono';
import { SN_TABLE_PATH } from '../../../../openapi/vendors/servicenow/types.js';
import type { Row } from './sandbox-data.js';
import { invalidQuery, noRecordFound, snErrorResponse } from './sandbox-faults.js';
import { QueryError, parseEncodedQuery, runQuery } from './sandbox-query.js';
import { render, tableOf, unsupportedRendering } from './sandbox-render.js';
import type { ServicenowSandboxState } from './sandbox-state.js';
import { SYS_ID, baseUrlOf, json } from './sandbox-wire.js';

const nonNegative = (value: string | undefined, fallback: number): number | undefined => {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
};

export const registerTableReads = (app: Hono, state: ServicenowSandboxState): void => {
  app.get(`${SN_TABLE_PATH}/:table`, (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const limit = nonNegative(c.req.query('sysparm_limit'), 10_000);
    const offset = nonNegative(c.req.query('sysparm_offset'), 0);
    if (limit === undefined || limit < 1 || offset === undefined) return snErrorResponse(400, 'Invalid parameter', 'sysparm_limit must be a positive integer and sysparm_offset a non-negative integer');
    let rows: Row[];
    try {
      rows = runQuery(state.instance.tables[table].values(), parseEncodedQuery(c.req.query('sysparm_query') ?? '', state.columnSets[table], state.unknownColumns));
    } catch (error) {
      if (error instanceof QueryError) return invalidQuery(error.message);
      throw error;
    }
    const total = rows.length;
    const page = rows.slice(offset, offset + limit);
    const base = `${baseUrlOf(c)}${SN_TABLE_PATH}/${table}`;
    const link = (at: number, rel: string) => {
      const params = new URLSearchParams(c.req.query());
      params.set('sysparm_limit', String(limit));
      params.set('sysparm_offset', String(at));
      return `<${base}?${params}>;rel="${rel}"`;
    };
    const links = [link(0, 'first')];
    if (offset > 0) links.push(link(Math.max(0, offset - limit), 'prev'));
    if (offset + limit < total) links.push(link(offset + limit, 'next'));
    links.push(link(total === 0 ? 0 : Math.floor((total - 1) / limit) * limit, 'last'));
    return json({ result: page.map((row) => render(state, c, table, row)) }, 200, { link: links.join(','), 'x-total-count': String(total) });
  });

  app.get(`${SN_TABLE_PATH}/:table/${SYS_ID}`, (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const row = state.instance.tables[table].get(c.req.param('sys_id')!);
    return row ? json({ result: render(state, c, table, row) }) : noRecordFound();
  });
};
