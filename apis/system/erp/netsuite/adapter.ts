import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import {
  NS_CUSTOMER_PATH,
  NS_INTERNAL_ID,
  NS_SUITEQL_PATH,
  NsCustomerSchema,
  NsErrorSchema,
  NsOpenInvoicePageSchema,
  NsRecordIdSchema,
} from '../../../../openapi/vendors/netsuite/types.js';
import { MAX_INVOICE_PAGE, type ErpPort } from '../contract.js';
import type { NetsuiteConfig } from './config.js';
import { DEFAULT_CREDIT_HOLD_GRACE_DAYS, toCreditProfile, toErpCustomer, toInvoice } from './mapper.js';
import { createNetsuiteTokenProvider } from './token-provider.js';

export interface NetsuiteAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/**
 * Strata's open-invoice SuiteQL query. Dates are formatted in the query so they do not depend on the
 * account's date preference; the currency's ISO code comes from the joined currency record. The id is
 * checked again here, because this string is interpolated into a query (RELIABILITY.md B7).
 */
export const openInvoicesQuery = (customerId: string): string => {
  if (!NS_INTERNAL_ID.test(customerId)) throw new Error('openInvoicesQuery: customer id must be a NetSuite internal id');
  return [
    'SELECT t.id, t.tranid,',
    "TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate,",
    't.foreigntotal, t.foreignamountunpaid, cur.symbol AS currency',
    'FROM transaction t INNER JOIN currency cur ON cur.id = t.currency',
    `WHERE t.type = 'CustInvc' AND t.entity = ${customerId} AND t.foreignamountunpaid > 0`,
    'ORDER BY t.duedate ASC, t.id ASC',
  ].join(' ');
};

/**
 * The ERP port over NetSuite's REST web services: record v1 for the customer and its credit figures,
 * SuiteQL for open invoices. Every call goes through the vendor caller (deadline, retries, breaker,
 * Retry-After); every body is validated against the hand-written vendor schemas; `mapper.ts` turns
 * them into the canonical model. Ids that are not NetSuite internal ids never reach the vendor.
 *
 * @example
 * const erp = createNetsuiteErpAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger })
 */
export const createNetsuiteErpAdapter = (config: NetsuiteConfig, deps: NetsuiteAdapterDeps): ErpPort => {
  const { http, clock, logger } = deps;
  const graceDays = config.creditHoldGraceDays ?? DEFAULT_CREDIT_HOLD_GRACE_DAYS;
  const caller = createVendorCaller({ vendor: 'netsuite', domain: 'erp', http, clock, ...(logger ? { logger } : {}), ...config.resilience });
  const tokens = createNetsuiteTokenProvider(config, { caller, clock, ...(logger ? { logger } : {}) });
  const meta = { domain: 'erp', vendor: 'netsuite', ...(logger ? { logger } : {}) };
  const notFound = () => fail('erp.customer_not_found');

  /** A record or query call with the bearer token; on a 401, one fresh token and one more try. */
  const authorized = async (call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(ctx);
      if (!token.ok) return token;
      const sent = await caller.call({ ...call, headers: { accept: 'application/json', ...call.headers, authorization: `Bearer ${token.value}` } }, ctx);
      if (!sent.ok || sent.value.status !== 401 || attempt > 0) return sent;
      tokens.invalidate(token.value);
    }
  };

  /** Any status we do not expect: logged with NetSuite's error code only, answered as `vendor.error`. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    logger?.warn({ vendor: 'netsuite', status: response.status, errorCode: nsErrorCode(response.body), traceId: ctx.trace.traceId }, 'unexpected netsuite response');
    return fail('vendor.error', { vendor: 'erp' });
  };

  const readRecord = <S extends z.ZodType>(response: HttpResponse, schema: S, ctx: CallContext): Result<z.output<S>> => {
    if (response.status === 404) return notFound();
    if (response.status !== 200) return unexpected(response, ctx);
    return parseVendorJson(response, schema, meta);
  };

  const getCustomerRecord = async (customerId: string, query: string, ctx: CallContext) => {
    if (!NS_INTERNAL_ID.test(customerId)) return notFound();
    const sent = await authorized({ method: 'GET', path: `${NS_CUSTOMER_PATH}/${customerId}${query}`, retry: true }, ctx);
    return sent.ok ? readRecord(sent.value, NsCustomerSchema, ctx) : sent;
  };

  return {
    async getCustomer(customerId, ctx) {
      // The address book is a sublist: only expanded on request.
      const record = await getCustomerRecord(customerId, '?expandSubResources=true', ctx);
      return record.ok ? toErpCustomer(record.value) : record;
    },

    async getCreditProfile(customerId, ctx) {
      const record = await getCustomerRecord(customerId, '', ctx);
      return record.ok ? toCreditProfile(record.value, { now: clock.now(), graceDays }) : record;
    },

    async listOpenInvoices(customerId, options, ctx) {
      if (!NS_INTERNAL_ID.test(customerId)) return notFound();
      // The route already bounds it; clamped again so no caller can ask NetSuite for an unbounded page (B6).
      const limit = Number.isInteger(options.limit) ? Math.min(Math.max(options.limit, 1), MAX_INVOICE_PAGE) : MAX_INVOICE_PAGE;
      const sent = await authorized(
        {
          method: 'POST',
          path: `${NS_SUITEQL_PATH}?limit=${limit}&offset=0`,
          headers: { prefer: 'transient', 'content-type': 'application/json' },
          body: JSON.stringify({ q: openInvoicesQuery(customerId) }),
          retry: true, // a POST, but a read
        },
        ctx,
      );
      if (!sent.ok) return sent;
      if (sent.value.status !== 200) return unexpected(sent.value, ctx);
      const page = parseVendorJson(sent.value, NsOpenInvoicePageSchema, meta);
      if (!page.ok) return page;
      if (page.value.items.length === 0) {
        // SuiteQL finds no rows for an unknown customer too: tell "no invoices" from "no customer".
        const probe = await authorized({ method: 'GET', path: `${NS_CUSTOMER_PATH}/${customerId}?fields=id`, retry: true }, ctx);
        if (!probe.ok) return probe;
        const exists = readRecord(probe.value, NsRecordIdSchema, ctx);
        if (!exists.ok) return exists;
      }
      const now = clock.now();
      return ok(page.value.items.slice(0, limit).map((row) => toInvoice(row, now)));
    },
  };
};

/** NetSuite's machine error code from an `nsError` body (e.g. `INVALID_LOGIN`), when there is a clean one. */
const nsErrorCode = (body: string): string | undefined => {
  try {
    const parsed = NsErrorSchema.safeParse(JSON.parse(body));
    const code = parsed.success ? parsed.data['o:errorDetails']?.[0]?.['o:errorCode'] : undefined;
    return code && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
};
