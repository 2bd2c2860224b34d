import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceErrorsSchema,
} from '../../../../openapi/vendors/salesforce/schemas.js';
import type { SalesforceAccount, SalesforceContact, SalesforceQueryParams, SalesforceSObjectRowsQuery } from '../../../../openapi/vendors/salesforce/types.js';
import { CrmAccountSchema, type CrmAccount, type CrmPort } from '../contract.js';
import type { SalesforceConfig } from './config.js';
import { toCrmAccount } from './mapper.js';
import { createSalesforceSessions } from './oauth-session.js';
import { ACCOUNT_FIELDS, EXTERNAL_ID_PATTERN, accountByExternalIdSoql, isAccountId, primaryContactSoql } from './soql.js';

export interface SalesforceAdapterDeps {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
}

const DOMAIN = 'crm';
const VENDOR = 'salesforce';

/**
 * The CRM port over Salesforce's REST API: an account by id (`GET sobjects/Account/{id}?fields=…`) or
 * by external id (SOQL on `External_Id__c`), each with its primary contact (SOQL on `Is_Primary__c`).
 *
 * Find-by-external-id uses SOQL rather than the `sobjects/Account/External_Id__c/{value}` path: a
 * duplicated value answers that path with `300 Multiple Choices`, which the vendor caller (rightly)
 * treats as a redirect it will not follow, whereas `LIMIT 2` lets us see the ambiguity and say so; and
 * the query selects exactly the fields we map. The value is pattern-checked and SOQL-escaped first.
 *
 * Ids and external ids that cannot exist (wrong pattern, not an Account key prefix) are
 * `crm.account_not_found` without a vendor call (RELIABILITY.md B7). Vendor faults come back as the
 * shared `vendor.*` codes; `REQUEST_LIMIT_EXCEEDED` (Salesforce's 403 for a spent org allocation)
 * is `vendor.rate_limited` and pauses all calls for `requestLimitPauseMs` (E4). Vendor messages are
 * never passed on; only error codes and `Sforce-Limit-Info` usage numbers are logged.
 *
 * @example const crm = createSalesforceCrmAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger })
 */
export const createSalesforceCrmAdapter = (config: SalesforceConfig, deps: SalesforceAdapterDeps): CrmPort => {
  const { http, clock, logger } = deps;
  const caller = createVendorCaller({
    vendor: VENDOR,
    domain: DOMAIN,
    http,
    clock,
    ...(logger ? { logger } : {}),
    ...(config.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: config.attemptTimeoutMs } : {}),
    ...(config.retries !== undefined ? { retries: config.retries } : {}),
    ...(config.backoffMs !== undefined ? { backoffMs: config.backoffMs } : {}),
    ...(config.breaker ? { breaker: config.breaker } : {}),
  });
  const sessions = createSalesforceSessions({ caller, config, clock, ...(logger ? { logger } : {}) });
  const dataPath = `/services/data/${config.apiVersion}`;
  const accountFields = new URLSearchParams({ fields: ACCOUNT_FIELDS.join(',') } satisfies SalesforceSObjectRowsQuery).toString();
  const meta = { domain: DOMAIN, vendor: VENDOR, ...(logger ? { logger } : {}) };

  const logUsage = (header: string | undefined) => {
    const m = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
    if (!m) return;
    const used = Number(m[1]);
    const max = Number(m[2]);
    if (max > 0 && used / max >= 0.9) logger?.warn({ vendor: VENDOR, apiUsed: used, apiMax: max }, 'salesforce API allocation nearly spent');
    else logger?.debug({ vendor: VENDOR, apiUsed: used, apiMax: max }, 'salesforce API usage');
  };

  /** A GET with the current session; a 401 refreshes the session once and sends the call again. */
  const get = async (path: string, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await sessions.token(ctx);
      if (!token.ok) return token;
      const sent = await caller.call({ method: 'GET', path, headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' }, retry: true }, ctx);
      if (!sent.ok) return sent;
      logUsage(sent.value.headers['sforce-limit-info']);
      if (sent.value.status !== 401 || attempt > 0) return sent;
      sessions.invalidate(token.value);
    }
  };

  /** 2xx → the schema's value; 404 `NOT_FOUND` → not found (where the caller says so); other 4xx → vendor faults. */
  const read = <S extends z.ZodType>(sent: Result<HttpResponse>, schema: S, notFoundIs404: boolean): Result<z.output<S>> => {
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status >= 200 && response.status < 300) return parseVendorJson(response, schema, meta);
    const errors = parseVendorJson(response, SalesforceErrorsSchema, meta);
    if (!errors.ok) return errors;
    const errorCode = errors.value[0]!.errorCode;
    if (response.status === 404 && notFoundIs404 && errorCode === 'NOT_FOUND') return fail('crm.account_not_found');
    if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
      caller.breaker.pause(config.requestLimitPauseMs);
      logger?.warn({ vendor: VENDOR, status: response.status, errorCode }, 'salesforce request limit exceeded; pausing calls');
      return fail('vendor.rate_limited', { vendor: DOMAIN, retryable: true, retryAfterSeconds: Math.ceil(config.requestLimitPauseMs / 1000) });
    }
    logger?.warn({ vendor: VENDOR, status: response.status, errorCode }, 'salesforce refused the request');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  const query = <S extends z.ZodType>(soql: string, schema: S, ctx: CallContext) =>
    get(`${dataPath}/query?${new URLSearchParams({ q: soql } satisfies SalesforceQueryParams).toString()}`, ctx).then((sent) => read(sent, schema, false));

  const primaryContact = async (accountId: string, ctx: CallContext): Promise<Result<SalesforceContact | undefined>> => {
    const result = await query(primaryContactSoql(accountId), SalesforceContactQueryResultSchema, ctx);
    return result.ok ? ok(result.value.records[0]) : result;
  };

  /** The mapped account must meet the contract's own limits, or it is an invalid vendor response. */
  const finish = (account: SalesforceAccount, contact: SalesforceContact | undefined): Result<CrmAccount> => {
    const checked = CrmAccountSchema.safeParse(toCrmAccount(account, contact));
    if (checked.success) return ok(checked.data);
    logger?.warn({ vendor: VENDOR, paths: checked.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, 'salesforce account does not fit the CRM contract');
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };

  return {
    async getAccount(accountId, ctx) {
      if (!isAccountId(accountId)) return fail('crm.account_not_found');
      // Both reads depend only on the id, so they run side by side: one round trip instead of two.
      const [account, contact] = await Promise.all([
        get(`${dataPath}/sobjects/Account/${accountId}?${accountFields}`, ctx).then((sent) => read(sent, SalesforceAccountSchema, true)),
        primaryContact(accountId, ctx),
      ]);
      if (!account.ok) return account;
      if (!contact.ok) return contact;
      return finish(account.value, contact.value);
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
      return finish(account, contact.value);
    },
  };
};
