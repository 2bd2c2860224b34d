/**
 * The support port over ServiceNow's Table API. Vendor types are HAND-WRITTEN
 * (openapi/vendors/servicenow/types.ts): ServiceNow publishes no static OpenAPI document (each
 * instance renders its own), so none is shipped or generated from.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson, readJsonAs } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  SN_COMPANY_FIELDS,
  SN_COMPANY_PATH,
  SN_CORRELATION_DISPLAY,
  SN_EXTERNAL_REF_FIELD,
  SN_INCIDENT_FIELDS,
  SN_INCIDENT_PATH,
  SN_SUPPORT_TIER_FIELD,
  SnCompanyListSchema,
  SnCompanyResultSchema,
  SnErrorSchema,
  SnIncidentListSchema,
  SnIncidentResultSchema,
  SnSysIdResultSchema,
  isSysId,
  type SnCompany,
  type SnIncident,
  type SnTableQuery,
} from '../../../../openapi/vendors/servicenow/types.js';
import { CaseSchema, MAX_CASE_PAGE, OrganizationSchema, entitlementFor, type Organization, type SupportCase, type SupportPort } from '../contract.js';
import type { ServicenowConfig } from './config.js';
import { encodedQuery } from './encoded-query.js';
import { CLOSED_STATES, isOpenStatus, toCompanyCreate, toIncidentCreate, toOrganization, toSupportCase, toTier, toTierUpdate } from './mapper.js';
import { createServicenowSessions } from './oauth-session.js';

export interface ServicenowAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The integration user's share of the instance's limits, shared across gateway processes (`config.limits`). */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'support';
const VENDOR = 'servicenow';
/** `listCases` follows `Link: rel="next"` at most this many pages (a page may come back short when ACLs hide rows). */
export const MAX_LIST_PAGES = 5;
/** Look-ups by reference read this many rows, oldest first: enough to notice duplicates. */
const LOOKUP_LIMIT = 10;

/** Every Table API call renders raw values (no display values) and references as bare sys_ids. */
const tableQuery = (query: SnTableQuery & { sysparm_fields: string }): string =>
  new URLSearchParams({ sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true', ...query } satisfies SnTableQuery).toString();
const COMPANY_FIELDS = SN_COMPANY_FIELDS.join(',');
const INCIDENT_FIELDS = SN_INCIDENT_FIELDS.join(',');

/** `Link: <…>;rel="first",<…>;rel="next"` → the `next` URL, if any. */
export const nextLink = (header: string | undefined): string | undefined => {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>\s*;\s*rel="?([A-Za-z]+)"?/g)) if (m[2]!.toLowerCase() === 'next') return m[1];
  return undefined;
};

/**
 * The support port over ServiceNow (Table API, `/api/now/table/…`, OAuth 2.0 bearer tokens from
 * `/oauth_token.do`):
 * - organisations are `core_company` records: `GET /core_company/{sys_id}`, `POST /core_company`,
 *   found by the custom column `u_external_ref` (`sysparm_query=u_external_ref=<ref>`); the
 *   entitlement is the custom choice column `u_support_tier`, set with `PATCH /core_company/{sys_id}`;
 * - cases are `incident` records: `GET /incident/{sys_id}`, `POST /incident` (correlated to the
 *   caller's reference with `correlation_id`), listed with
 *   `sysparm_query=company=<id>[^stateNOT IN6,7,8]^ORDERBYDESCsys_created_on`, paged by
 *   `sysparm_limit` / `sysparm_offset`, following `Link: rel="next"` up to the requested limit.
 *
 * Every call asks for exactly the columns the mapper reads (`sysparm_fields`), raw values
 * (`sysparm_display_value=false`) and bare references (`sysparm_exclude_reference_link=true`).
 *
 * Creates are idempotent by lookup-before-create and are sent once (`retry: false`: the Table API has
 * no idempotency key, so a timed-out POST is never blindly re-sent — the caller's retry with the same
 * reference finds the record). Neither `u_external_ref` nor `correlation_id` is unique unless the
 * instance's dictionary says so, so two concurrent FIRST attempts with one reference can still make
 * two records; a later look-up then returns the oldest and logs the duplicate. The tier update sets
 * one column: idempotent, retried.
 *
 * Ids that are not sys_ids never reach the instance (RELIABILITY.md B7); encoded queries are built
 * from validated parts (encoded-query.ts), and every row is checked against the condition asked for,
 * because an instance ignores a condition on a column it does not have. A 401 drops the token and
 * sends the call once more with a new one (a 401 means nothing was written). Vendor faults are the
 * shared `vendor.*` codes; ServiceNow's messages and bodies are never logged or passed on.
 *
 * @example const support = createServicenowSupportAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createServicenowSupportAdapter = (config: ServicenowConfig, deps: ServicenowAdapterDeps): SupportPort => {
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
  const sessions = createServicenowSessions({ caller, config, clock, ...(logger ? { logger } : {}) });
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };
  const instancePath = new URL(config.baseUrl).pathname.replace(/\/$/, '');
  const instanceOrigin = new URL(config.baseUrl).origin;
  const pageSize = Math.min(Math.max(Math.trunc(config.pageSize), 1), MAX_CASE_PAGE);
  const organizationNotFound = () => fail('support.organization_not_found');
  const caseNotFound = () => fail('support.case_not_found');
  const vendorError = () => fail('vendor.error', { vendor: DOMAIN });
  const invalidResponse = () => fail('vendor.invalid_response', { vendor: DOMAIN });

  /** One Table API call with the current token; a 401 drops the token and sends the call once more. */
  const send = async (method: HttpMethod, path: string, ctx: CallContext, options: { body?: object; retry: boolean }): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await sessions.token(ctx);
      if (!token.ok) return token;
      const headers: Record<string, string> = { authorization: `Bearer ${token.value}`, accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const sent = await caller.call({ method, path, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}), retry: options.retry }, ctx);
      if (!sent.ok || sent.value.status !== 401 || attempt > 0) return sent;
      sessions.invalidate(token.value);
    }
  };
  const get = (path: string, ctx: CallContext) => send('GET', path, ctx, { retry: true });

  /** Any status we do not expect: logged by status (and whether it had ServiceNow's envelope), never its text. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    const envelope = readJsonAs(response.body, SnErrorSchema) !== undefined;
    logger?.warn({ vendor: VENDOR, status: response.status, envelope, traceId: ctx.trace.traceId }, 'unexpected servicenow response');
    return vendorError();
  };

  /** `expected` → the parsed body; 404 → `notFound`; anything else → vendor.error. */
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
    logger?.warn({ vendor: VENDOR, paths: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, `servicenow ${what} does not fit the support contract`);
    return invalidResponse();
  };
  const organization = (company: SnCompany): Result<Organization> => checked(OrganizationSchema, toOrganization(company), 'company');
  const supportCase = (incident: SnIncident): Result<SupportCase> => {
    const mapped = toSupportCase(incident);
    return mapped ? checked(CaseSchema, mapped, 'incident') : caseNotFound();
  };
  /** The instance lacks a custom column Strata needs (the Table API silently drops unknown columns). */
  const missingColumn = (column: string): Result<never> => {
    logger?.error({ vendor: VENDOR, table: 'core_company', column }, 'servicenow instance lacks a column Strata needs (see openapi/vendors/servicenow/README.md)');
    return vendorError();
  };

  const readCompany = async (sysId: string, ctx: CallContext) =>
    read(await get(`${SN_COMPANY_PATH}/${sysId}?${tableQuery({ sysparm_fields: COMPANY_FIELDS })}`, ctx), 200, SnCompanyResultSchema, organizationNotFound, ctx);

  const companyExists = async (sysId: string, ctx: CallContext): Promise<Result<true>> => {
    const found = read(await get(`${SN_COMPANY_PATH}/${sysId}?${tableQuery({ sysparm_fields: 'sys_id' })}`, ctx), 200, SnSysIdResultSchema, organizationNotFound, ctx);
    return found.ok ? ok(true) : found;
  };

  const findCompanyByExternalRef = async (externalRef: string, ctx: CallContext): Promise<Result<SnCompany | undefined>> => {
    const query = tableQuery({
      sysparm_query: encodedQuery({ where: [{ field: SN_EXTERNAL_REF_FIELD, op: '=', value: externalRef }], orderBy: { field: 'sys_created_on', descending: false } }),
      sysparm_fields: COMPANY_FIELDS,
      sysparm_limit: String(LOOKUP_LIMIT),
    });
    const found = read(await get(`${SN_COMPANY_PATH}?${query}`, ctx), 200, SnCompanyListSchema, vendorError, ctx);
    if (!found.ok) return found;
    // Without the column the instance ignores the condition and answers any companies, none carrying it.
    if (found.value.result.some((c) => c[SN_EXTERNAL_REF_FIELD] === undefined)) return missingColumn(SN_EXTERNAL_REF_FIELD);
    // String comparisons in encoded queries are case-insensitive; the canonical reference is not.
    const matches = found.value.result.filter((c) => c[SN_EXTERNAL_REF_FIELD] === externalRef);
    if (matches.length > 1) logger?.warn({ vendor: VENDOR, matches: matches.length }, 'external reference matches several servicenow companies; using the oldest');
    return ok(matches[0]);
  };

  const findIncidentByCorrelation = async (externalRef: string, ctx: CallContext): Promise<Result<SnIncident | undefined>> => {
    const query = tableQuery({
      sysparm_query: encodedQuery({
        where: [
          { field: 'correlation_id', op: '=', value: externalRef },
          { field: 'correlation_display', op: '=', value: SN_CORRELATION_DISPLAY },
        ],
        orderBy: { field: 'sys_created_on', descending: false },
      }),
      sysparm_fields: INCIDENT_FIELDS,
      sysparm_limit: String(LOOKUP_LIMIT),
    });
    const found = read(await get(`${SN_INCIDENT_PATH}?${query}`, ctx), 200, SnIncidentListSchema, vendorError, ctx);
    if (!found.ok) return found;
    const matches = found.value.result.filter((i) => i.correlation_id === externalRef);
    if (matches.length > 1) logger?.warn({ vendor: VENDOR, matches: matches.length }, 'external reference matches several servicenow incidents; using the oldest');
    return ok(matches[0]);
  };

  /** The offset a `next` link asks for, if the link points back at the same list on this instance. */
  const nextOffset = (link: string, current: number): number | undefined => {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return undefined;
    }
    if (url.origin !== instanceOrigin || url.pathname !== `${instancePath}${SN_INCIDENT_PATH}`) return undefined;
    const offset = Number(url.searchParams.get('sysparm_offset'));
    return Number.isSafeInteger(offset) && offset > current ? offset : undefined;
  };

  return {
    async getOrganization(organizationId, ctx) {
      if (!isSysId(organizationId)) return organizationNotFound();
      const found = await readCompany(organizationId, ctx);
      return found.ok ? organization(found.value.result) : found;
    },

    async createOrganization(input, ctx) {
      const existing = await findCompanyByExternalRef(input.externalRef, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return organization(existing.value);

      const path = `${SN_COMPANY_PATH}?${tableQuery({ sysparm_fields: COMPANY_FIELDS })}`;
      const sent = await send('POST', path, ctx, { body: toCompanyCreate(input), retry: false });
      if (!sent.ok) return sent;
      if (sent.value.status !== 201) return unexpected(sent.value, ctx);
      const created = parseVendorJson(sent.value, SnCompanyResultSchema, meta);
      if (!created.ok) return created;
      if (created.value.result[SN_EXTERNAL_REF_FIELD] !== input.externalRef) return missingColumn(SN_EXTERNAL_REF_FIELD);
      return organization(created.value.result);
    },

    async setEntitlement(organizationId, tier, ctx) {
      if (!isSysId(organizationId)) return organizationNotFound();
      // Setting one column to a value is idempotent: safe to send again after a timeout.
      const path = `${SN_COMPANY_PATH}/${organizationId}?${tableQuery({ sysparm_fields: COMPANY_FIELDS })}`;
      const updated = read(await send('PATCH', path, ctx, { body: toTierUpdate(tier), retry: true }), 200, SnCompanyResultSchema, organizationNotFound, ctx);
      if (!updated.ok) return updated;
      if (toTier(updated.value.result[SN_SUPPORT_TIER_FIELD]) !== tier) return missingColumn(SN_SUPPORT_TIER_FIELD);
      return ok(entitlementFor(updated.value.result.sys_id, tier));
    },

    async createCase(input, ctx) {
      if (!isSysId(input.organizationId)) return organizationNotFound();
      const existing = await findIncidentByCorrelation(input.externalRef, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return supportCase(existing.value);
      // A reference column takes any sys_id without complaint: the company is checked first.
      const company = await companyExists(input.organizationId, ctx);
      if (!company.ok) return company;

      const path = `${SN_INCIDENT_PATH}?${tableQuery({ sysparm_fields: INCIDENT_FIELDS })}`;
      const sent = await send('POST', path, ctx, { body: toIncidentCreate(input), retry: false });
      if (!sent.ok) return sent;
      if (sent.value.status !== 201) return unexpected(sent.value, ctx);
      const created = parseVendorJson(sent.value, SnIncidentResultSchema, meta);
      return created.ok ? supportCase(created.value.result) : created;
    },

    async getCase(caseId, ctx) {
      if (!isSysId(caseId)) return caseNotFound();
      const path = `${SN_INCIDENT_PATH}/${caseId}?${tableQuery({ sysparm_fields: INCIDENT_FIELDS })}`;
      const found = read(await get(path, ctx), 200, SnIncidentResultSchema, caseNotFound, ctx);
      return found.ok ? supportCase(found.value.result) : found;
    },

    async listCases(organizationId, options, ctx) {
      if (!isSysId(organizationId)) return organizationNotFound();
      // The route bounds it already; clamped again so no caller can ask for an unbounded page (B6).
      const limit = Number.isInteger(options.limit) ? Math.min(Math.max(options.limit, 1), MAX_CASE_PAGE) : MAX_CASE_PAGE;
      const sysparmQuery = encodedQuery({
        where: [{ field: 'company', op: '=', value: organizationId }, ...(options.status === 'open' ? [{ field: 'state', op: 'NOT IN' as const, values: CLOSED_STATES }] : [])],
        orderBy: { field: 'sys_created_on', descending: true },
      });
      const cases: SupportCase[] = [];
      let offset = 0;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const query = tableQuery({ sysparm_query: sysparmQuery, sysparm_fields: INCIDENT_FIELDS, sysparm_limit: String(Math.min(limit, pageSize)), sysparm_offset: String(offset) });
        const sent = await get(`${SN_INCIDENT_PATH}?${query}`, ctx);
        const listed = read(sent, 200, SnIncidentListSchema, vendorError, ctx);
        if (!listed.ok) return listed;
        for (const incident of listed.value.result) {
          // A row of another company means the instance ignored the condition: nothing here can be trusted.
          if (incident.company !== organizationId) {
            logger?.warn({ vendor: VENDOR }, 'servicenow answered incidents of another company to a company query');
            return invalidResponse();
          }
          const mapped = supportCase(incident);
          if (!mapped.ok) return mapped;
          if (options.status === 'open' && !isOpenStatus(mapped.value.status)) continue;
          cases.push(mapped.value);
          if (cases.length === limit) return ok(cases);
        }
        const link = sent.ok ? nextLink(sent.value.headers.link) : undefined;
        if (!link) break;
        const next = nextOffset(link, offset);
        if (next === undefined) {
          logger?.warn({ vendor: VENDOR }, 'servicenow next link does not point at the same list; not followed');
          return invalidResponse();
        }
        offset = next;
        if (page === MAX_LIST_PAGES - 1) logger?.info({ vendor: VENDOR, pages: MAX_LIST_PAGES, found: cases.length }, 'stopped following servicenow pages at the page bound');
      }
      if (cases.length > 0) return ok(cases);
      // No incidents: an organisation without cases, or no organisation at all.
      const company = await companyExists(organizationId, ctx);
      return company.ok ? ok(cases) : company;
    },
  };
};
