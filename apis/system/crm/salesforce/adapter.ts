import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpMethod, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  SalesforceAccountContactQueryResultSchema,
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceContactSchema,
  SalesforceErrorsSchema,
  SalesforceOpportunitySchema,
} from '../../../../openapi/vendors/salesforce/schemas.js';
import type {
  SalesforceAccount,
  SalesforceAccountReferencesUpdate,
  SalesforceContact,
  SalesforceOpportunity,
  SalesforceOpportunityReferencesUpdate,
  SalesforceOpportunityUpdate,
  SalesforceQueryParams,
  SalesforceSObjectRowsQuery,
} from '../../../../openapi/vendors/salesforce/types.js';
import { ContactSchema, CrmAccountSchema, OpportunitySchema, type CrmAccount, type CrmPort, type Opportunity } from '../contract.js';
import type { SalesforceConfig } from './config.js';
import { toAccountReferences, toContact, toCrmAccount, toOpportunity, toOpportunityReferences, toOpportunityUpdate } from './mapper.js';
import { createSalesforceSessions } from './oauth-session.js';
import {
  ACCOUNT_FIELDS,
  CONTACT_FIELDS,
  EXTERNAL_ID_PATTERN,
  OPPORTUNITY_FIELDS,
  accountByExternalIdSoql,
  accountSearchSoql,
  isRecordId,
  primaryContactSoql,
  primaryContactsSoql,
} from './soql.js';

export interface SalesforceAdapterDeps {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The outbound budget shared by every gateway process (limits: SALESFORCE_LIMITS); unlimited when absent. */
  readonly budget?: OutboundBudget;
}

const DOMAIN = 'crm';
const VENDOR = 'salesforce';
/** Salesforce answers a missing record with 404 `NOT_FOUND`, a deleted one (in the recycle bin) with 404 `ENTITY_IS_DELETED`. */
const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED']);

type SObject = 'Account' | 'Contact' | 'Opportunity';

/**
 * The CRM port over Salesforce's REST API (wire format from Salesforce's Postman collection; types in
 * openapi/vendors/salesforce, derived from it):
 *
 * - accounts by id (`GET sobjects/Account/{id}?fields=…`), by external id (SOQL on `External_Id__c`)
 *   and by name prefix (SOQL `Name LIKE 'x%' ORDER BY Name LIMIT n`), each with its primary contact
 *   (SOQL on the custom checkbox `Is_Primary__c`; the search fetches all of them in one `IN` query);
 * - contacts (`GET sobjects/Contact/{id}`) and opportunities (`GET sobjects/Opportunity/{id}`), the
 *   stage mapped by the table in stages.ts;
 * - `updateOpportunity`: read, `PATCH sobjects/Opportunity/{id}` with only the fields that change
 *   (204), read back; `writeBackReferences`: `PATCH` of the custom reference fields on the Account
 *   (`ERP_Customer_Id__c`, `Billing_Customer_Id__c`, `Support_Organization_Id__c`) or the Opportunity
 *   (`Order_Number__c`).
 *
 * Find-by-external-id uses SOQL rather than the `sobjects/Account/External_Id__c/{value}` path: a
 * duplicated value answers that path with `300 Multiple Choices`, which the vendor caller (rightly)
 * treats as a redirect it will not follow, whereas `LIMIT 2` lets us see the ambiguity and say so.
 *
 * Retries: every call is `retry: true`. GETs are safe; a PATCH sets fields to given values, so sending
 * it again after a timeout leaves the record as one PATCH would (idempotent, RELIABILITY.md E2) — there
 * is no create anywhere in this adapter, hence no duplicate to fear.
 *
 * Ids that cannot exist (wrong pattern, or another object's key prefix: 001 Account, 003 Contact, 006
 * Opportunity) are `crm.*_not_found` without a vendor call (RELIABILITY.md B7); SOQL literals are
 * escaped (soql.ts). Vendor faults come back as the shared `vendor.*` codes; `REQUEST_LIMIT_EXCEEDED`
 * (Salesforce's 403 for a spent org allocation) is `vendor.rate_limited` and pauses all calls for
 * `requestLimitPauseMs` (E4). Vendor messages are never passed on; only error codes, field API names
 * and `Sforce-Limit-Info` usage numbers are logged.
 *
 * @example const crm = createSalesforceCrmAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createSalesforceCrmAdapter = (config: SalesforceConfig, deps: SalesforceAdapterDeps): CrmPort => {
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
  const sessions = createSalesforceSessions({ caller, config, clock, ...(logger ? { logger } : {}) });
  const dataPath = `/services/data/${config.apiVersion}`;
  const fieldsQuery = (fields: readonly string[]) => new URLSearchParams({ fields: fields.join(',') } satisfies SalesforceSObjectRowsQuery).toString();
  const rowPath = (object: SObject, id: string) => `${dataPath}/sobjects/${object}/${id}`;
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };

  const logUsage = (header: string | undefined) => {
    const m = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
    if (!m) return;
    const used = Number(m[1]);
    const max = Number(m[2]);
    if (max > 0 && used / max >= 0.9) logger?.warn({ vendor: VENDOR, apiUsed: used, apiMax: max }, 'salesforce API allocation nearly spent');
    else logger?.debug({ vendor: VENDOR, apiUsed: used, apiMax: max }, 'salesforce API usage');
  };

  /** One call with the current session; a 401 refreshes the session once and sends the call again. */
  const send = async (method: HttpMethod, path: string, ctx: CallContext, body?: object): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await sessions.token(ctx);
      if (!token.ok) return token;
      const headers: Record<string, string> = { authorization: `Bearer ${token.value}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      // retry: GETs are safe and every PATCH here is idempotent (see above).
      const sent = await caller.call({ method, path, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), retry: true }, ctx);
      if (!sent.ok) return sent;
      logUsage(sent.value.headers['sforce-limit-info']);
      if (sent.value.status !== 401 || attempt > 0) return sent;
      sessions.invalidate(token.value);
    }
  };

  /** A non-2xx answer: 404 → `notFound` (when given); `REQUEST_LIMIT_EXCEEDED` → rate limited and paused; else vendor.error. */
  const refused = (response: HttpResponse, notFound: ErrorCode | undefined): Result<never> => {
    const errors = parseVendorJson(response, SalesforceErrorsSchema, meta);
    if (!errors.ok) return errors;
    const { errorCode, fields } = errors.value[0]!;
    if (response.status === 404 && notFound && NOT_FOUND_CODES.has(errorCode)) return fail(notFound);
    if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
      caller.breaker.pause(config.requestLimitPauseMs);
      logger?.warn({ vendor: VENDOR, status: response.status, errorCode }, 'salesforce request limit exceeded; pausing calls');
      return fail('vendor.rate_limited', { vendor: DOMAIN, retryable: true, retryAfterSeconds: Math.ceil(config.requestLimitPauseMs / 1000) });
    }
    // Field API names (e.g. a picklist or a missing custom field) are org configuration, not data: safe to log.
    logger?.warn({ vendor: VENDOR, status: response.status, errorCode, ...(fields ? { fields: fields.slice(0, 5) } : {}) }, 'salesforce refused the request');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** 2xx → the schema's value; anything else → `refused`. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, schema: S, notFound?: ErrorCode): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status >= 200 && response.status < 300) return parseVendorJson(response, schema, meta);
    return refused(response, notFound);
  };

  const getRow = <S extends z.ZodType>(object: SObject, id: string, fields: readonly string[], schema: S, notFound: ErrorCode, ctx: CallContext) =>
    send('GET', `${rowPath(object, id)}?${fieldsQuery(fields)}`, ctx).then((sent) => read(sent, schema, notFound));

  /** `PATCH sobjects/{object}/{id}`: 204 No Content is success. */
  const patchRow = async (object: SObject, id: string, body: object, notFound: ErrorCode, ctx: CallContext): Promise<Result<void>> => {
    const sent = await send('PATCH', rowPath(object, id), ctx, body);
    if (!sent.ok) return sent;
    if (sent.value.status === 204) return ok(undefined);
    // An update by record id answers 204 No Content and nothing else; a 200 (e.g. an HTML page from a
    // proxy) is not proof that the record changed.
    if (sent.value.status >= 200 && sent.value.status < 300) {
      logger?.warn({ vendor: VENDOR, status: sent.value.status }, 'salesforce answered an update with an unexpected status');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return refused(sent.value, notFound);
  };

  const query = <S extends z.ZodType>(soql: string, schema: S, ctx: CallContext) =>
    send('GET', `${dataPath}/query?${new URLSearchParams({ q: soql } satisfies SalesforceQueryParams).toString()}`, ctx).then((sent) => read(sent, schema));

  const primaryContact = async (accountId: string, ctx: CallContext): Promise<Result<SalesforceContact | undefined>> => {
    const result = await query(primaryContactSoql(accountId), SalesforceContactQueryResultSchema, ctx);
    return result.ok ? ok(result.value.records[0]) : result;
  };

  /** The mapped record must meet the contract's own limits, or it is an invalid vendor response. */
  const checked = <S extends z.ZodType>(schema: S, candidate: unknown, what: string): Result<z.output<S>> => {
    const result = schema.safeParse(candidate);
    if (result.success) return ok(result.data);
    logger?.warn({ vendor: VENDOR, paths: result.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, `salesforce ${what} does not fit the CRM contract`);
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };
  const finishAccount = (account: SalesforceAccount, contact: SalesforceContact | undefined): Result<CrmAccount> =>
    checked(CrmAccountSchema, toCrmAccount(account, contact), 'account');
  const finishOpportunity = (opportunity: SalesforceOpportunity): Result<Opportunity> => checked(OpportunitySchema, toOpportunity(opportunity), 'opportunity');

  const readOpportunity = (opportunityId: string, ctx: CallContext) =>
    getRow('Opportunity', opportunityId, OPPORTUNITY_FIELDS, SalesforceOpportunitySchema, 'crm.opportunity_not_found', ctx);

  return {
    async getAccount(accountId, ctx) {
      if (!isRecordId('Account', accountId)) return fail('crm.account_not_found');
      // Both reads depend only on the id, so they run side by side: one round trip instead of two.
      const [account, contact] = await Promise.all([
        getRow('Account', accountId, ACCOUNT_FIELDS, SalesforceAccountSchema, 'crm.account_not_found', ctx),
        primaryContact(accountId, ctx),
      ]);
      if (!account.ok) return account;
      if (!contact.ok) return contact;
      return finishAccount(account.value, contact.value);
    },

    async findAccountByExternalId(externalId, ctx) {
      if (!EXTERNAL_ID_PATTERN.test(externalId)) return fail('crm.account_not_found');
      const found = await query(accountByExternalIdSoql(externalId), SalesforceAccountQueryResultSchema, ctx);
      if (!found.ok) return found;
      const [account, ...others] = found.value.records;
      if (!account) return fail('crm.account_not_found');
      if (others.length > 0 || found.value.totalSize > 1) {
        logger?.warn({ vendor: VENDOR, matches: found.value.totalSize }, 'external id matches several salesforce accounts');
        return fail('vendor.error', { vendor: DOMAIN });
      }
      const contact = await primaryContact(account.Id, ctx);
      if (!contact.ok) return contact;
      return finishAccount(account, contact.value);
    },

    async searchAccounts({ name, limit }, ctx) {
      // Two calls whatever the page size: the accounts, then all their primary contacts at once.
      const found = await query(accountSearchSoql(name, limit), SalesforceAccountQueryResultSchema, ctx);
      if (!found.ok) return found;
      const accounts = found.value.records.slice(0, limit);
      if (accounts.length === 0) return ok([]);
      const contacts = await query(primaryContactsSoql(accounts.map((a) => a.Id)), SalesforceAccountContactQueryResultSchema, ctx);
      if (!contacts.ok) return contacts;
      const primaryOf = new Map<string, SalesforceContact>();
      for (const contact of contacts.value.records) if (!primaryOf.has(contact.AccountId)) primaryOf.set(contact.AccountId, contact);
      const out: CrmAccount[] = [];
      for (const account of accounts) {
        const mapped = finishAccount(account, primaryOf.get(account.Id));
        if (!mapped.ok) return mapped;
        out.push(mapped.value);
      }
      return ok(out);
    },

    async getContact(contactId, ctx) {
      if (!isRecordId('Contact', contactId)) return fail('crm.contact_not_found');
      const contact = await getRow('Contact', contactId, CONTACT_FIELDS, SalesforceContactSchema, 'crm.contact_not_found', ctx);
      if (!contact.ok) return contact;
      return checked(ContactSchema, toContact(contact.value), 'contact');
    },

    async getOpportunity(opportunityId, ctx) {
      if (!isRecordId('Opportunity', opportunityId)) return fail('crm.opportunity_not_found');
      const opportunity = await readOpportunity(opportunityId, ctx);
      return opportunity.ok ? finishOpportunity(opportunity.value) : opportunity;
    },

    async updateOpportunity(opportunityId, patch, ctx) {
      if (!isRecordId('Opportunity', opportunityId)) return fail('crm.opportunity_not_found');
      // Read first: only what changes is sent, and a stage the opportunity already is in (in
      // Salesforce's finer terms) is left alone. Asking twice sends nothing the second time.
      const current = await readOpportunity(opportunityId, ctx);
      if (!current.ok) return current;
      const update: SalesforceOpportunityUpdate = toOpportunityUpdate(patch, current.value);
      if (Object.keys(update).length === 0) return finishOpportunity(current.value);
      const patched = await patchRow('Opportunity', current.value.Id, update, 'crm.opportunity_not_found', ctx);
      if (!patched.ok) return patched;
      // Read back: the answer is the opportunity as Salesforce now holds it (triggers and flows included).
      const after = await readOpportunity(current.value.Id, ctx);
      return after.ok ? finishOpportunity(after.value) : after;
    },

    async writeBackReferences(target, references, ctx) {
      const { kind, id } = target;
      const misplaced = kind === 'account' ? (references.orderNumber !== undefined ? ['orderNumber'] : []) : Object.keys(references).filter((k) => k !== 'orderNumber');
      // A reference that belongs on the other record is a caller's bug (the routes refuse it with 422), never silently dropped.
      if (misplaced.length > 0) throw new RangeError(`references ${misplaced.join(', ')} cannot be written onto an ${kind}`);
      if (kind === 'account') {
        if (!isRecordId('Account', id)) return fail('crm.account_not_found');
        const body: SalesforceAccountReferencesUpdate = toAccountReferences(references);
        return patchRow('Account', id, body, 'crm.account_not_found', ctx);
      }
      if (!isRecordId('Opportunity', id)) return fail('crm.opportunity_not_found');
      const body: SalesforceOpportunityReferencesUpdate = toOpportunityReferences(references);
      return patchRow('Opportunity', id, body, 'crm.opportunity_not_found', ctx);
    },
  };
};
