/**
 * The CRM port over HubSpot's CRM v3 object APIs (companies = accounts, contacts, deals =
 * opportunities). Vendor types are HAND-WRITTEN (openapi/vendors/hubspot/types.ts): HubSpot's own
 * OpenAPI documents are proprietary, so none is shipped or generated from.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createSingleFlightCache } from '../../../../shared/resilience/single-flight-cache.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  HS_BATCH_READ_MAX_INPUTS,
  HS_OBJECTS_PATH,
  HS_OBJECT_ID,
  HS_OWNERS_PATH,
  HS_RATE_LIMIT_HEADERS,
  HS_SEARCH_MAX_WINDOW,
  HubspotCompanySchema,
  HubspotCompanySearchResponseSchema,
  HubspotContactBatchResponseSchema,
  HubspotContactSchema,
  HubspotDealSchema,
  HubspotErrorSchema,
  HubspotOwnerSchema,
  type HubspotBatchReadRequest,
  type HubspotCompany,
  type HubspotContact,
  type HubspotDeal,
  type HubspotOwnerQuery,
  type HubspotReadQuery,
  type HubspotSearchRequest,
  type HubspotUpdateRequest,
} from '../../../../openapi/vendors/hubspot/types.js';
import { ContactSchema, CrmAccountSchema, OpportunitySchema, type CrmAccount, type CrmPort, type ExternalReferences, type Opportunity } from '../contract.js';
import type { HubspotConfig } from './config.js';
import { STAGE_TO_DEALSTAGE, fromCloseDate, minorToDecimal, pickPrimaryContact, toContact, toCrmAccount, toOpportunity } from './mapper.js';

export interface HubspotAdapterDeps {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The shared outbound budget (HUBSPOT_LIMITS); unlimited when absent. */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'crm';
const VENDOR = 'hubspot';

export const COMPANY_PROPERTIES = ['name', 'domain', 'website', 'industry', 'country', 'hubspot_owner_id', 'external_id', 'hs_lastmodifieddate'] as const;
export const CONTACT_PROPERTIES = ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'jobtitle', 'is_primary', 'createdate'] as const;
export const DEAL_PROPERTIES = ['dealname', 'dealstage', 'pipeline', 'amount', 'deal_currency_code', 'closedate', 'order_number', 'hs_lastmodifieddate'] as const;

/** Where each written-back reference lives: custom properties on the company, or on the deal. */
export const REFERENCE_PROPERTIES = {
  account: { erpCustomerId: 'erp_customer_id', billingCustomerId: 'billing_customer_id', supportOrganizationId: 'support_organization_id' },
  opportunity: { orderNumber: 'order_number' },
} as const satisfies Record<'account' | 'opportunity', Partial<Record<keyof ExternalReferences, string>>>;

/** Our external ids (the canonical customer id, e.g. `cus_01HZX3GLOBEX`): letters, digits, `_`, `-`, at most 64. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Name search: results per search page, and pages read at most (HubSpot search allows 5 requests per second). */
export const SEARCH_PAGE_SIZE = 100;
export const MAX_SEARCH_PAGES = 3;

/**
 * The leading word of a name prefix, as a HubSpot search token with a trailing wildcard. HubSpot
 * search has no prefix operator: `CONTAINS_TOKEN` matches whole words of the name and accepts `*`
 * wildcards, so `glob*` finds every company with a word starting "glob". The adapter then keeps the
 * names that start with the whole prefix. Only letters and digits reach the token, so no `*` or other
 * operator text from the input does. Undefined when the prefix has no letter or digit at all.
 */
export const nameSearchToken = (prefix: string): string | undefined => {
  const word = /[\p{L}\p{N}]+/u.exec(prefix)?.[0];
  return word ? `${word.toLowerCase()}*` : undefined;
};

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const unique = <T>(values: readonly T[]) => [...new Set(values)];

/**
 * The CRM port over HubSpot CRM v3: companies, contacts and deals by id (`GET
 * /crm/v3/objects/{type}/{id}?properties=…&associations=…`), an account by external id and accounts
 * by name prefix (`POST /crm/v3/objects/companies/search`), contacts in one batch read, owners' names
 * (`GET /crm/v3/owners/{id}`, cached), and updates with `PATCH /crm/v3/objects/{type}/{id}`.
 *
 * - Auth: the private app's token as `Authorization: Bearer` (it does not expire; nothing to refresh).
 * - Ids are numeric strings, matched (`^\d{1,20}$`) before they enter a URL: anything else is the
 *   matching `crm.*_not_found` without a vendor call (RELIABILITY.md B7). Search values travel in a
 *   JSON body, never concatenated into a query language.
 * - Writes are read-compare-write: the record is read, only properties whose value differs are
 *   PATCHed, and a PATCH is never retried blindly (`retry: false`, E2). Setting absolute values makes
 *   a caller's retry safe: it finds the values already there and sends nothing.
 * - Faults come back as `vendor.*`; HubSpot's `message` is never passed on or logged, only its
 *   `category`, detail codes and `correlationId`. The `X-HubSpot-RateLimit-*` headers are logged
 *   (debug; warn when under 10 % of the interval or 5 % of the day remains).
 *
 * @example const crm = createHubspotCrmAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createHubspotCrmAdapter = (config: HubspotConfig, deps: HubspotAdapterDeps): CrmPort => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({
    vendor: VENDOR,
    domain: DOMAIN,
    http,
    clock,
    ...(logger ? { logger } : {}),
    ...(deps.budget ? { budget: deps.budget } : {}),
    ...(config.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: config.attemptTimeoutMs } : {}),
    ...(config.retries !== undefined ? { retries: config.retries } : {}),
    ...(config.backoffMs !== undefined ? { backoffMs: config.backoffMs } : {}),
    ...(config.breaker ? { breaker: config.breaker } : {}),
  });
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };
  const owners = createSingleFlightCache<string | undefined>(clock, { ttlMs: config.ownerCacheTtlMs ?? 5 * 60_000, maxEntries: 1_000 });
  let lastLimitWarningAt = Number.NEGATIVE_INFINITY;

  const logLimits = (headers: HttpResponse['headers']) => {
    const read = (name: string) => {
      const v = headers[name];
      return v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
    };
    const remaining = read(HS_RATE_LIMIT_HEADERS.remaining);
    if (remaining === undefined) return;
    const limits = {
      vendor: VENDOR,
      remaining,
      max: read(HS_RATE_LIMIT_HEADERS.max),
      intervalMs: read(HS_RATE_LIMIT_HEADERS.intervalMs),
      dailyRemaining: read(HS_RATE_LIMIT_HEADERS.dailyRemaining),
      daily: read(HS_RATE_LIMIT_HEADERS.daily),
    };
    const low =
      (limits.max !== undefined && remaining <= limits.max * 0.1) ||
      (limits.daily !== undefined && limits.dailyRemaining !== undefined && limits.dailyRemaining <= limits.daily * 0.05);
    // At most one warning per rate-limit interval: a busy gateway must not flood its own logs.
    if (low && clock.now() - lastLimitWarningAt >= (limits.intervalMs ?? 10_000)) {
      lastLimitWarningAt = clock.now();
      logger?.warn(limits, 'hubspot rate limit nearly spent');
    } else {
      logger?.debug(limits, 'hubspot rate limit');
    }
  };

  const send = async (method: HttpMethod, path: string, body: unknown, retry: boolean, ctx: CallContext): Promise<Result<HttpResponse>> => {
    const sent = await caller.call(
      {
        method,
        path,
        headers: {
          authorization: `Bearer ${config.accessToken}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        retry,
      },
      ctx,
    );
    if (sent.ok) logLimits(sent.value.headers);
    return sent;
  };

  /** 2xx → the schema's value; 404 → `notFound` (where given); other 4xx → vendor faults, logged by category. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, schema: S, notFound?: ErrorCode): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status >= 200 && response.status < 300) return parseVendorJson(response, schema, meta);
    const error = parseVendorJson(response, HubspotErrorSchema, meta);
    if (!error.ok) return error;
    if (response.status === 404 && notFound) return fail(notFound);
    const { category, correlationId } = error.value;
    const codes = error.value.errors?.map((e) => e.code).filter((c): c is string => c !== undefined);
    const why = response.status === 401 ? 'hubspot refused the access token' : response.status === 403 ? 'hubspot access token lacks a scope' : 'hubspot refused the request';
    logger?.warn({ vendor: VENDOR, status: response.status, category, codes, correlationId }, why);
    return fail('vendor.error', { vendor: DOMAIN });
  };

  const objectPath = (type: 'companies' | 'contacts' | 'deals', id: string) => `${HS_OBJECTS_PATH}/${type}/${id}`;

  const readCompany = async (id: string, properties: readonly string[], associations: boolean, ctx: CallContext) => {
    const q = { properties: properties.join(','), ...(associations ? { associations: 'contacts' } : {}), archived: 'false' } satisfies HubspotReadQuery;
    return read(await send('GET', `${objectPath('companies', id)}?${query(q)}`, undefined, true, ctx), HubspotCompanySchema, 'crm.account_not_found');
  };

  const readDeal = async (id: string, properties: readonly string[], ctx: CallContext) => {
    const q = { properties: properties.join(','), associations: 'companies', archived: 'false' } satisfies HubspotReadQuery;
    return read(await send('GET', `${objectPath('deals', id)}?${query(q)}`, undefined, true, ctx), HubspotDealSchema, 'crm.opportunity_not_found');
  };

  const searchCompanies = async (body: HubspotSearchRequest, ctx: CallContext) =>
    // A search changes nothing: safe to send again.
    read(await send('POST', `${HS_OBJECTS_PATH}/companies/search`, body, true, ctx), HubspotCompanySearchResponseSchema);

  /** The company's associated contacts, in one batch read (the first 100 associations). */
  const associatedContacts = async (company: HubspotCompany, ctx: CallContext): Promise<Result<readonly HubspotContact[]>> => {
    const ids = unique((company.associations?.contacts?.results ?? []).map((a) => a.id)).slice(0, HS_BATCH_READ_MAX_INPUTS);
    if (ids.length === 0) return ok([]);
    const body = { properties: [...CONTACT_PROPERTIES], propertiesWithHistory: [], inputs: ids.map((id) => ({ id })) } satisfies HubspotBatchReadRequest;
    // A batch read is a read: safe to send again.
    const batch = read(await send('POST', `${HS_OBJECTS_PATH}/contacts/batch/read`, body, true, ctx), HubspotContactBatchResponseSchema);
    if (!batch.ok) return batch;
    // 207: some associated contacts could not be read (deleted since); the others still count.
    if (batch.value.numErrors) logger?.debug({ vendor: VENDOR, unreadContacts: batch.value.numErrors }, 'hubspot batch read missed some contacts');
    return ok(batch.value.results);
  };

  /** The owner's full name, cached; an owner HubSpot no longer knows (deactivated user) has none. */
  const ownerName = (ownerId: string | null | undefined, ctx: CallContext): Promise<Result<string | undefined>> => {
    if (!ownerId || !HS_OBJECT_ID.test(ownerId)) return Promise.resolve(ok(undefined));
    return owners.get(ownerId, async () => {
      const q = { idProperty: 'id', archived: 'false' } satisfies HubspotOwnerQuery;
      const sent = await send('GET', `${HS_OWNERS_PATH}/${ownerId}?${query(q)}`, undefined, true, ctx);
      if (sent.ok && sent.value.status === 404) return ok(undefined);
      const owner = read(sent, HubspotOwnerSchema);
      if (!owner.ok) return owner;
      const name = [owner.value.firstName, owner.value.lastName].filter((p) => p && p.trim() !== '').join(' ');
      return ok(name || undefined);
    });
  };

  /** The mapped record must meet the contract's own limits, or it is an invalid vendor response. */
  const finish = <S extends z.ZodType>(schema: S, value: unknown, what: string): Result<z.output<S>> => {
    const checked = schema.safeParse(value);
    if (checked.success) return ok(checked.data);
    logger?.warn({ vendor: VENDOR, paths: checked.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, `hubspot ${what} does not fit the CRM contract`);
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };

  const account = async (company: HubspotCompany, ctx: CallContext): Promise<Result<CrmAccount>> => {
    // Both depend only on the company: one round trip instead of two.
    const [contacts, owner] = await Promise.all([associatedContacts(company, ctx), ownerName(company.properties.hubspot_owner_id, ctx)]);
    if (!contacts.ok) return contacts;
    if (!owner.ok) return owner;
    return finish(CrmAccountSchema, toCrmAccount(company, pickPrimaryContact(contacts.value), owner.value), 'company');
  };

  const opportunity = (deal: HubspotDeal): Result<Opportunity> => {
    const mapped = toOpportunity(deal, config.defaultCurrency);
    if (!mapped.ok) {
      logger?.warn({ vendor: VENDOR, reason: mapped.reason }, 'hubspot deal cannot be mapped to an opportunity');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return finish(OpportunitySchema, mapped.value, 'deal');
  };

  /** PATCHes only what differs; never retried blindly (E2). */
  const patch = async <S extends z.ZodType>(path: string, properties: Record<string, string>, schema: S, notFound: ErrorCode, ctx: CallContext) =>
    read(await send('PATCH', path, { properties } satisfies HubspotUpdateRequest, false, ctx), schema, notFound);

  return {
    async getAccount(accountId, ctx) {
      if (!HS_OBJECT_ID.test(accountId)) return fail('crm.account_not_found');
      const company = await readCompany(accountId, COMPANY_PROPERTIES, true, ctx);
      return company.ok ? account(company.value, ctx) : company;
    },

    async findAccountByExternalId(externalId, ctx) {
      if (!EXTERNAL_ID_PATTERN.test(externalId)) return fail('crm.account_not_found');
      const found = await searchCompanies(
        { filterGroups: [{ filters: [{ propertyName: 'external_id', operator: 'EQ', value: externalId }] }], properties: ['external_id'], limit: 2 },
        ctx,
      );
      if (!found.ok) return found;
      const [match, ...others] = found.value.results;
      if (!match) return fail('crm.account_not_found');
      if (others.length > 0 || found.value.total > 1) {
        logger?.warn({ vendor: VENDOR, matches: found.value.total }, 'external id matches several hubspot companies');
        return fail('vendor.error', { vendor: DOMAIN });
      }
      // Search results carry no associations: read the company itself (also fresher than the index).
      const company = await readCompany(match.id, COMPANY_PROPERTIES, true, ctx);
      return company.ok ? account(company.value, ctx) : company;
    },

    async searchAccounts(search, ctx) {
      const prefix = search.name.toLowerCase();
      const token = nameSearchToken(search.name);
      if (!token || search.limit < 1) return ok([]);
      const matches: HubspotCompany[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_SEARCH_PAGES && matches.length < search.limit; page++) {
        const found = await searchCompanies(
          {
            filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: token }] }],
            sorts: [{ propertyName: 'name', direction: 'ASCENDING' }],
            properties: [...COMPANY_PROPERTIES],
            limit: SEARCH_PAGE_SIZE,
            ...(after ? { after } : {}),
          },
          ctx,
        );
        if (!found.ok) return found;
        matches.push(...found.value.results.filter((c) => (c.properties.name ?? '').toLowerCase().startsWith(prefix)));
        after = found.value.paging?.next?.after;
        if (!after || Number(after) + SEARCH_PAGE_SIZE > HS_SEARCH_MAX_WINDOW) break;
      }
      const chosen = matches
        .sort((a, b) => {
          const x = (a.properties.name ?? '').toLowerCase();
          const y = (b.properties.name ?? '').toLowerCase();
          return x < y ? -1 : x > y ? 1 : 0;
        })
        .slice(0, search.limit);
      // Owners are few and cached: their names cost at most one read each. No primary contact in lists.
      const names = await Promise.all(chosen.map((c) => ownerName(c.properties.hubspot_owner_id, ctx)));
      const accounts: CrmAccount[] = [];
      for (const [i, company] of chosen.entries()) {
        const owner = names[i]!;
        if (!owner.ok) return owner;
        const mapped = finish(CrmAccountSchema, toCrmAccount(company, undefined, owner.value), 'company');
        if (!mapped.ok) return mapped;
        accounts.push(mapped.value);
      }
      return ok(accounts);
    },

    async getContact(contactId, ctx) {
      if (!HS_OBJECT_ID.test(contactId)) return fail('crm.contact_not_found');
      const q = { properties: CONTACT_PROPERTIES.join(','), archived: 'false' } satisfies HubspotReadQuery;
      const contact = read(await send('GET', `${objectPath('contacts', contactId)}?${query(q)}`, undefined, true, ctx), HubspotContactSchema, 'crm.contact_not_found');
      return contact.ok ? finish(ContactSchema, toContact(contact.value), 'contact') : contact;
    },

    async getOpportunity(opportunityId, ctx) {
      if (!HS_OBJECT_ID.test(opportunityId)) return fail('crm.opportunity_not_found');
      const deal = await readDeal(opportunityId, DEAL_PROPERTIES, ctx);
      return deal.ok ? opportunity(deal.value) : deal;
    },

    async updateOpportunity(opportunityId, changes, ctx) {
      if (!HS_OBJECT_ID.test(opportunityId)) return fail('crm.opportunity_not_found');
      const deal = await readDeal(opportunityId, DEAL_PROPERTIES, ctx);
      if (!deal.ok) return deal;
      const current = opportunity(deal.value);
      if (!current.ok) return current;
      const properties: Record<string, string> = {};
      // A stage is only written when the canonical stage changes: `negotiation` stays `contractsent`.
      if (changes.stage && changes.stage !== current.value.stage) properties.dealstage = STAGE_TO_DEALSTAGE[changes.stage];
      if (changes.amount && (changes.amount.amountMinor !== current.value.amount?.amountMinor || changes.amount.currency !== current.value.amount.currency)) {
        properties.amount = minorToDecimal(changes.amount.amountMinor, changes.amount.currency);
        if (deal.value.properties.deal_currency_code !== changes.amount.currency) properties.deal_currency_code = changes.amount.currency;
      }
      if (changes.closeDate && changes.closeDate !== current.value.closeDate) properties.closedate = fromCloseDate(changes.closeDate);
      if (Object.keys(properties).length === 0) return current;
      const patched = await patch(objectPath('deals', opportunityId), properties, HubspotDealSchema, 'crm.opportunity_not_found', ctx);
      if (!patched.ok) return patched;
      // The PATCH answer carries no associations and maybe not every property: lay it over what was read.
      return opportunity({ ...deal.value, properties: { ...deal.value.properties, ...definedOnly(patched.value.properties) }, updatedAt: patched.value.updatedAt });
    },

    async writeBackReferences(target, references, ctx) {
      const names: Partial<Record<keyof ExternalReferences, string>> = REFERENCE_PROPERTIES[target.kind];
      const wanted: Record<string, string> = {};
      for (const [key, value] of Object.entries(references) as [keyof ExternalReferences, string | undefined][]) {
        if (value === undefined) continue;
        const property = names[key];
        // e.g. an order number onto a company: HubSpot has no place for it there.
        if (!property) return fail('http.validation');
        wanted[property] = value;
      }
      const notFound = target.kind === 'account' ? 'crm.account_not_found' : 'crm.opportunity_not_found';
      if (!HS_OBJECT_ID.test(target.id)) return fail(notFound);
      if (Object.keys(wanted).length === 0) return ok(undefined);
      const record =
        target.kind === 'account' ? await readCompany(target.id, Object.keys(wanted), false, ctx) : await readDeal(target.id, Object.keys(wanted), ctx);
      if (!record.ok) return record;
      const current = record.value.properties as Record<string, string | null | undefined>;
      const changed = Object.fromEntries(Object.entries(wanted).filter(([property, value]) => current[property] !== value));
      if (Object.keys(changed).length === 0) return ok(undefined);
      const path = objectPath(target.kind === 'account' ? 'companies' : 'deals', target.id);
      const written = await patch(path, changed, target.kind === 'account' ? HubspotCompanySchema : HubspotDealSchema, notFound, ctx);
      return written.ok ? ok(undefined) : written;
    },
  };
};

const definedOnly = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
