// How the ServiceNow sandbox renders Table API records (`sysparm_fields`, reference links) and the checks every table route shares.
import type { Context } from 'hono';
import { SN_TABLE_PATH, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';
import { REFERENCES, madeSla, type Row } from './sandbox-data.js';
import { snErrorResponse } from './sandbox-faults.js';
import type { ServicenowSandboxState } from './sandbox-state.js';
import { baseUrlOf, isTable, type Json } from './sandbox-wire.js';

/** A row as the Table API renders it: `sysparm_fields` projection (unknown names left out), references bare or as `{link, value}`. */
export const render = (state: ServicenowSandboxState, c: Context, table: SnTable, row: Row): Json => {
  const fieldsParam = c.req.query('sysparm_fields');
  const wanted = fieldsParam ? fieldsParam.split(',').map((f) => f.trim()).filter((f) => state.columnSets[table].has(f)) : state.columnsOf(table);
  const bare = c.req.query('sysparm_exclude_reference_link') === 'true';
  const base = baseUrlOf(c);
  const out: Json = {};
  for (const field of wanted) {
    let value = row[field] ?? '';
    if (table === 'incident' && field === 'made_sla') value = madeSla(row, state.instance.slas.get(row.sys_id!), state.clock.now());
    const target = REFERENCES[table][field];
    out[field] = target && value !== '' && !bare ? { link: `${base}${SN_TABLE_PATH}/${target}/${value}`, value } : value;
  }
  return out;
};

/** Refuses what the sandbox does not render (display values), in ServiceNow's envelope. */
export const unsupportedRendering = (c: Context): Response | undefined => {
  const display = c.req.query('sysparm_display_value');
  if (display !== undefined && display !== 'false') return snErrorResponse(400, 'Invalid parameter', 'The sandbox renders raw values only: sysparm_display_value=false');
  return undefined;
};

/** The `:table` path segment, or ServiceNow's answer to a table the sandbox does not have. */
export const tableOf = (c: Context): SnTable | Response => {
  const name = c.req.param('table')!;
  return isTable(name) ? name : snErrorResponse(400, `Invalid table ${name}`, null);
};
