/**
 * The ERP port over NetSuite's REST web services. Vendor types are HAND-WRITTEN
 * (openapi/vendors/netsuite/types.ts: Oracle publishes no static OpenAPI document, only one generated
 * per account), from Oracle's public REST web services reference and vendor-specs/README.md.
 *
 * - customers: record v1 (`customer/{id}`, `customer/eid:{externalId}`), matched with SuiteQL, created
 *   with `POST /customer` (idempotency key; `externalId` = the canonical id, unique in NetSuite);
 * - credit: the customer record's credit fields;
 * - sales orders: `POST /salesOrder` (idempotency key from the externalRef, `externalId` = externalRef),
 *   read back for the authoritative `tranId`; items resolved with SuiteQL first;
 * - invoices and payments: SuiteQL on `transaction` (`CustInvc`, `CustPymt` with applied invoices).
 *
 * Ids that are not NetSuite internal ids never reach the vendor; every SuiteQL literal is escaped.
 */
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createSingleFlightCache } from '../../../../shared/resilience/single-flight-cache.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import {
  NS_CUSTOMER_PATH,
  NS_EXTERNAL_ID,
  NS_INTERNAL_ID,
  NS_SALES_ORDER_PATH,
  NsCurrencyRowSchema,
  NsCustomerSchema,
  NsIdRowSchema,
  NsInvoiceRowSchema,
  NsItemRowSchema,
  NsPaymentRowSchema,
  NsRecordIdSchema,
  NsSalesOrderSchema,
  type NsCustomer,
} from '../../../../openapi/vendors/netsuite/types.js';
import { MAX_INVOICE_PAGE, MAX_PAYMENT_PAGE, type CustomerQuery, type ErpCustomer, type ErpPort, type NewSalesOrder } from '../contract.js';
import { createNetsuiteClient, idempotencyKeyFor, type NetsuiteClientDeps, type NsRejection } from './client.js';
import type { NetsuiteConfig } from './config.js';
import { DEFAULT_CREDIT_HOLD_GRACE_DAYS, toCreditProfile, toCustomerCreate, toErpCustomer, toInvoice, toPayments, toSalesOrder, toSalesOrderCreate } from './mapper.js';
import { currencyQuery, customerSearchQuery, invoicesQuery, itemsQuery, paymentsQuery } from './suiteql.js';

export type NetsuiteAdapterDeps = NetsuiteClientDeps;

/** `findCustomers` answers at most this many. */
export const MAX_FOUND_CUSTOMERS = 20;
/** Records read at once when several are needed (NetSuite counts concurrency, not rate). */
const READ_CONCURRENCY = 4;
/** Item references per SuiteQL look-up (keeps the query text well under its limit). */
const ITEMS_PER_QUERY = 100;
/** SuiteQL pages read at most for one list of payments (their rows are per applied invoice). */
const MAX_PAYMENT_PAGES = 5;

/** Text a SuiteQL literal may carry (see suiteql.ts): none with control characters can match anyway. */
const searchable = (text: string) => text.length <= 200 && !/[\u0000-\u001f\u007f]/.test(text);

/** `run` over `items`, at most `limit` at a time, results in order; the first failure wins. */
const mapLimit = async <T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<Result<R>>): Promise<Result<R[]>> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: Result<never> | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      const result = await run(items[index]!);
      if (!result.ok) failed ??= result;
      else results[index] = result.value;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failed ?? ok(results);
};

/**
 * @example
 * const erp = createNetsuiteErpAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createNetsuiteErpAdapter = (config: NetsuiteConfig, deps: NetsuiteAdapterDeps): ErpPort => {
  const { clock } = deps;
  const graceDays = config.creditHoldGraceDays ?? DEFAULT_CREDIT_HOLD_GRACE_DAYS;
  const ns = createNetsuiteClient(config, deps);
  const customerNotFound = () => fail('erp.customer_not_found');
  const orderNotFound = () => fail('erp.order_not_found');
  /** Currency internal ids by ISO code: stable for the life of an account, so kept an hour. */
  const currencies = createSingleFlightCache<string>(clock, { ttlMs: 3_600_000, maxEntries: 200 });

  const readCustomer = async (ref: string, ctx: CallContext): Promise<Result<NsCustomer | undefined>> =>
    ns.getRecord(`${NS_CUSTOMER_PATH}/${ref}?expandSubResources=true`, NsCustomerSchema, ctx);

  const toCustomer = (record: Result<NsCustomer | undefined>): Result<ErpCustomer> => {
    if (!record.ok) return record;
    return record.value ? toErpCustomer(record.value) : customerNotFound();
  };

  /** Ids of the customers matching `query`, lowest first, at most `limit`. */
  const searchCustomers = async (query: CustomerQuery, limit: number, ctx: CallContext): Promise<Result<string[]>> => {
    const page = await ns.queryPage(customerSearchQuery(query), NsIdRowSchema, { limit, offset: 0 }, ctx);
    return page.ok ? ok([...new Set(page.value.items.map((row) => row.id))].slice(0, limit)) : page;
  };

  const readCustomers = (ids: readonly string[], ctx: CallContext) =>
    // A customer gone between the search and the read is skipped, not an error.
    mapLimit(ids, READ_CONCURRENCY, async (id) => {
      const record = await readCustomer(id, ctx);
      if (!record.ok) return record;
      return record.value ? toErpCustomer(record.value) : ok(undefined);
    });

  /** The one customer matching `query`: none, one, or `erp.duplicate_customer` when several do. */
  const matchOne = async (query: CustomerQuery, ctx: CallContext): Promise<Result<ErpCustomer | undefined>> => {
    const ids = await searchCustomers(query, 2, ctx);
    if (!ids.ok) return ids;
    if (ids.value.length > 1) return fail('erp.duplicate_customer');
    return ids.value[0] ? toCustomer(await readCustomer(ids.value[0], ctx)) : ok(undefined);
  };

  const currencyId = async (code: string, ctx: CallContext): Promise<Result<string>> => {
    if (!/^[A-Z]{3}$/.test(code)) return fail('http.validation');
    return currencies.get(code, async () => {
      const page = await ns.queryPage(currencyQuery(code), NsCurrencyRowSchema, { limit: 1, offset: 0 }, ctx);
      if (!page.ok) return page;
      // A currency the account does not have: the caller asked for something this ERP cannot book.
      return page.value.items[0] ? ok(page.value.items[0].id) : fail('http.validation');
    });
  };

  /** Each line's `itemId` → the item's internal id: an all-digit reference is an internal id first, then a name. */
  const resolveItems = async (lines: NewSalesOrder['lines'], ctx: CallContext): Promise<Result<Map<string, string>>> => {
    const references = [...new Set(lines.map((l) => l.itemId))];
    const rows: { id: string; itemid: string }[] = [];
    for (let i = 0; i < references.length; i += ITEMS_PER_QUERY) {
      const chunk = references.slice(i, i + ITEMS_PER_QUERY);
      const page = await ns.queryPage(itemsQuery(chunk), NsItemRowSchema, { limit: chunk.length * 2, offset: 0 }, ctx);
      if (!page.ok) return page;
      rows.push(...page.value.items);
    }
    const resolved = new Map<string, string>();
    for (const reference of references) {
      const item = (NS_INTERNAL_ID.test(reference) ? rows.find((r) => r.id === reference) : undefined) ?? rows.find((r) => r.itemid === reference);
      if (!item) return fail('erp.item_not_found');
      resolved.set(reference, item.id);
    }
    return ok(resolved);
  };

  const readOrder = async (ref: string, ctx: CallContext) => ns.getRecord(`${NS_SALES_ORDER_PATH}/${ref}?expandSubResources=true`, NsSalesOrderSchema, ctx);

  /** Tells "nothing to list" from "no such customer" (SuiteQL finds no rows for an unknown customer either). */
  const customerExists = async (customerId: string, ctx: CallContext): Promise<Result<true>> => {
    const probe = await ns.getRecord(`${NS_CUSTOMER_PATH}/${customerId}?fields=id`, NsRecordIdSchema, ctx);
    if (!probe.ok) return probe;
    return probe.value ? ok(true) : customerNotFound();
  };

  /** A page size the vendor is asked for: bounded again here whatever the caller passed (B6). */
  const bounded = (limit: number, max: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), max) : max);

  return {
    async getCustomer(customerId, ctx) {
      if (!NS_INTERNAL_ID.test(customerId)) return customerNotFound();
      // The address book is a sublist: only expanded on request.
      return toCustomer(await readCustomer(customerId, ctx));
    },

    async findCustomers(query, ctx) {
      if (query.taxId === undefined && query.legalName === undefined) return ok([]);
      if (!searchable(query.taxId ?? '') || !searchable(query.legalName ?? '')) return ok([]); // nothing can match
      if (query.country !== undefined && !/^[A-Z]{2}$/.test(query.country)) return ok([]);
      const ids = await searchCustomers(query, MAX_FOUND_CUSTOMERS, ctx);
      if (!ids.ok) return ids;
      const customers = await readCustomers(ids.value, ctx);
      return customers.ok ? ok(customers.value.filter((c): c is ErpCustomer => c !== undefined)) : customers;
    },

    async createOrMatchCustomer(input, ctx) {
      // The route validated the input against the contract; these guard what a query or a path needs.
      if (!NS_EXTERNAL_ID.test(input.externalRef) || !searchable(input.legalName) || !searchable(input.taxId ?? '') || !/^[A-Z]{2}$/.test(input.country)) return fail('http.validation');
      // 1. Our own reference: an earlier attempt (perhaps one that timed out) already created it.
      const byRef = await readCustomer(`eid:${input.externalRef}`, ctx);
      if (!byRef.ok) return byRef;
      if (byRef.value) return mapMatched(toErpCustomer(byRef.value));
      // 2. The natural keys: tax number, then legal name + country.
      for (const query of [...(input.taxId?.trim() ? [{ taxId: input.taxId }] : []), { legalName: input.legalName, country: input.country }]) {
        const match = await matchOne(query, ctx);
        if (!match.ok) return match;
        if (match.value) return ok({ customer: match.value, outcome: 'matched' as const });
      }
      // 3. None: create it, keyed, with our reference as its external id.
      const currency = await currencyId(input.currency, ctx);
      if (!currency.ok) return currency;
      const body = toCustomerCreate(input, { currencyId: currency.value, ...(config.subsidiaryId ? { subsidiaryId: config.subsidiaryId } : {}) });
      const created = await ns.createRecord(NS_CUSTOMER_PATH, body, idempotencyKeyFor('customer', input.externalRef), ctx);
      if (!created.ok) return created;
      if ('id' in created.value) {
        const record = toCustomer(await readCustomer(created.value.id, ctx));
        return record.ok ? ok({ customer: record.value, outcome: 'created' as const }) : record;
      }
      // Refused: a concurrent request may have created it under our reference (externalId is unique).
      const raced = await readCustomer(`eid:${input.externalRef}`, ctx);
      if (!raced.ok) return raced;
      if (raced.value) return mapMatched(toErpCustomer(raced.value));
      return rejectedWrite(created.value.rejected, ctx);
    },

    async getCreditProfile(customerId, ctx) {
      if (!NS_INTERNAL_ID.test(customerId)) return customerNotFound();
      const record = await ns.getRecord(`${NS_CUSTOMER_PATH}/${customerId}`, NsCustomerSchema, ctx);
      if (!record.ok) return record;
      return record.value ? toCreditProfile(record.value, { now: clock.now(), graceDays }) : customerNotFound();
    },

    async createSalesOrder(input, ctx) {
      if (!NS_INTERNAL_ID.test(input.customerId)) return customerNotFound();
      if (!NS_EXTERNAL_ID.test(input.externalRef)) return fail('http.validation');
      const items = await resolveItems(input.lines, ctx);
      if (!items.ok) return items;
      const currency = await currencyId(input.currency, ctx);
      if (!currency.ok) return currency;
      const body = toSalesOrderCreate(input, { currencyId: currency.value, itemIds: items.value });
      const created = await ns.createRecord(NS_SALES_ORDER_PATH, body, idempotencyKeyFor('salesOrder', input.externalRef), ctx);
      if (!created.ok) return created;
      // The order number (`tranId`) is assigned by NetSuite: read the record back for it.
      const ref = 'id' in created.value ? created.value.id : `eid:${input.externalRef}`;
      const order = await readOrder(ref, ctx);
      if (!order.ok) return order;
      if (order.value) return toSalesOrder(order.value);
      if ('id' in created.value) return fail('vendor.error', { vendor: 'erp' }); // created, yet not there
      // Refused, and no order carries our reference: what NetSuite objected to decides the answer.
      const { errorCode, errorPath = '' } = created.value.rejected;
      if (errorPath === 'entity') return customerNotFound();
      if (errorPath.startsWith('item')) return fail('erp.item_not_found');
      if (errorPath === 'currency' || errorPath === 'tranDate' || errorCode === 'INVALID_FLD_VALUE') return fail('http.validation');
      return rejectedWrite(created.value.rejected, ctx);
    },

    async getSalesOrder(orderId, ctx) {
      if (!NS_INTERNAL_ID.test(orderId)) return orderNotFound();
      const order = await readOrder(orderId, ctx);
      if (!order.ok) return order;
      return order.value ? toSalesOrder(order.value) : orderNotFound();
    },

    async listInvoices(customerId, options, ctx) {
      if (!NS_INTERNAL_ID.test(customerId)) return customerNotFound();
      const limit = bounded(options.limit, MAX_INVOICE_PAGE);
      const status = options.status === 'paid' || options.status === 'all' ? options.status : 'open';
      const page = await ns.queryPage(invoicesQuery(customerId, status), NsInvoiceRowSchema, { limit, offset: 0 }, ctx);
      if (!page.ok) return page;
      if (page.value.items.length === 0) {
        const exists = await customerExists(customerId, ctx);
        if (!exists.ok) return exists;
      }
      const now = clock.now();
      return ok(page.value.items.slice(0, limit).map((row) => toInvoice(row, now)));
    },

    async listPayments(customerId, options, ctx) {
      if (!NS_INTERNAL_ID.test(customerId)) return customerNotFound();
      const limit = bounded(options.limit, MAX_PAYMENT_PAGE);
      // Rows are per applied invoice: read until a payment beyond the limit shows the last one is complete.
      const rows = await ns.queryRows(
        paymentsQuery(customerId),
        NsPaymentRowSchema,
        { pageSize: Math.min(limit * 4, 1000), maxPages: MAX_PAYMENT_PAGES, enough: (read) => new Set(read.map((r) => r.id)).size > limit },
        ctx,
      );
      if (!rows.ok) return rows;
      if (rows.value.length === 0) {
        const exists = await customerExists(customerId, ctx);
        if (!exists.ok) return exists;
      }
      return ok(toPayments(rows.value).slice(0, limit));
    },
  };

  function mapMatched(customer: Result<ErpCustomer>) {
    return customer.ok ? ok({ customer: customer.value, outcome: 'matched' as const }) : customer;
  }

  /** A refused write nothing else explains: logged with NetSuite's code only, answered `vendor.error`. */
  function rejectedWrite(rejection: NsRejection, ctx: CallContext): Result<never> {
    deps.logger?.warn({ vendor: 'netsuite', status: rejection.status, errorCode: rejection.errorCode, errorPath: rejection.errorPath, traceId: ctx.trace.traceId }, 'netsuite refused a write');
    return fail('vendor.error', { vendor: 'erp' });
  }
};
