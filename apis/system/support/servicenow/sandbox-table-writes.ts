// The ServiceNow sandbox's Table API writes: `POST /api/now/table/{table}` (201 + Location; incident priority and SLA) and `PATCH …/{sys_id}`.
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { SN_LEVELS, SN_TABLE_PATH, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';
import { priorityOf, toGlideDateTime } from './mapper.js';
import { INTEGRATION_USER, companyTier, incidentDefaults, incidentNumber, slaFor, type Row } from './sandbox-data.js';
import { noRecordFound, snErrorResponse } from './sandbox-faults.js';
import { render, tableOf, unsupportedRendering } from './sandbox-render.js';
import type { ServicenowSandboxState } from './sandbox-state.js';
import { SYS_ID, baseUrlOf, isObject, json, type Json } from './sandbox-wire.js';

/** The JSON object body of a write, or ServiceNow's answer to a bad one. */
const readBody = async (c: Context): Promise<Json | Response> => {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return snErrorResponse(415, 'Unsupported Media Type', 'The request body must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return snErrorResponse(400, 'Exception while reading request', 'The payload is not valid JSON.');
  }
  return isObject(body) ? body : snErrorResponse(400, 'Exception while reading request', 'The payload must be a JSON object.');
};

export const registerTableWrites = (app: Hono, state: ServicenowSandboxState): void => {
  const { clock } = state;
  /** The writable columns of a body as strings; other columns and non-scalar values are ignored, as the Table API does. */
  const writableValues = (table: SnTable, body: Json): Row => {
    const out: Row = {};
    for (const column of state.writable(table)) {
      const value = body[column];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[column] = String(value);
    }
    return out;
  };
  const touch = (row: Row) => {
    row.sys_updated_on = toGlideDateTime(clock.now());
    row.sys_updated_by = INTEGRATION_USER.userName;
    row.sys_mod_count = String(Number(row.sys_mod_count ?? '0') + 1);
  };

  app.post(`${SN_TABLE_PATH}/:table`, async (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const values = writableValues(table, body);
    const now = clock.now();
    const sysId = randomBytes(16).toString('hex');
    const instance = state.instance;
    let row: Row;
    if (table === 'core_company') {
      // The instance's data policy on Company makes the name mandatory.
      if (!values.name?.trim()) return snErrorResponse(403, 'Operation Failed', 'Data Policy Exception: \n\tThe following fields are mandatory: Name');
      const created = toGlideDateTime(now);
      row = Object.fromEntries(state.columnsOf('core_company').map((col) => [col, '']));
      Object.assign(row, { customer: 'false', vendor: 'false', manufacturer: 'false', primary: 'false' }, values, {
        sys_id: sysId,
        sys_created_on: created,
        sys_created_by: INTEGRATION_USER.userName,
        sys_updated_on: created,
        sys_updated_by: INTEGRATION_USER.userName,
        sys_mod_count: '0',
      });
    } else {
      row = { ...incidentDefaults(sysId, incidentNumber(instance.nextIncidentNumber++), now), ...values, caller_id: values.caller_id ?? '' };
      // Choice columns keep any value in the database; the priority lookup only knows 1..3.
      const level = (v: string | undefined) => ((SN_LEVELS as readonly string[]).includes(v ?? '') ? (v as (typeof SN_LEVELS)[number]) : '3');
      const impact = level(row.impact);
      const urgency = level(row.urgency);
      const priority = priorityOf(impact, urgency);
      Object.assign(row, { impact, urgency, priority });
      const sla = slaFor(companyTier(instance.tables.core_company.get(row.company ?? '')), priority, now);
      if (sla) {
        instance.slas.set(sysId, sla);
        row.sla_due = toGlideDateTime(sla.dueAt);
      }
    }
    instance.tables[table].set(sysId, row);
    return json({ result: render(state, c, table, row) }, 201, { location: `${baseUrlOf(c)}${SN_TABLE_PATH}/${table}/${sysId}` });
  });

  app.patch(`${SN_TABLE_PATH}/:table/${SYS_ID}`, async (c) => {
    const table = tableOf(c);
    if (table instanceof Response) return table;
    const refused = unsupportedRendering(c);
    if (refused) return refused;
    const row = state.instance.tables[table].get(c.req.param('sys_id')!);
    if (!row) return noRecordFound();
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const values = writableValues(table, body);
    if (table === 'core_company' && 'name' in values && !values.name!.trim()) return snErrorResponse(403, 'Operation Failed', 'Data Policy Exception: \n\tThe following fields are mandatory: Name');
    const changed = Object.entries(values).some(([k, v]) => row[k] !== v);
    Object.assign(row, values);
    // An update that changes nothing is not written (no new sys_mod_count), as on an instance.
    if (changed) touch(row);
    return json({ result: render(state, c, table, row) });
  });
};
