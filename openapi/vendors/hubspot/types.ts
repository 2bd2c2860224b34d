/**
 * HubSpot CRM v3 wire format, HAND-WRITTEN. HubSpot's own OpenAPI documents are proprietary ("not
 * licensed for external use"), so nothing here was generated from, or copied out of, them. Written by
 * the Strata project from HubSpot's public API reference pages (CRM objects v3: companies, contacts,
 * deals; CRM search; batch read; owners v3; error handling and API usage/rate limits) and the HubSpot
 * section of vendor-specs/README.md, in our own words. See README.md beside this file.
 *
 * These zod schemas are written once and used everywhere: the adapter parses every HubSpot body with
 * them (through `parseVendorJson`), the sandbox validates what it is sent with the request schemas, and
 * the conformance test checks every sandbox response and every adapter request against them. Response
 * object schemas strip unknown keys (a real portal sends more than we read); request schemas are
 * strict (we must never send HubSpot something it does not document).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Paths, ids and constants

export const HS_OBJECTS_PATH = '/crm/v3/objects';
export const HS_OWNERS_PATH = '/crm/v3/owners';

/** The object types the adapter uses, with HubSpot's objectTypeId (the path accepts either). */
export const HS_OBJECT_TYPE_IDS = { contacts: '0-1', companies: '0-2', deals: '0-3' } as const;
export type HubspotObjectType = keyof typeof HS_OBJECT_TYPE_IDS;

/** CRM record ids (and owner ids) are numeric strings; matched before an id enters a URL (RELIABILITY.md B7). */
export const HS_OBJECT_ID = /^\d{1,20}$/;

/** The search endpoint answers at most this many results per page. */
export const HS_SEARCH_MAX_LIMIT = 200;
/** Batch read takes at most this many inputs. */
export const HS_BATCH_READ_MAX_INPUTS = 100;
/** Search caps the reachable result window (`after` + `limit`). */
export const HS_SEARCH_MAX_WINDOW = 10_000;

/** Operators of a search filter, as HubSpot documents them. */
export const HS_FILTER_OPERATORS = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const;

/** The rate-limit headers HubSpot sends (lower-case, as the HttpClient hands them over). */
export const HS_RATE_LIMIT_HEADERS = {
  max: 'x-hubspot-ratelimit-max',
  remaining: 'x-hubspot-ratelimit-remaining',
  intervalMs: 'x-hubspot-ratelimit-interval-milliseconds',
  daily: 'x-hubspot-ratelimit-daily',
  dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
} as const;

// ---------------------------------------------------------------------------------------------------
// Common shapes

/** `2019-10-30T03:30:17.883Z` (HubSpot always answers in UTC); `closedate` comes without fraction. */
export const HubspotDateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/);
export const HubspotIdSchema = z.string().regex(HS_OBJECT_ID);

/** Every property value is a string on the wire; a requested property without a value is `null`. */
const value = (max = 65_536) => z.string().max(max).nullable().optional();

export const HubspotPagingSchema = z.object({
  next: z.object({ after: z.string().min(1).max(64), link: z.string().max(2048).optional() }).optional(),
});

export const HubspotAssociationSchema = z.object({ id: HubspotIdSchema, type: z.string().max(100) });

/** `associations.<toObjectType>`: one page of associated ids with their association type. */
export const HubspotAssociationsPageSchema = z.object({
  results: z.array(HubspotAssociationSchema).max(1_000),
  paging: HubspotPagingSchema.optional(),
});

const crmObject = <P extends z.ZodType>(properties: P) =>
  z.object({
    id: HubspotIdSchema,
    properties,
    createdAt: HubspotDateTimeSchema,
    updatedAt: HubspotDateTimeSchema,
    archived: z.boolean(),
    archivedAt: HubspotDateTimeSchema.optional(),
    associations: z.record(z.string().max(64), HubspotAssociationsPageSchema).optional(),
  });

// ---------------------------------------------------------------------------------------------------
// Properties the adapter reads (standard ones plus the portal's custom ones, see README.md)

/** Company properties. `external_id` and the `*_id` write-back properties are custom (single-line text). */
export const HubspotCompanyPropertiesSchema = z.object({
  hs_object_id: value(20),
  name: value(),
  domain: value(),
  website: value(),
  /** An enumeration: the option's internal value (`COMPUTER_SOFTWARE`), not its label. */
  industry: value(),
  country: value(),
  hubspot_owner_id: value(20),
  external_id: value(),
  erp_customer_id: value(),
  billing_customer_id: value(),
  support_organization_id: value(),
  createdate: value(64),
  hs_lastmodifieddate: value(64),
});

/** Contact properties. `is_primary` is a custom single checkbox (`"true"` / `"false"`). */
export const HubspotContactPropertiesSchema = z.object({
  hs_object_id: value(20),
  firstname: value(),
  lastname: value(),
  email: value(),
  phone: value(),
  mobilephone: value(),
  jobtitle: value(),
  is_primary: value(5),
  createdate: value(64),
  lastmodifieddate: value(64),
});

/** Deal properties. `order_number` is custom; `amount` is a decimal string, `closedate` a datetime. */
export const HubspotDealPropertiesSchema = z.object({
  hs_object_id: value(20),
  dealname: value(),
  dealstage: value(),
  pipeline: value(),
  amount: value(64),
  deal_currency_code: value(3),
  closedate: value(64),
  order_number: value(),
  createdate: value(64),
  hs_lastmodifieddate: value(64),
});

export const HubspotCompanySchema = crmObject(HubspotCompanyPropertiesSchema);
export const HubspotContactSchema = crmObject(HubspotContactPropertiesSchema);
export const HubspotDealSchema = crmObject(HubspotDealPropertiesSchema);

/** `POST /crm/v3/objects/{objectType}/search` 200. */
export const hubspotSearchResponse = <S extends z.ZodType>(object: S) =>
  z.object({
    total: z.number().int().min(0),
    results: z.array(object).max(HS_SEARCH_MAX_LIMIT),
    paging: HubspotPagingSchema.optional(),
  });
export const HubspotCompanySearchResponseSchema = hubspotSearchResponse(HubspotCompanySchema);

/** One failure inside a batch answer (207 Multi-Status). */
export const HubspotBatchErrorSchema = z.object({
  status: z.string().max(32),
  category: z.string().max(64),
  message: z.string().max(4_096),
  context: z.record(z.string().max(64), z.array(z.string().max(256)).max(100)).optional(),
});

/** `POST /crm/v3/objects/{objectType}/batch/read` 200, or 207 with `errors` for ids it could not read. */
export const hubspotBatchResponse = <S extends z.ZodType>(object: S) =>
  z.object({
    status: z.enum(['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE']),
    results: z.array(object).max(HS_BATCH_READ_MAX_INPUTS),
    startedAt: HubspotDateTimeSchema,
    completedAt: HubspotDateTimeSchema,
    requestedAt: HubspotDateTimeSchema.optional(),
    numErrors: z.number().int().min(0).optional(),
    errors: z.array(HubspotBatchErrorSchema).max(HS_BATCH_READ_MAX_INPUTS).optional(),
  });
export const HubspotContactBatchResponseSchema = hubspotBatchResponse(HubspotContactSchema);

/** `GET /crm/v3/owners/{ownerId}` 200 (owners v3). */
export const HubspotOwnerSchema = z.object({
  id: HubspotIdSchema,
  email: z.string().max(254).optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  userId: z.number().int().optional(),
  createdAt: HubspotDateTimeSchema,
  updatedAt: HubspotDateTimeSchema,
  archived: z.boolean(),
});

/**
 * Every error body: `{status: "error", message, correlationId, category, subCategory?, errors?,
 * context?, links?}`. Throttling (429) answers `errorType: "RATE_LIMIT"` and a `policyName`
 * (`TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`), and some 404s carry no `category`. Only `category`, the
 * detail `code`s and `policyName` are ever read; `message` is never passed on or logged.
 */
export const HubspotErrorSchema = z.object({
  status: z.literal('error'),
  message: z.string().max(8_192),
  correlationId: z.string().max(64),
  category: z.string().max(64).optional(),
  subCategory: z.string().max(128).optional(),
  errorType: z.string().max(64).optional(),
  policyName: z.string().max(64).optional(),
  context: z.record(z.string().max(64), z.array(z.string().max(256)).max(100)).optional(),
  errors: z
    .array(
      z.object({
        message: z.string().max(4_096),
        code: z.string().max(64).optional(),
        subCategory: z.string().max(128).optional(),
        in: z.string().max(64).optional(),
        context: z.record(z.string().max(64), z.array(z.string().max(256)).max(100)).optional(),
      }),
    )
    .max(100)
    .optional(),
  links: z.record(z.string().max(64), z.string().max(2048)).optional(),
});

export type HubspotCompany = z.output<typeof HubspotCompanySchema>;
export type HubspotContact = z.output<typeof HubspotContactSchema>;
export type HubspotDeal = z.output<typeof HubspotDealSchema>;
export type HubspotOwner = z.output<typeof HubspotOwnerSchema>;
export type HubspotError = z.output<typeof HubspotErrorSchema>;
export type HubspotCompanyProperties = z.output<typeof HubspotCompanyPropertiesSchema>;
export type HubspotContactProperties = z.output<typeof HubspotContactPropertiesSchema>;
export type HubspotDealProperties = z.output<typeof HubspotDealPropertiesSchema>;

// ---------------------------------------------------------------------------------------------------
// Requests (strict: only what HubSpot documents)

const propertyName = z.string().regex(/^[a-z0-9_]{1,100}$/);
const commaList = z.string().regex(/^[a-z0-9_]{1,100}(?:,[a-z0-9_]{1,100}){0,99}$/);

/** Query of `GET /crm/v3/objects/{objectType}/{objectId}`. */
export const HubspotReadQuerySchema = z.strictObject({
  properties: commaList.optional(),
  propertiesWithHistory: commaList.optional(),
  associations: commaList.optional(),
  archived: z.enum(['true', 'false']).optional(),
  idProperty: propertyName.optional(),
});

/** Query of `GET /crm/v3/owners/{ownerId}`. */
export const HubspotOwnerQuerySchema = z.strictObject({
  idProperty: z.enum(['id', 'userId']).optional(),
  archived: z.enum(['true', 'false']).optional(),
});

export const HubspotFilterSchema = z.strictObject({
  propertyName,
  operator: z.enum(HS_FILTER_OPERATORS),
  value: z.string().max(1_000).optional(),
  highValue: z.string().max(1_000).optional(),
  values: z.array(z.string().max(1_000)).max(100).optional(),
});

/** Body of `POST /crm/v3/objects/{objectType}/search`: groups are ORed, filters in a group ANDed. */
export const HubspotSearchRequestSchema = z.strictObject({
  filterGroups: z.array(z.strictObject({ filters: z.array(HubspotFilterSchema).min(1).max(6) })).max(5).optional(),
  /** The reference documents sort objects (HubSpot's spec file types them as strings; both are accepted by HubSpot). */
  sorts: z.array(z.strictObject({ propertyName, direction: z.enum(['ASCENDING', 'DESCENDING']) })).max(1).optional(),
  query: z.string().max(3_000).optional(),
  properties: z.array(propertyName).max(100).optional(),
  limit: z.number().int().min(1).max(HS_SEARCH_MAX_LIMIT).optional(),
  after: z.string().regex(/^\d{1,5}$/).optional(),
});

/** Body of `PATCH /crm/v3/objects/{objectType}/{objectId}`: property values as strings. */
export const HubspotUpdateRequestSchema = z.strictObject({
  properties: z.record(propertyName, z.string().max(65_536)).refine((p) => Object.keys(p).length > 0, 'at least one property'),
});

/** Body of `POST /crm/v3/objects/{objectType}/batch/read`. */
export const HubspotBatchReadRequestSchema = z.strictObject({
  properties: z.array(propertyName).max(100),
  propertiesWithHistory: z.array(propertyName).max(100),
  idProperty: propertyName.optional(),
  inputs: z.array(z.strictObject({ id: z.string().min(1).max(256) })).min(1).max(HS_BATCH_READ_MAX_INPUTS),
});

export type HubspotReadQuery = z.input<typeof HubspotReadQuerySchema>;
export type HubspotOwnerQuery = z.input<typeof HubspotOwnerQuerySchema>;
export type HubspotFilter = z.input<typeof HubspotFilterSchema>;
export type HubspotSearchRequest = z.input<typeof HubspotSearchRequestSchema>;
export type HubspotUpdateRequest = z.input<typeof HubspotUpdateRequestSchema>;
export type HubspotBatchReadRequest = z.input<typeof HubspotBatchReadRequestSchema>;

// ---------------------------------------------------------------------------------------------------
// The operations Strata uses: what the conformance test matches every recorded request against

export interface HubspotOperation {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Path template, `{objectId}` for a numeric id. */
  readonly path: string;
  readonly query: z.ZodType;
  readonly body?: z.ZodType;
  /** The 2xx body (200, and 207 for a batch with errors); every error status answers HubspotErrorSchema. */
  readonly response: z.ZodType;
}

const OBJECT_SCHEMAS = { companies: HubspotCompanySchema, contacts: HubspotContactSchema, deals: HubspotDealSchema } as const;
const objectPaths = (type: HubspotObjectType) => [type, HS_OBJECT_TYPE_IDS[type]] as const;

export const HUBSPOT_OPERATIONS: readonly HubspotOperation[] = [
  ...(['companies', 'contacts', 'deals'] as const).flatMap((type) =>
    objectPaths(type).flatMap((segment): HubspotOperation[] => {
      const object = OBJECT_SCHEMAS[type];
      const base = `${HS_OBJECTS_PATH}/${segment}`;
      return [
        { name: `${type}.getById`, method: 'GET', path: `${base}/{objectId}`, query: HubspotReadQuerySchema, response: object },
        { name: `${type}.update`, method: 'PATCH', path: `${base}/{objectId}`, query: z.strictObject({ idProperty: propertyName.optional() }), body: HubspotUpdateRequestSchema, response: object },
        { name: `${type}.search`, method: 'POST', path: `${base}/search`, query: z.strictObject({}), body: HubspotSearchRequestSchema, response: hubspotSearchResponse(object) },
        { name: `${type}.batchRead`, method: 'POST', path: `${base}/batch/read`, query: z.strictObject({ archived: z.enum(['true', 'false']).optional() }), body: HubspotBatchReadRequestSchema, response: hubspotBatchResponse(object) },
      ];
    }),
  ),
  { name: 'owners.getById', method: 'GET', path: `${HS_OWNERS_PATH}/{objectId}`, query: HubspotOwnerQuerySchema, response: HubspotOwnerSchema },
];

/** `/crm/v3/objects/companies/{objectId}` → a regex matching the path (ids numeric). */
export const operationPathRegex = (template: string): RegExp =>
  new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`).replace('\\{objectId\\}', '\\d{1,20}')}$`);

/** The documented operation a request is an instance of, if any. */
export const findHubspotOperation = (method: string, path: string): HubspotOperation | undefined =>
  HUBSPOT_OPERATIONS.find((op) => op.method === method && operationPathRegex(op.path).test(path));
