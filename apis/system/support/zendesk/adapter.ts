/**
 * The support port over the Zendesk Support API (v2). Vendor types are HAND-WRITTEN
 * (openapi/vendors/zendesk/types.ts): Zendesk's OpenAPI document carries no licence, so none is
 * shipped or generated from.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson, readJsonAs } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  ZD_MAX_PAGE_SIZE,
  ZD_ORGANIZATIONS_PATH,
  ZD_ORGANIZATIONS_SEARCH_PATH,
  ZD_SUPPORT_TIER_FIELD,
  ZD_TICKETS_PATH,
  ZdErrorSchema,
  ZdOrganizationResponseSchema,
  ZdOrganizationSearchResponseSchema,
  ZdTicketCreatedResponseSchema,
  ZdTicketCursorPageSchema,
  ZdTicketListResponseSchema,
  ZdTicketResponseSchema,
  isZendeskId,
  type ZdOrganization,
  type ZdTicket,
} from '../../../../openapi/vendors/zendesk/types.js';
import { CaseSchema, MAX_CASE_PAGE, OrganizationSchema, entitlementFor, type Organization, type SupportCase, type SupportPort } from '../contract.js';
import type { ZendeskConfig } from './config.js';
import { isOpenStatus, toOrganization, toOrganizationCreate, toSupportCase, toTicketCreate, toTier, toTierUpdate } from './mapper.js';

export interface ZendeskAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The account's share of Zendesk's per-minute limit, shared across gateway processes (`config.limits`). */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'support';
const VENDOR = 'zendesk';
/** `listCases(status: open)` filters on our side (the organisation's ticket list has no status filter): at most this many pages of 100 are read. */
export const MAX_OPEN_SCAN_PAGES = 5;

/**
 * The support port over Zendesk Support:
 * - organisations: `GET/PUT /api/v2/organizations/{id}`, `POST /api/v2/organizations`, found by
 *   external id with `GET /api/v2/organizations/search?external_id=`; the entitlement is the
 *   organization field `support_tier`;
 * - cases are tickets: `GET /api/v2/tickets/{id}`, `POST /api/v2/tickets`, found by external id with
 *   `GET /api/v2/tickets?external_id=`, listed with `GET /api/v2/organizations/{id}/tickets` (cursor
 *   pagination, newest first), always with the `slas` sideload for the breach flag.
 *
 * Creates are idempotent by lookup-before-create on the external id, and are sent once (`retry:
 * false`: Zendesk has no idempotency key, so a timed-out create is never blindly re-sent — the
 * caller's retry finds the record). Organization external ids are unique in Zendesk: a create that
 * loses a race answers 422 `DuplicateValue`, and the adapter returns the winner. Ticket external ids
 * are not unique, so two concurrent first attempts with one reference can still make two tickets;
 * a later lookup returns the oldest. The tier update is a PUT of one field: idempotent, retried.
 *
 * Ids that are not Zendesk ids never reach the vendor (RELIABILITY.md B7); query values go through
 * URLSearchParams. Vendor faults are the shared `vendor.*` codes; only Zendesk's error code, never
 * its message or body, is logged; `X-Rate-Limit-Remaining` is logged when the account runs low.
 *
 * @example const support = createZendeskSupportAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createZendeskSupportAdapter = (config: ZendeskConfig, deps: ZendeskAdapterDeps): SupportPort => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({
    vendor: VENDOR,
    domain: DOMAIN,
    http,
    clock,
    ...(logger ? { logger } : {}),
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...config.resilience,
  });
  const authorization = `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`, 'utf8').toString('base64')}`;
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };
  const organizationNotFound = () => fail('support.organization_not_found');
  const caseNotFound = () => fail('support.case_not_found');
  /** A 404 from a collection (search, list) means the account answered wrongly, not "no such record". */
  const vendorError = () => fail('vendor.error', { vendor: DOMAIN });

  const logRateLimit = (response: HttpResponse) => {
    const limit = Number(response.headers['x-rate-limit']);
    const remaining = Number(response.headers['x-rate-limit-remaining']);
    if (!Number.isFinite(limit) || !Number.isFinite(remaining) || limit <= 0) return;
    if (remaining / limit <= 0.1) logger?.warn({ vendor: VENDOR, rateLimit: limit, rateLimitRemaining: remaining }, 'zendesk rate limit nearly spent');
  };

  const send = async (call: Omit<VendorCall, 'headers'>, ctx: CallContext): Promise<Result<HttpResponse>> => {
    const sent = await caller.call(
      {
        ...call,
        headers: { authorization, accept: 'application/json', ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      ctx,
    );
    if (sent.ok) logRateLimit(sent.value);
    return sent;
  };
  const get = (path: string, ctx: CallContext) => send({ method: 'GET', path, retry: true }, ctx);

  /** Zendesk's error code of a 4xx (`RecordNotFound`, `RecordInvalid`, …) and the fields it names; never the message. */
  const errorOf = (response: HttpResponse): { code?: string; fields: Record<string, string[]> } => {
    const data = readJsonAs(response.body, ZdErrorSchema);
    if (!data) return { fields: {} };
    const e = data.error;
    const code = typeof e === 'string' ? e : e.title;
    const details = 'details' in data ? (data.details ?? {}) : {};
    const fields = Object.fromEntries(Object.entries(details).map(([field, errors]) => [field, errors.map((x) => x.error)]));
    return { ...(/^[A-Za-z][A-Za-z ']{0,63}$/.test(code) ? { code } : {}), fields };
  };

  /** Any status we do not expect: logged with Zendesk's error code only, answered as `vendor.error`. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    const { code, fields } = errorOf(response);
    logger?.warn({ vendor: VENDOR, status: response.status, errorCode: code, fields: Object.keys(fields), traceId: ctx.trace.traceId }, 'unexpected zendesk response');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** 2xx of `status` → the parsed body; 404 → `notFound`; anything else → vendor.error. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, expected: number, schema: S, notFound: () => Result<never>, ctx: CallContext): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    if (sent.value.status === expected) return parseVendorJson(sent.value, schema, meta);
    if (sent.value.status === 404) return notFound();
    return unexpected(sent.value, ctx);
  };

  /** The mapped value must meet the contract's own limits, or the vendor sent something we cannot use. */
  const checked = <T>(schema: z.ZodType<T>, value: unknown, what: string): Result<T> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return ok(parsed.data);
    logger?.warn({ vendor: VENDOR, paths: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, `zendesk ${what} does not fit the support contract`);
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };
  const organization = (org: ZdOrganization): Result<Organization> => checked(OrganizationSchema, toOrganization(org), 'organization');
  /** A ticket as a case; a ticket of no organisation is not a case of the support contract. */
  const supportCase = (ticket: ZdTicket): Result<SupportCase> => {
    const mapped = toSupportCase(ticket, clock.now());
    return mapped ? checked(CaseSchema, mapped, 'ticket') : caseNotFound();
  };

  const findOrganizationByExternalId = async (externalRef: string, ctx: CallContext): Promise<Result<ZdOrganization | undefined>> => {
    const query = new URLSearchParams({ external_id: externalRef });
    const found = read(await get(`${ZD_ORGANIZATIONS_SEARCH_PATH}?${query}`, ctx), 200, ZdOrganizationSearchResponseSchema, vendorError, ctx);
    if (!found.ok) return found;
    // Zendesk matches external ids case-insensitively; the canonical reference is case-sensitive.
    return ok(found.value.organizations.find((o) => o.external_id === externalRef));
  };

  const findTicketByExternalId = async (externalRef: string, ctx: CallContext): Promise<Result<ZdTicket | undefined>> => {
    const query = new URLSearchParams({ external_id: externalRef, include: 'slas' });
    const found = read(await get(`${ZD_TICKETS_PATH}?${query}`, ctx), 200, ZdTicketListResponseSchema, vendorError, ctx);
    if (!found.ok) return found;
    // External ids are not unique on tickets: the oldest one is the case.
    const matches = found.value.tickets.filter((t) => t.external_id === externalRef).sort((a, b) => a.id - b.id);
    if (matches.length > 1) logger?.warn({ vendor: VENDOR, matches: matches.length }, 'external id matches several zendesk tickets; using the oldest');
    return ok(matches[0]);
  };

  return {
    async getOrganization(organizationId, ctx) {
      if (!isZendeskId(organizationId)) return organizationNotFound();
      const found = read(await get(`${ZD_ORGANIZATIONS_PATH}/${organizationId}`, ctx), 200, ZdOrganizationResponseSchema, organizationNotFound, ctx);
      return found.ok ? organization(found.value.organization) : found;
    },

    async createOrganization(input, ctx) {
      const existing = await findOrganizationByExternalId(input.externalRef, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return organization(existing.value);

      const sent = await send({ method: 'POST', path: ZD_ORGANIZATIONS_PATH, body: JSON.stringify(toOrganizationCreate(input)), retry: false }, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status === 201) {
        const created = parseVendorJson(sent.value, ZdOrganizationResponseSchema, meta);
        return created.ok ? organization(created.value.organization) : created;
      }
      if (sent.value.status === 422 && errorOf(sent.value).fields.external_id?.includes('DuplicateValue')) {
        // Another attempt with the same reference won the race: its organisation is ours.
        const winner = await findOrganizationByExternalId(input.externalRef, ctx);
        if (!winner.ok) return winner;
        if (winner.value) return organization(winner.value);
      }
      return unexpected(sent.value, ctx);
    },

    async setEntitlement(organizationId, tier, ctx) {
      if (!isZendeskId(organizationId)) return organizationNotFound();
      // Setting one field to a value is idempotent: safe to retry after a timeout.
      const sent = await send({ method: 'PUT', path: `${ZD_ORGANIZATIONS_PATH}/${organizationId}`, body: JSON.stringify(toTierUpdate(tier)), retry: true }, ctx);
      const updated = read(sent, 200, ZdOrganizationResponseSchema, organizationNotFound, ctx);
      if (!updated.ok) return updated;
      if (toTier(updated.value.organization.organization_fields?.[ZD_SUPPORT_TIER_FIELD]) !== tier) {
        logger?.warn({ vendor: VENDOR }, `zendesk did not store the ${ZD_SUPPORT_TIER_FIELD} value (is the organization field set up with the tier options?)`);
        return fail('vendor.error', { vendor: DOMAIN });
      }
      return ok(entitlementFor(String(updated.value.organization.id), tier));
    },

    async createCase(input, ctx) {
      if (!isZendeskId(input.organizationId)) return organizationNotFound();
      const existing = await findTicketByExternalId(input.externalRef, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return supportCase(existing.value);

      const sent = await send({ method: 'POST', path: ZD_TICKETS_PATH, body: JSON.stringify(toTicketCreate(input)), retry: false }, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status === 201) {
        const created = parseVendorJson(sent.value, ZdTicketCreatedResponseSchema, meta);
        return created.ok ? supportCase(created.value.ticket) : created;
      }
      if (sent.value.status === 422 && errorOf(sent.value).fields.organization_id) return organizationNotFound();
      return unexpected(sent.value, ctx);
    },

    async getCase(caseId, ctx) {
      if (!isZendeskId(caseId)) return caseNotFound();
      const found = read(await get(`${ZD_TICKETS_PATH}/${caseId}?include=slas`, ctx), 200, ZdTicketResponseSchema, caseNotFound, ctx);
      return found.ok ? supportCase(found.value.ticket) : found;
    },

    async listCases(organizationId, options, ctx) {
      if (!isZendeskId(organizationId)) return organizationNotFound();
      // The route bounds it already; clamped again so no caller can ask for an unbounded page (B6).
      const limit = Number.isInteger(options.limit) ? Math.min(Math.max(options.limit, 1), MAX_CASE_PAGE) : MAX_CASE_PAGE;
      const pageSize = options.status === 'all' ? Math.min(limit, ZD_MAX_PAGE_SIZE) : ZD_MAX_PAGE_SIZE;
      const cases: SupportCase[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_OPEN_SCAN_PAGES; page++) {
        const query = new URLSearchParams({ 'page[size]': String(pageSize), sort: '-id', include: 'slas', ...(after ? { 'page[after]': after } : {}) });
        const listed = read(await get(`${ZD_ORGANIZATIONS_PATH}/${organizationId}/tickets?${query}`, ctx), 200, ZdTicketCursorPageSchema, organizationNotFound, ctx);
        if (!listed.ok) return listed;
        for (const ticket of listed.value.tickets) {
          const mapped = supportCase(ticket);
          if (!mapped.ok) return mapped.error.code === 'support.case_not_found' ? fail('vendor.invalid_response', { vendor: DOMAIN }) : mapped;
          if (options.status === 'open' && !isOpenStatus(mapped.value.status)) continue;
          cases.push(mapped.value);
          if (cases.length === limit) return ok(cases);
        }
        const { has_more, after_cursor } = listed.value.meta;
        if (!has_more || !after_cursor) return ok(cases);
        after = after_cursor;
      }
      logger?.info({ vendor: VENDOR, pages: MAX_OPEN_SCAN_PAGES, found: cases.length }, 'stopped scanning zendesk tickets for open cases at the page bound');
      return ok(cases);
    },
  };
};
