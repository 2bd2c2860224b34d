/**
 * `PATCH /sobjects/{type}/{id}` in the sandbox org: the body's fields are checked the way Salesforce
 * checks them, all before anything is written (an update is all or nothing), then applied; Salesforce's
 * derived fields follow (a new StageName sets Probability, ForecastCategoryName, IsClosed and IsWon;
 * every update stamps LastModifiedDate). Answers are Salesforce's:
 *
 * | problem                                   | status | errorCode                                  |
 * |-------------------------------------------|--------|--------------------------------------------|
 * | body not JSON, or not a JSON object       | 400    | JSON_PARSER_ERROR                          |
 * | a field the object does not have          | 400    | INVALID_FIELD                              |
 * | a value of the wrong JSON type, bad date  | 400    | JSON_PARSER_ERROR                          |
 * | a read-only field (Id, IsWon, …)          | 400    | INVALID_FIELD_FOR_INSERT_UPDATE (+ fields) |
 * | null for a required field                 | 400    | REQUIRED_FIELD_MISSING (+ fields)          |
 * | a value not in a restricted picklist      | 400    | INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST (+ fields) |
 * | text longer than the field                | 400    | STRING_TOO_LONG (+ fields)                 |
 * | no such record                            | 404    | NOT_FOUND                                  |
 * | success                                   | 204    | —                                          |
 *
 * Messages never echo the rejected value (Salesforce's sometimes do; nothing reads them).
 */
import { DESCRIBE, stageDerivedFields, type FieldValue, type SandboxOrg, type SObjectRecord } from './sandbox-data.js';

export type UpdateOutcome =
  | { readonly status: 204 }
  | { readonly status: 400 | 404; readonly errorCode: string; readonly message: string; readonly fields?: readonly string[] };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const validDate = (value: string) => {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
};

/** Salesforce's dateTime format for `ms`: `2026-11-22T05:46:38.000+0000`. */
export const salesforceDateTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const refuse = (status: 400 | 404, errorCode: string, message: string, fields?: readonly string[]): UpdateOutcome => ({
  status,
  errorCode,
  message,
  ...(fields ? { fields } : {}),
});

/** Finds a record by its 15- or 18-character id. */
export const findRecord = (org: SandboxOrg, object: string, id: string): number =>
  (org.records[object] ?? []).findIndex((r) => (id.length === 15 ? String(r.Id).slice(0, 15) === id : r.Id === id));

export const applyUpdate = (org: SandboxOrg, object: string, id: string, bodyText: string, nowMs: number): UpdateOutcome => {
  const describe = DESCRIBE[object]!;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return refuse(400, 'JSON_PARSER_ERROR', 'Unexpected character in the request body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${object} from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'}`);
  }

  const changes: Record<string, FieldValue> = {};
  const entries = Object.entries(body).filter(([key]) => key !== 'attributes');
  // Field names resolve case-insensitively, as in Salesforce; an unknown one fails the whole body.
  const resolved: [string, unknown][] = [];
  for (const [key, value] of entries) {
    const field = Object.keys(describe.fields).find((f) => f.toLowerCase() === key.toLowerCase());
    if (!field) return refuse(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object}`);
    resolved.push([field, value]);
  }
  for (const [field, value] of resolved) {
    const type = describe.fields[field]!;
    const ok =
      value === null ||
      (type === 'number' ? typeof value === 'number' && Number.isFinite(value) : type === 'boolean' ? typeof value === 'boolean' : typeof value === 'string') &&
        (type !== 'date' || validDate(value as string));
    if (!ok) return refuse(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${type} for field ${field}`);
  }
  const readOnly = resolved.filter(([field]) => !describe.updateable[field]).map(([field]) => field);
  if (readOnly.length > 0) {
    return refuse(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  const missing = resolved.filter(([field, value]) => value === null && describe.updateable[field]!.required).map(([field]) => field);
  if (missing.length > 0) return refuse(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  for (const [field, value] of resolved) {
    const rules = describe.updateable[field]!;
    if (typeof value === 'string' && rules.picklist && !rules.picklist.includes(value)) {
      return refuse(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${rules.label}: bad value for restricted picklist field`, [field]);
    }
    if (typeof value === 'string' && rules.maxLength !== undefined && value.length > rules.maxLength) {
      return refuse(400, 'STRING_TOO_LONG', `${rules.label}: data value too large (max length=${rules.maxLength})`, [field]);
    }
    // currency(16, 2): Salesforce rounds to the field's scale.
    changes[field] = typeof value === 'number' && field === 'Amount' ? Math.round(value * 100) / 100 : (value as FieldValue);
  }

  const at = findRecord(org, object, id);
  if (at < 0) return refuse(404, 'NOT_FOUND', 'The requested resource does not exist');
  const records = org.records[object]!;
  const before = records[at]!;
  const after: SObjectRecord = {
    ...before,
    ...changes,
    ...(typeof changes.StageName === 'string' && changes.StageName !== before.StageName ? stageDerivedFields(changes.StageName) : {}),
    LastModifiedDate: salesforceDateTime(nowMs),
  };
  records[at] = after;
  return { status: 204 };
};
