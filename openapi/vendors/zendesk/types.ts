/**
 * Zendesk Support API wire format, HAND-WRITTEN. Zendesk's own OpenAPI document carries no licence
 * (see vendor-specs/README.md), so no spec file is shipped and nothing here is generated from it.
 * Written from Zendesk's public Support API reference (Organizations, Search Organizations, Tickets,
 * List Tickets, cursor pagination, ticket sideloads, errors, rate limits) and the Zendesk section of
 * vendor-specs/README.md, in our own words. See README.md beside this file.
 *
 * Two kinds of schema live here:
 * - reading schemas (`Zd…Schema`, plain objects): what the adapter parses vendor bodies with through
 *   `parseVendorJson`. Unknown keys are stripped — a real account sends many more fields than we
 *   read, and what we did not ask for must not travel further;
 * - the documented shapes (`Zd…ObjectSchema`, `Zd…RequestSchema`, strict): every field of the
 *   Organization and Ticket objects and of the request bodies, as the reference lists them. The
 *   conformance test holds the sandbox's responses and the adapter's requests against these, so a
 *   field that is not documented (or is mistyped) breaks a test, not a user.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Paths and constants

export const ZD_ORGANIZATIONS_PATH = '/api/v2/organizations';
/** `?external_id=` (exact, case-insensitive) or `?name=`. */
export const ZD_ORGANIZATIONS_SEARCH_PATH = '/api/v2/organizations/search';
export const ZD_TICKETS_PATH = '/api/v2/tickets';
/** Cursor pagination: `page[size]` is at most 100. */
export const ZD_MAX_PAGE_SIZE = 100;
/** The organization field (a drop-down whose option values are the tier names) holding the support entitlement. */
export const ZD_SUPPORT_TIER_FIELD = 'support_tier';
/** The tag that marks an escalated ticket. */
export const ZD_ESCALATED_TAG = 'escalated';
export const ZD_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
/** The status categories; custom ticket statuses map onto one of these. */
export const ZD_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
/** `sort` values List Tickets accepts with cursor pagination (a leading `-` is descending). */
export const ZD_TICKET_SORTS = ['id', 'status', 'updated_at', '-id', '-status', '-updated_at'] as const;
/** Ids are positive integers (int64); we accept what a JavaScript number holds exactly. */
export const ZD_ID = /^[1-9][0-9]{0,15}$/;
export const isZendeskId = (value: string): boolean => ZD_ID.test(value) && Number.isSafeInteger(Number(value));

// ---------------------------------------------------------------------------------------------------
// Common shapes

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Zendesk timestamps are ISO 8601 UTC (`2026-03-01T09:00:00Z`). */
const timestamp = z.iso.datetime({ offset: true });
const tag = z.string().max(255);

/**
 * Error bodies come in two envelopes: `{error, description, details}` (records: `RecordNotFound`,
 * `RecordInvalid` with `details.<field>[{error, description}]`) and `{error: {title, message}}`
 * (platform errors). Authentication failures are `{error: "Couldn't authenticate you"}`.
 */
export const ZdFieldErrorSchema = z.object({ error: z.string().max(100), description: z.string().max(2000).optional() });
export const ZdErrorSchema = z.union([
  z.object({
    error: z.string().max(200),
    description: z.string().max(2000).optional(),
    details: z.record(z.string().max(100), z.array(ZdFieldErrorSchema).max(50)).optional(),
  }),
  z.object({ error: z.object({ title: z.string().max(200), message: z.string().max(2000) }) }),
]);

// ---------------------------------------------------------------------------------------------------
// Organizations (reading)

export const ZdOrganizationSchema = z.object({
  id,
  name: z.string().min(1).max(255),
  external_id: z.string().max(255).nullable().optional(),
  domain_names: z.array(z.string().max(255)).max(1000).optional(),
  /** Only the field we read is kept; an account's other custom fields are dropped. */
  organization_fields: z.object({ [ZD_SUPPORT_TIER_FIELD]: z.string().max(255).nullable().optional() }).nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export const ZdOrganizationResponseSchema = z.object({ organization: ZdOrganizationSchema });
/** `GET /api/v2/organizations/search`: offset-paginated. */
export const ZdOrganizationSearchResponseSchema = z.object({
  organizations: z.array(ZdOrganizationSchema).max(1000),
  count: z.number().int().min(0).optional(),
  next_page: z.string().max(2048).nullable().optional(),
});

// ---------------------------------------------------------------------------------------------------
// Tickets (reading)

/**
 * One SLA target of the ticket's policy, from the `slas` sideload (`?include=slas`): `breach_at` is
 * when the target is missed; `stage` is `active` (the clock runs), `paused` or `achieved`.
 */
export const ZdSlaPolicyMetricSchema = z.object({
  breach_at: timestamp.nullable(),
  stage: z.string().max(32),
  metric: z.string().max(64),
  days: z.number().optional(),
  hours: z.number().optional(),
  minutes: z.number().optional(),
});

export const ZdTicketSchema = z.object({
  id,
  external_id: z.string().max(255).nullable().optional(),
  subject: z.string().max(10_000).nullable().optional(),
  priority: z.enum(ZD_PRIORITIES).nullable().optional(),
  status: z.enum(ZD_STATUSES),
  organization_id: id.nullable().optional(),
  tags: z.array(tag).max(1000).optional(),
  created_at: timestamp,
  updated_at: timestamp,
  slas: z.object({ policy_metrics: z.array(ZdSlaPolicyMetricSchema).max(50) }).optional(),
});
export const ZdTicketResponseSchema = z.object({ ticket: ZdTicketSchema });
/** `POST /api/v2/tickets` answers the ticket and the audit that created it. */
export const ZdTicketCreatedResponseSchema = z.object({ ticket: ZdTicketSchema, audit: z.object({ id }).optional() });
/** Offset-paginated ticket list (`GET /api/v2/tickets?external_id=`). */
export const ZdTicketListResponseSchema = z.object({
  tickets: z.array(ZdTicketSchema).max(1000),
  count: z.number().int().min(0).optional(),
  next_page: z.string().max(2048).nullable().optional(),
});
/** Cursor-paginated ticket list (`page[size]`): `meta.has_more`, `meta.after_cursor`, `links.next`. */
export const ZdTicketCursorPageSchema = z.object({
  tickets: z.array(ZdTicketSchema).max(ZD_MAX_PAGE_SIZE),
  meta: z.object({
    has_more: z.boolean(),
    after_cursor: z.string().max(512).nullable(),
    before_cursor: z.string().max(512).nullable().optional(),
  }),
  links: z.object({ prev: z.string().max(2048).nullable().optional(), next: z.string().max(2048).nullable() }),
});

// ---------------------------------------------------------------------------------------------------
// Documented shapes (strict): the objects as the reference lists them, for conformance

const nullableText = z.string().nullable();

/** The Organization object. */
export const ZdOrganizationObjectSchema = z.strictObject({
  url: z.string(),
  id,
  external_id: nullableText,
  name: z.string().min(1),
  created_at: timestamp,
  updated_at: timestamp,
  domain_names: z.array(z.string()),
  details: nullableText,
  notes: nullableText,
  group_id: id.nullable(),
  shared_tickets: z.boolean(),
  shared_comments: z.boolean(),
  tags: z.array(tag),
  /** Custom field key → value (string, number, boolean, date string or null). */
  organization_fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

const ZdViaObjectSchema = z.strictObject({ channel: z.string(), source: z.record(z.string(), z.unknown()) });
const ZdCustomFieldValueSchema = z.strictObject({ id, value: z.unknown() });

/** The Ticket object (`slas` only with `?include=slas`). */
export const ZdTicketObjectSchema = z.strictObject({
  url: z.string(),
  id,
  external_id: nullableText,
  type: z.enum(['problem', 'incident', 'question', 'task']).nullable(),
  subject: nullableText,
  raw_subject: nullableText,
  description: z.string(),
  priority: z.enum(ZD_PRIORITIES).nullable(),
  status: z.enum(ZD_STATUSES),
  recipient: z.string().nullable(),
  requester_id: id,
  submitter_id: id,
  assignee_id: id.nullable(),
  organization_id: id.nullable(),
  group_id: id.nullable(),
  collaborator_ids: z.array(id),
  follower_ids: z.array(id),
  email_cc_ids: z.array(id),
  problem_id: id.nullable(),
  has_incidents: z.boolean(),
  is_public: z.boolean(),
  due_at: timestamp.nullable(),
  tags: z.array(tag),
  custom_fields: z.array(ZdCustomFieldValueSchema),
  satisfaction_rating: z.unknown().nullable(),
  sharing_agreement_ids: z.array(id),
  followup_ids: z.array(id),
  ticket_form_id: id.nullable(),
  brand_id: id.nullable(),
  allow_channelback: z.boolean(),
  allow_attachments: z.boolean(),
  from_messaging_channel: z.boolean(),
  via: ZdViaObjectSchema,
  created_at: timestamp,
  updated_at: timestamp,
  slas: z.strictObject({ policy_metrics: z.array(z.strictObject(ZdSlaPolicyMetricSchema.shape)) }).optional(),
});

/** The Ticket Audit object (as returned by Create Ticket). */
export const ZdAuditObjectSchema = z.strictObject({
  id,
  ticket_id: id,
  created_at: timestamp,
  author_id: id,
  metadata: z.record(z.string(), z.unknown()),
  via: ZdViaObjectSchema,
  events: z.array(z.record(z.string(), z.unknown())),
});

/** The two error envelopes, strictly. */
export const ZdErrorObjectSchema = z.union([
  z.strictObject({
    error: z.string(),
    description: z.string().optional(),
    details: z.record(z.string(), z.array(z.strictObject({ description: z.string(), error: z.string() }))).optional(),
  }),
  z.strictObject({ error: z.strictObject({ title: z.string(), message: z.string() }) }),
]);

export const ZdCursorMetaObjectSchema = z.strictObject({ has_more: z.boolean(), after_cursor: nullableText, before_cursor: nullableText });
export const ZdCursorLinksObjectSchema = z.strictObject({ prev: nullableText, next: nullableText });

// ---------------------------------------------------------------------------------------------------
// Request bodies (strict: the writable fields the reference lists)

const organizationWritable = {
  name: z.string().min(1).max(255),
  external_id: z.string().max(255).nullable(),
  domain_names: z.array(z.string().max(255)),
  details: z.string().nullable(),
  notes: z.string().nullable(),
  group_id: id.nullable(),
  shared_tickets: z.boolean(),
  shared_comments: z.boolean(),
  tags: z.array(tag),
  organization_fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
};

/** `POST /api/v2/organizations`: `name` is required. */
export const ZdOrganizationCreateRequestSchema = z.strictObject({
  organization: z.strictObject(organizationWritable).partial().required({ name: true }),
});
/** `PUT /api/v2/organizations/{organization_id}`: any writable field. */
export const ZdOrganizationUpdateRequestSchema = z.strictObject({ organization: z.strictObject(organizationWritable).partial() });

/** `POST /api/v2/tickets`: the first comment is required; `requester` creates the end user when the address is new. */
export const ZdTicketCreateRequestSchema = z.strictObject({
  ticket: z
    .strictObject({
      comment: z.strictObject({ body: z.string().min(1).max(65_535), html_body: z.string(), public: z.boolean() }).partial().required({ body: true }),
      subject: z.string().max(255),
      priority: z.enum(ZD_PRIORITIES),
      status: z.enum(ZD_STATUSES),
      type: z.enum(['problem', 'incident', 'question', 'task']),
      external_id: z.string().max(255),
      organization_id: id,
      requester_id: id,
      requester: z.strictObject({ email: z.string().max(254), name: z.string().max(255), locale_id: id }).partial().required({ email: true }),
      tags: z.array(tag),
      custom_fields: z.array(ZdCustomFieldValueSchema),
      group_id: id,
      assignee_id: id,
      due_at: timestamp,
      brand_id: id,
      ticket_form_id: id,
    })
    .partial()
    .required({ comment: true }),
});

// ---------------------------------------------------------------------------------------------------
// The operations Strata uses, as the reference describes them (method, path template, query parameters)

export interface ZendeskOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path template; `{…}` segments are numeric ids. A `.json` suffix is accepted by Zendesk too. */
  readonly path: string;
  /** Query parameters the operation takes. */
  readonly query: readonly string[];
  /** The request body schema, for writes. */
  readonly body?: z.ZodType;
}

const CURSOR_PAGE = ['page[size]', 'page[after]', 'page[before]'];
const OFFSET_PAGE = ['page', 'per_page'];
const TICKET_LIST_QUERY = ['include', 'sort', 'sort_by', 'sort_order', ...CURSOR_PAGE, ...OFFSET_PAGE];

export const ZENDESK_OPERATIONS: readonly ZendeskOperation[] = [
  { operationId: 'SearchOrganizations', method: 'GET', path: ZD_ORGANIZATIONS_SEARCH_PATH, query: ['external_id', 'name'] },
  { operationId: 'ShowOrganization', method: 'GET', path: `${ZD_ORGANIZATIONS_PATH}/{organization_id}`, query: [] },
  { operationId: 'CreateOrganization', method: 'POST', path: ZD_ORGANIZATIONS_PATH, query: [], body: ZdOrganizationCreateRequestSchema },
  { operationId: 'UpdateOrganization', method: 'PUT', path: `${ZD_ORGANIZATIONS_PATH}/{organization_id}`, query: [], body: ZdOrganizationUpdateRequestSchema },
  { operationId: 'ListTickets', method: 'GET', path: ZD_TICKETS_PATH, query: ['external_id', ...TICKET_LIST_QUERY] },
  { operationId: 'ListTickets (organization)', method: 'GET', path: `${ZD_ORGANIZATIONS_PATH}/{organization_id}/tickets`, query: TICKET_LIST_QUERY },
  { operationId: 'ShowTicket', method: 'GET', path: `${ZD_TICKETS_PATH}/{ticket_id}`, query: ['include'] },
  { operationId: 'CreateTicket', method: 'POST', path: ZD_TICKETS_PATH, query: [], body: ZdTicketCreateRequestSchema },
];

/** The operation a request path and method belong to (path relative to the account's base URL). */
export const zendeskOperationFor = (method: string, path: string): ZendeskOperation | undefined => {
  const bare = path.replace(/\.json$/, '');
  return ZENDESK_OPERATIONS.find((op) => op.method === method && new RegExp(`^${op.path.replace(/\{[a-z_]+\}/g, '[1-9][0-9]*')}$`).test(bare));
};

// ---------------------------------------------------------------------------------------------------
// Types: `…Wire` is what travels (the sandbox writes it), the plain name what the adapter reads.

export type ZdOrganization = z.output<typeof ZdOrganizationSchema>;
export type ZdTicket = z.output<typeof ZdTicketSchema>;
export type ZdSlaPolicyMetric = z.output<typeof ZdSlaPolicyMetricSchema>;
export type ZdPriority = (typeof ZD_PRIORITIES)[number];
export type ZdStatus = (typeof ZD_STATUSES)[number];
export type ZdOrganizationWire = z.input<typeof ZdOrganizationObjectSchema>;
export type ZdTicketWire = z.input<typeof ZdTicketObjectSchema>;
export type ZdAuditWire = z.input<typeof ZdAuditObjectSchema>;
export type ZdOrganizationCreateRequest = z.input<typeof ZdOrganizationCreateRequestSchema>;
export type ZdOrganizationUpdateRequest = z.input<typeof ZdOrganizationUpdateRequestSchema>;
export type ZdTicketCreateRequest = z.input<typeof ZdTicketCreateRequestSchema>;
export type ZdError = z.output<typeof ZdErrorSchema>;
