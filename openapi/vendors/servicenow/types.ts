/**
 * ServiceNow Table API wire format, HAND-WRITTEN. ServiceNow publishes no static OpenAPI document —
 * each instance renders its own in the REST API Explorer — and none may be shipped here (see
 * vendor-specs/README.md, "ServiceNow"). Written in our own words from ServiceNow's public REST API
 * reference (Table API: GET/POST /now/table/{tableName}, GET/PATCH /now/table/{tableName}/{sys_id};
 * OAuth token endpoint `/oauth_token.do`; encoded query strings; inbound REST rate limiting) and
 * the ServiceNow section of vendor-specs/README.md. See README.md beside this file.
 *
 * Two kinds of schema live here:
 * - reading schemas (`Sn…Schema`, plain objects): what the adapter parses vendor bodies with through
 *   `parseVendorJson`. Unknown keys are stripped — an instance sends whatever columns the table has,
 *   and what we did not ask for must not travel further;
 * - the documented shapes (`Sn…RecordSchema`, `Sn…RequestSchema`, strict): the columns of the
 *   `core_company` and `incident` records as the Table API renders them with
 *   `sysparm_display_value=false` (every value a string; references a sys_id string, or
 *   `{link, value}` without `sysparm_exclude_reference_link=true`), the request bodies, the
 *   envelopes and the operations. The conformance test holds the sandbox's answers and the
 *   adapter's requests against these.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Paths and constants

export const SN_TABLE_PATH = '/api/now/table';
export const SN_TOKEN_PATH = '/oauth_token.do';
/** The tables Strata uses: the company directory, and incidents as cases (see README.md for why not `sn_customerservice_case`). */
export const SN_TABLES = ['core_company', 'incident'] as const;
export type SnTable = (typeof SN_TABLES)[number];
export const SN_COMPANY_PATH = `${SN_TABLE_PATH}/core_company`;
export const SN_INCIDENT_PATH = `${SN_TABLE_PATH}/incident`;

/** Custom column (instance prerequisite): the canonical customer id on `core_company`. */
export const SN_EXTERNAL_REF_FIELD = 'u_external_ref';
/** Custom choice column (instance prerequisite): the support tier on `core_company`; choices `standard`, `premium`, `enterprise`. */
export const SN_SUPPORT_TIER_FIELD = 'u_support_tier';
/** What Strata writes into an incident's `correlation_display`: the name of the system that correlates it. */
export const SN_CORRELATION_DISPLAY = 'Strata';

/** A record's sys_id: 32 lower-case hex digits (a GUID without dashes). */
export const SN_SYS_ID = /^[0-9a-f]{32}$/;
export const isSysId = (value: string): boolean => SN_SYS_ID.test(value);
/** GlideDateTime as the Table API renders it with `sysparm_display_value=false`: UTC, `YYYY-MM-DD HH:mm:ss`. */
export const SN_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** The Table API's default and upper page size is 10,000 rows; Strata never asks for more than 100. */
export const SN_MAX_LIMIT = 10_000;

/** Incident `state` choices (base system). */
export const SN_INCIDENT_STATES = { new: '1', inProgress: '2', onHold: '3', resolved: '6', closed: '7', canceled: '8' } as const;
/** Incident `hold_reason` choices (base system) for state 3 On Hold. */
export const SN_HOLD_REASONS = { awaitingCaller: '1', awaitingProblem: '3', awaitingVendor: '4', awaitingChange: '5' } as const;
/** `impact` and `urgency`: 1 High, 2 Medium, 3 Low. `priority` (1 Critical … 5 Planning) is computed from them. */
export const SN_LEVELS = ['1', '2', '3'] as const;
export const SN_PRIORITIES = ['1', '2', '3', '4', '5'] as const;
/** Task `escalation`: 0 Normal, 1 Moderate, 2 High, 3 Overdue. */
export const SN_ESCALATIONS = ['0', '1', '2', '3'] as const;

// ---------------------------------------------------------------------------------------------------
// Common shapes

const sysId = z.string().regex(SN_SYS_ID);
const glideDateTime = z.string().regex(SN_DATE_TIME);
const emptyOr = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]);
const integerString = z.string().regex(/^-?\d{1,9}$/);
const booleanString = z.enum(['true', 'false']);
/** A reference column with `sysparm_exclude_reference_link=true`: the target's sys_id, or '' when empty. */
const reference = emptyOr(sysId);

/** The Table API's error envelope: `{"error": {"message", "detail"}, "status": "failure"}` (detail may be null). */
export const SnErrorSchema = z.object({
  error: z.object({ message: z.string().max(2_000), detail: z.string().max(10_000).nullable().optional() }),
  status: z.literal('failure'),
});

/** `/oauth_token.do` success (RFC 6749 §5.1); the password grant adds a refresh token. */
export const SnTokenResponseSchema = z.object({
  access_token: z.string().min(1).max(4_096),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive().max(31_536_000),
  refresh_token: z.string().max(4_096).optional(),
  scope: z.string().max(1_000).optional(),
});
/** `/oauth_token.do` refusal (RFC 6749 §5.2): ServiceNow answers bad credentials with 401 `server_error` / `access_denied`. */
export const SnOAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

// ---------------------------------------------------------------------------------------------------
// Reading schemas (what the adapter asks for with sysparm_fields; unknown keys dropped)

/** The `core_company` columns Strata reads. The custom columns are absent when the instance lacks them. */
export const SN_COMPANY_FIELDS = ['sys_id', 'name', SN_EXTERNAL_REF_FIELD, SN_SUPPORT_TIER_FIELD, 'sys_created_on'] as const;
export const SnCompanySchema = z.object({
  sys_id: sysId,
  name: z.string().max(255),
  [SN_EXTERNAL_REF_FIELD]: z.string().max(255).optional(),
  [SN_SUPPORT_TIER_FIELD]: z.string().max(255).optional(),
  sys_created_on: glideDateTime,
});

/** The `incident` columns Strata reads. */
export const SN_INCIDENT_FIELDS = [
  'sys_id',
  'number',
  'company',
  'short_description',
  'priority',
  'state',
  'hold_reason',
  'active',
  'escalation',
  'made_sla',
  'correlation_id',
  'sys_created_on',
  'sys_updated_on',
] as const;
export const SnIncidentSchema = z.object({
  sys_id: sysId,
  number: z.string().min(1).max(40),
  company: reference,
  short_description: z.string().max(4_000),
  priority: z.enum(SN_PRIORITIES),
  /** Instances may add states; unknown ones are read by `active`. */
  state: integerString,
  hold_reason: z.string().max(40).optional(),
  active: booleanString,
  escalation: integerString,
  made_sla: booleanString,
  correlation_id: z.string().max(100),
  sys_created_on: glideDateTime,
  sys_updated_on: glideDateTime,
});

export const SnCompanyResultSchema = z.object({ result: SnCompanySchema });
export const SnCompanyListSchema = z.object({ result: z.array(SnCompanySchema).max(SN_MAX_LIMIT) });
export const SnIncidentResultSchema = z.object({ result: SnIncidentSchema });
export const SnIncidentListSchema = z.object({ result: z.array(SnIncidentSchema).max(SN_MAX_LIMIT) });
/** A company read only to learn that it exists. */
export const SnSysIdResultSchema = z.object({ result: z.object({ sys_id: sysId }) });

// ---------------------------------------------------------------------------------------------------
// Documented shapes (strict): the records as the Table API renders them, for conformance

/** A reference column without `sysparm_exclude_reference_link=true`. */
const referenceLink = z.strictObject({ link: z.string(), value: sysId });
const anyReference = z.union([reference, referenceLink]);
const text = z.string();
const dateTimeOrEmpty = emptyOr(glideDateTime);
const bool = booleanString;
const integerOrEmpty = emptyOr(integerString);

/** `core_company` (Company): the base columns and Strata's two custom ones. */
export const SnCoreCompanyRecordSchema = z.strictObject({
  sys_id: sysId,
  name: text,
  [SN_EXTERNAL_REF_FIELD]: text,
  [SN_SUPPORT_TIER_FIELD]: z.enum(['', 'standard', 'premium', 'enterprise']),
  customer: bool,
  vendor: bool,
  manufacturer: bool,
  primary: bool,
  parent: anyReference,
  street: text,
  city: text,
  state: text,
  zip: text,
  country: text,
  phone: text,
  website: text,
  notes: text,
  stock_symbol: text,
  sys_created_on: glideDateTime,
  sys_created_by: text,
  sys_updated_on: glideDateTime,
  sys_updated_by: text,
  sys_mod_count: integerString,
  sys_tags: text,
});

/** `incident`: the task and incident columns the sandbox keeps. */
export const SnIncidentRecordSchema = z.strictObject({
  sys_id: sysId,
  number: z.string().regex(/^INC\d{7,}$/),
  short_description: text,
  description: text,
  company: anyReference,
  caller_id: anyReference,
  opened_by: anyReference,
  opened_at: glideDateTime,
  state: integerString,
  incident_state: integerString,
  hold_reason: integerOrEmpty,
  impact: z.enum(SN_LEVELS),
  urgency: z.enum(SN_LEVELS),
  priority: z.enum(SN_PRIORITIES),
  severity: z.enum(SN_LEVELS),
  escalation: z.enum(SN_ESCALATIONS),
  made_sla: bool,
  sla_due: dateTimeOrEmpty,
  active: bool,
  correlation_id: text,
  correlation_display: text,
  contact_type: text,
  category: text,
  subcategory: text,
  assignment_group: anyReference,
  assigned_to: anyReference,
  resolved_at: dateTimeOrEmpty,
  resolved_by: anyReference,
  close_code: text,
  close_notes: text,
  closed_at: dateTimeOrEmpty,
  closed_by: anyReference,
  reassignment_count: integerString,
  reopen_count: integerString,
  sys_class_name: z.literal('incident'),
  sys_created_on: glideDateTime,
  sys_created_by: text,
  sys_updated_on: glideDateTime,
  sys_updated_by: text,
  sys_mod_count: integerString,
  sys_tags: text,
});

/** The two Table API envelopes: one record, or a list (`sysparm_fields` makes any column optional). */
export const snRecordEnvelope = <S extends z.ZodObject>(record: S) => z.strictObject({ result: record.partial() });
export const snListEnvelope = <S extends z.ZodObject>(record: S) => z.strictObject({ result: z.array(record.partial()) });
export const SnErrorEnvelopeSchema = z.strictObject({
  error: z.strictObject({ message: z.string(), detail: z.string().nullable() }),
  status: z.literal('failure'),
});
export const SnTokenResponseObjectSchema = z.strictObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  scope: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
});
export const SnOAuthErrorObjectSchema = z.strictObject({ error: z.string(), error_description: z.string() });

// ---------------------------------------------------------------------------------------------------
// Request bodies (strict: writable columns, every value a string as the Table API takes them)

/** `POST /api/now/table/core_company`. */
export const SnCompanyCreateRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    [SN_EXTERNAL_REF_FIELD]: z.string().max(64),
    [SN_SUPPORT_TIER_FIELD]: z.enum(['', 'standard', 'premium', 'enterprise']),
    customer: bool,
    vendor: bool,
    manufacturer: bool,
    parent: reference,
    street: text,
    city: text,
    state: text,
    zip: text,
    country: text,
    phone: text,
    website: text,
    notes: text,
  })
  .partial()
  .required({ name: true });
/** `PATCH /api/now/table/core_company/{sys_id}`: any writable column. */
export const SnCompanyUpdateRequestSchema = SnCompanyCreateRequestSchema.partial();

/** `POST /api/now/table/incident`: `priority` is not written — the instance computes it from impact and urgency. */
export const SnIncidentCreateRequestSchema = z
  .strictObject({
    short_description: z.string().min(1).max(160),
    /** 4,000 characters in the base dictionary; instances often raise it. Strata sends up to 10,000 plus a cut subject. */
    description: z.string().max(10_500),
    company: sysId,
    caller_id: sysId,
    impact: z.enum(SN_LEVELS),
    urgency: z.enum(SN_LEVELS),
    correlation_id: z.string().min(1).max(100),
    correlation_display: z.string().max(100),
    contact_type: z.string().max(40),
    category: z.string().max(40),
    subcategory: z.string().max(40),
    assignment_group: sysId,
  })
  .partial()
  .required({ short_description: true });

/** `/oauth_token.do` form fields (application/x-www-form-urlencoded). */
export const SnTokenRequestSchema = z.discriminatedUnion('grant_type', [
  z.strictObject({ grant_type: z.literal('client_credentials'), client_id: z.string().min(1), client_secret: z.string().min(1) }),
  z.strictObject({ grant_type: z.literal('password'), client_id: z.string().min(1), client_secret: z.string().min(1), username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ grant_type: z.literal('refresh_token'), client_id: z.string().min(1), client_secret: z.string().min(1), refresh_token: z.string().min(1) }),
]);

// ---------------------------------------------------------------------------------------------------
// The operations Strata uses, as the Table API reference lists them

export interface ServicenowOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Path template: `{tableName}` is one of SN_TABLES, `{sys_id}` a sys_id. */
  readonly path: string;
  /** Query parameters the operation takes. */
  readonly query: readonly string[];
  /** `json` or `form` request body; the body schema per table for Table API writes. */
  readonly body?: { readonly encoding: 'json' | 'form'; readonly schemas: Readonly<Partial<Record<SnTable | 'token', z.ZodType>>> };
}

const RECORD_RENDERING = ['sysparm_display_value', 'sysparm_exclude_reference_link', 'sysparm_fields', 'sysparm_view'];
export const SERVICENOW_OPERATIONS: readonly ServicenowOperation[] = [
  {
    operationId: 'Table - GET /now/table/{tableName}',
    method: 'GET',
    path: `${SN_TABLE_PATH}/{tableName}`,
    query: ['sysparm_query', 'sysparm_limit', 'sysparm_offset', 'sysparm_suppress_pagination_header', 'sysparm_query_category', 'sysparm_query_no_domain', 'sysparm_no_count', ...RECORD_RENDERING],
  },
  { operationId: 'Table - GET /now/table/{tableName}/{sys_id}', method: 'GET', path: `${SN_TABLE_PATH}/{tableName}/{sys_id}`, query: ['sysparm_query_no_domain', ...RECORD_RENDERING] },
  {
    operationId: 'Table - POST /now/table/{tableName}',
    method: 'POST',
    path: `${SN_TABLE_PATH}/{tableName}`,
    query: ['sysparm_input_display_value', 'sysparm_suppress_auto_sys_field', ...RECORD_RENDERING],
    body: { encoding: 'json', schemas: { core_company: SnCompanyCreateRequestSchema, incident: SnIncidentCreateRequestSchema } },
  },
  {
    operationId: 'Table - PATCH /now/table/{tableName}/{sys_id}',
    method: 'PATCH',
    path: `${SN_TABLE_PATH}/{tableName}/{sys_id}`,
    query: ['sysparm_input_display_value', 'sysparm_suppress_auto_sys_field', 'sysparm_query_no_domain', ...RECORD_RENDERING],
    body: { encoding: 'json', schemas: { core_company: SnCompanyUpdateRequestSchema } },
  },
  { operationId: 'OAuth - POST /oauth_token.do', method: 'POST', path: SN_TOKEN_PATH, query: [], body: { encoding: 'form', schemas: { token: SnTokenRequestSchema } } },
];

/** The operation a request belongs to (path relative to the instance URL), with the table it names. */
export const servicenowOperationFor = (method: string, path: string): { operation: ServicenowOperation; table?: SnTable } | undefined => {
  for (const operation of SERVICENOW_OPERATIONS) {
    if (operation.method !== method) continue;
    const pattern = new RegExp(`^${operation.path.replace('{tableName}', `(${SN_TABLES.join('|')})`).replace('{sys_id}', '[0-9a-f]{32}').replaceAll('.', '\\.')}$`);
    const m = pattern.exec(path);
    if (m) return { operation, ...(m[1] ? { table: m[1] as SnTable } : {}) };
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------------
// Types: `…Wire` is what travels (the sandbox writes it), the plain name what the adapter reads.

export type SnCompany = z.output<typeof SnCompanySchema>;
export type SnIncident = z.output<typeof SnIncidentSchema>;
export type SnCoreCompanyWire = z.input<typeof SnCoreCompanyRecordSchema>;
export type SnIncidentWire = z.input<typeof SnIncidentRecordSchema>;
export type SnCompanyCreateRequest = z.input<typeof SnCompanyCreateRequestSchema>;
export type SnCompanyUpdateRequest = z.input<typeof SnCompanyUpdateRequestSchema>;
export type SnIncidentCreateRequest = z.input<typeof SnIncidentCreateRequestSchema>;
export type SnTokenRequest = z.input<typeof SnTokenRequestSchema>;
export type SnErrorEnvelope = z.input<typeof SnErrorEnvelopeSchema>;
/** Query parameters the adapter sends on Table API calls. */
export interface SnTableQuery {
  readonly sysparm_query?: string;
  readonly sysparm_fields?: string;
  readonly sysparm_limit?: string;
  readonly sysparm_offset?: string;
  readonly sysparm_display_value?: 'true' | 'false' | 'all';
  readonly sysparm_exclude_reference_link?: 'true' | 'false';
}
