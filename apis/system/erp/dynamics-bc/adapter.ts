/**
 * The ERP port over Microsoft Dynamics 365 Business Central, API v2.0
 * (`{baseUrl}/v2.0/{tenant}/{environment}/api/v2.0/companies({companyId})/…`).
 *
 * Vendor types: DERIVED from Microsoft's reference docs (openapi/vendors/dynamics-bc/types.ts — BC
 * publishes no OpenAPI for v2.0). customer, customerFinancialDetail, salesOrder(Line) and salesInvoice
 * come from the held docs subset; `customerPayments` (with `customerPaymentJournals`) and
 * `currencyExchangeRates` are NOT in the subset and are written from Microsoft's public API v2.0
 * reference. Payments are read from
 * `customerPayments`, i.e. payment-journal lines: payments registered through the API (bank import,
 * payment service) until the journal is posted. Posted payments live in customer ledger entries, which
 * API v2.0 does not expose (only the deprecated finance-reports API does) — a known gap.
 *
 * - Ids are GUIDs, matched before they go into a URL or a `$filter`; anything else is `…_not_found`
 *   without a vendor call (B7). `$filter` literals are escaped by type (odata.ts).
 * - Lists follow `@odata.nextLink` (only under our own base URL) up to the requested limit.
 * - Writes: no idempotency header exists in BC, so lookup-before-create and `retry: false` (E2):
 *   customers by the derived `number` (BC's primary key: a duplicate create is refused by BC, and
 *   answered as `matched`), then tax id, then name + country; sales orders by `externalDocumentNumber`
 *   (+ customer) before a deep insert of `salesOrderLines`. BC's `number` is the authoritative order number.
 * - Credit profile: `creditLimit`, `blocked` and `customerFinancialDetail` (`balance`,
 *   `overdueAmount`) — BC keeps those in LCY, so they are converted to the customer's currency with
 *   BC's own `currencyExchangeRates`; unbilled = open sales orders; days overdue from the oldest open
 *   invoice past due.
 * - `purchaseOrderNumber` has no property on the v2.0 salesOrder (its `externalDocumentNumber`
 *   carries our reference), so it is not stored.
 * - A 401 fetches a fresh Entra token once and sends the call again.
 * - Vendor faults come back as the shared `vendor.*` codes; only BC's error `code` is ever logged,
 *   never its `message` (it can carry record values).
 *
 * @example
 * const http = createUndiciHttpClient({ baseUrl: config.baseUrl });
 * const token = tokenEndpointOf(config);
 * const tokenHttp = token.sharesApiClient ? undefined : createUndiciHttpClient({ baseUrl: token.origin });
 * const erp = createDynamicsBcErpAdapter(config, { http, tokenHttp, clock: systemClock, logger, budget });
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { createVendorCaller, type VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient, HttpResponse } from '../../../../shared/vendor-http/http-client.js';
import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import {
  BC_CUSTOMER_CREDIT_SELECT,
  BC_CUSTOMER_PAYMENT_SELECT,
  BC_CUSTOMER_SELECT,
  BC_EXCHANGE_RATE_SELECT,
  BC_SALES_INVOICE_SELECT,
  BC_SALES_ORDER_SELECT,
  BcCustomerCreditSchema,
  BcCustomerListSchema,
  BcCustomerPaymentListSchema,
  BcCustomerProbeSchema,
  BcCustomerSchema,
  BcErrorSchema,
  BcExchangeRateListSchema,
  BcOrderTotalListSchema,
  BcSalesInvoiceListSchema,
  BcSalesOrderListSchema,
  BcSalesOrderSchema,
  bcApiRoot,
  bcCompanySegment,
  type BcCustomerCreate,
  type BcSalesOrderCreate,
} from '../../../../openapi/vendors/dynamics-bc/types.js';
import { MAX_INVOICE_PAGE, MAX_PAYMENT_PAGE, type CustomerQuery, type ErpCustomer, type ErpPort, type InvoiceStatusFilter, type NewErpCustomer, type NewSalesOrder } from '../contract.js';
import { tokenEndpointOf, type DynamicsBcConfig } from './config.js';
import { daysPastDue, isoToday, toCreditProfile, toErpCustomer, toInvoice, toPayment, toSalesOrder } from './mapper.js';
import { customerNumberFor, dateLiteral, externalDocumentNumberFor, guidLiteral, isGuid, odataQuery, stringLiteral } from './odata.js';
import { createDynamicsBcTokenProvider } from './token-provider.js';

export interface DynamicsBcAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  /** Pointed at the token URL's origin; needed only when the token URL is not under `baseUrl` (see `tokenEndpointOf`). */
  readonly tokenHttp?: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Business Central's limits (`DYNAMICS_BC_LIMITS`), shared across gateway processes. */
  readonly budget?: OutboundBudget;
}

const VENDOR = 'dynamics-bc';
const DOMAIN = 'erp';
/** `findCustomers` answers at most this many (the contract's cap). */
const MAX_FOUND = 20;
/** Pages followed for one list (each up to the limit asked for); a bound, not a page size. */
const MAX_PAGES = 10;
/** BC field lengths of what createOrMatchCustomer writes (Customer table). */
const CUSTOMER_LENGTHS = { legalName: 100, line1: 100, line2: 50, city: 30, region: 30, postalCode: 20, phone: 30, email: 80, taxId: 20 } as const;

const decimal = (minor: number, currency: string) => minor / 10 ** minorUnitExponent(currency);

export const createDynamicsBcErpAdapter = (config: DynamicsBcConfig, deps: DynamicsBcAdapterDeps): ErpPort => {
  const { http, clock, logger } = deps;
  const log = logger ? { logger } : {};
  const caller = createVendorCaller({ vendor: VENDOR, domain: DOMAIN, http, clock, ...log, ...(deps.budget ? { budget: deps.budget } : {}), ...config.resilience });
  const endpoint = tokenEndpointOf(config);
  if (!endpoint.sharesApiClient && !deps.tokenHttp) throw new Error('createDynamicsBcErpAdapter: the token URL is not under baseUrl; pass tokenHttp pointed at its origin');
  // Entra is another service with its own health: its own caller (breaker), and none of BC's budget.
  const tokenCaller = endpoint.sharesApiClient
    ? caller
    : createVendorCaller({ vendor: `${VENDOR}-entra`, domain: DOMAIN, http: deps.tokenHttp!, clock, ...log, ...config.resilience });
  const tokens = createDynamicsBcTokenProvider(config, { caller: tokenCaller, path: endpoint.path, clock, ...log });
  const company = `${bcApiRoot(config.tenantId, config.environment)}/${bcCompanySegment(config.companyId)}`;
  const meta = { domain: DOMAIN, vendor: VENDOR, ...log };

  /** A call with the bearer token; on a 401, one fresh token and one more try. */
  const authorized = async (call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(ctx);
      if (!token.ok) return token;
      const sent = await caller.call({ ...call, headers: { accept: 'application/json', ...call.headers, authorization: `Bearer ${token.value}` } }, ctx);
      if (!sent.ok || sent.value.status !== 401 || attempt > 0) return sent;
      tokens.invalidate(token.value);
    }
  };
  const get = (path: string, ctx: CallContext) => authorized({ method: 'GET', path, retry: true }, ctx);

  /** Any status we do not expect: logged with BC's error code only, answered as `vendor.error`. */
  const unexpected = (response: HttpResponse, ctx: CallContext): Result<never> => {
    logger?.warn({ vendor: VENDOR, status: response.status, errorCode: bcErrorCode(response.body), traceId: ctx.trace.traceId }, 'unexpected business central response');
    return fail('vendor.error', { vendor: DOMAIN });
  };

  /** One entity by key: 200 parsed, 404 → `notFound`. */
  const getEntity = async <S extends z.ZodType>(path: string, schema: S, notFound: ErrorCode, ctx: CallContext): Promise<Result<z.output<S>>> => {
    const sent = await get(path, ctx);
    if (!sent.ok) return sent;
    if (sent.value.status === 404) return fail(notFound);
    if (sent.value.status !== 200) return unexpected(sent.value, ctx);
    return parseVendorJson(sent.value, schema, meta);
  };

  /** A collection, following `@odata.nextLink` until `limit` entities (or MAX_PAGES pages). */
  const list = async <T>(path: string, schema: z.ZodType<{ value: T[]; '@odata.nextLink'?: string | undefined }>, limit: number, ctx: CallContext): Promise<Result<T[]>> => {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && items.length < limit && page < MAX_PAGES; page++) {
      const sent = await get(next, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status !== 200) return unexpected(sent.value, ctx);
      const parsed = parseVendorJson(sent.value, schema, meta);
      if (!parsed.ok) return parsed;
      items.push(...parsed.value.value);
      const link = parsed.value['@odata.nextLink'];
      if (link === undefined) break;
      next = relativeLink(link);
      if (next === undefined) {
        // A next link to another host or API would take our bearer token with it: refused.
        logger?.warn({ vendor: VENDOR, traceId: ctx.trace.traceId }, 'business central nextLink outside the configured API; not followed');
        return fail('vendor.invalid_response', { vendor: DOMAIN });
      }
    }
    return ok(items.slice(0, limit));
  };

  /** `@odata.nextLink` as a path under our HttpClient's base, or undefined when it points elsewhere. */
  const relativeLink = (link: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(link, `${config.baseUrl}/`);
    } catch {
      return undefined;
    }
    const full = url.origin + url.pathname;
    const prefix = `${config.baseUrl}${company}/`;
    if (!full.startsWith(prefix) || url.pathname.includes('..')) return undefined;
    return full.slice(config.baseUrl.length) + url.search;
  };

  const customerPath = (id: string, query: Record<string, string | undefined>) => `${company}/customers(${guidLiteral(id)})${odataQuery(query)}`;
  const findBy = (filter: string, ctx: CallContext) =>
    list(`${company}/customers${odataQuery({ $filter: filter, $select: BC_CUSTOMER_SELECT.join(','), $top: MAX_FOUND })}`, BcCustomerListSchema, MAX_FOUND, ctx);

  const mapCustomers = (found: readonly z.output<typeof BcCustomerSchema>[]): Result<ErpCustomer[]> => {
    const customers: ErpCustomer[] = [];
    for (const bc of found) {
      const mapped = toErpCustomer(bc);
      if (!mapped.ok) return mapped;
      customers.push(mapped.value);
    }
    return ok(customers);
  };

  /** Tax id, or legal name (exact, case-insensitive) and optional country. */
  const findCustomers = async (query: CustomerQuery, ctx: CallContext): Promise<Result<ErpCustomer[]>> => {
    if (query.taxId !== undefined) {
      // A value longer than BC's field cannot be stored there: nothing to ask for.
      if (query.taxId.length > CUSTOMER_LENGTHS.taxId) return ok([]);
      const found = await findBy(`taxRegistrationNumber eq ${stringLiteral(query.taxId)}`, ctx);
      return found.ok ? mapCustomers(found.value) : found;
    }
    const name = query.legalName;
    if (name === undefined || name.length > CUSTOMER_LENGTHS.legalName) return ok([]);
    const filter = [`displayName eq ${stringLiteral(name)}`, ...(query.country ? [`country eq ${stringLiteral(query.country)}`] : [])].join(' and ');
    const found = await findBy(filter, ctx);
    if (!found.ok) return found;
    // BC online compares with a case-insensitive collation; checked again so the contract holds either way.
    const wanted = name.toLocaleLowerCase('en');
    return mapCustomers(found.value.filter((c) => c.displayName.toLocaleLowerCase('en') === wanted));
  };

  const createCustomer = async (input: NewErpCustomer, number: string, ctx: CallContext) => {
    const address = input.billingAddress;
    const body: BcCustomerCreate = {
      number,
      displayName: input.legalName,
      type: 'Company',
      ...(address ? { addressLine1: address.line1 } : {}),
      ...(address?.line2 ? { addressLine2: address.line2 } : {}),
      ...(address ? { city: address.city } : {}),
      ...(address?.region ? { state: address.region } : {}),
      country: input.country,
      ...(address?.postalCode ? { postalCode: address.postalCode } : {}),
      ...(input.phone ? { phoneNumber: input.phone } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.taxId ? { taxRegistrationNumber: input.taxId } : {}),
      currencyCode: input.currency,
    };
    // Not idempotent on the wire: never retried blindly (E2). A retry of the whole operation finds the
    // record by `number` first; a concurrent duplicate is refused by BC (same primary key).
    return authorized(
      { method: 'POST', path: `${company}/customers`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), retry: false },
      ctx,
    );
  };

  /** The exchange rate of `currency` against LCY in force today (the newest starting on or before it). */
  const exchangeRate = async (currency: string, now: number, ctx: CallContext) => {
    const found = await list(
      `${company}/currencyExchangeRates${odataQuery({
        $filter: `currencyCode eq ${stringLiteral(currency)} and startingDate le ${dateLiteral(isoToday(now))}`,
        $orderby: 'startingDate desc',
        $select: BC_EXCHANGE_RATE_SELECT.join(','),
        $top: 5,
      })}`,
      BcExchangeRateListSchema,
      5,
      ctx,
    );
    if (!found.ok) return found;
    const rate = found.value.find((r) => r.relationalCurrencyCode === '' || r.relationalCurrencyCode === config.localCurrency);
    if (!rate) {
      logger?.warn({ vendor: VENDOR, currency, traceId: ctx.trace.traceId }, 'no business central exchange rate to LCY for the customer currency');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return ok(rate);
  };

  const listInvoices = async (customerId: string, options: { status: InvoiceStatusFilter; limit: number }, ctx: CallContext) => {
    if (!isGuid(customerId)) return fail('erp.customer_not_found');
    // The route already bounds it; clamped again so no caller can ask BC for an unbounded page (B6).
    const limit = clamp(options.limit, MAX_INVOICE_PAGE);
    const statuses = options.status === 'open' ? ["'Open'"] : options.status === 'paid' ? ["'Paid'"] : ["'Open'", "'Paid'"];
    const filter = `customerId eq ${guidLiteral(customerId)} and (${statuses.map((s) => `status eq ${s}`).join(' or ')})`;
    const path = `${company}/salesInvoices${odataQuery({ $filter: filter, $orderby: 'dueDate asc,number asc', $select: BC_SALES_INVOICE_SELECT.join(','), $top: limit })}`;
    const found = await list(path, BcSalesInvoiceListSchema, limit, ctx);
    if (!found.ok) return found;
    if (found.value.length === 0) {
      // An unknown customer has no invoices either: tell "no invoices" from "no customer".
      const probe = await getEntity(customerPath(customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
      if (!probe.ok) return probe;
    }
    const now = clock.now();
    const invoices = [];
    for (const bc of found.value) {
      const mapped = toInvoice(bc, now);
      if (!mapped.ok) return mapped;
      if (mapped.value) invoices.push(mapped.value);
    }
    return ok(invoices);
  };

  return {
    async getCustomer(customerId, ctx) {
      if (!isGuid(customerId)) return fail('erp.customer_not_found');
      const bc = await getEntity(customerPath(customerId, { $select: BC_CUSTOMER_SELECT.join(',') }), BcCustomerSchema, 'erp.customer_not_found', ctx);
      return bc.ok ? toErpCustomer(bc.value) : bc;
    },

    findCustomers,

    async createOrMatchCustomer(input, ctx) {
      const number = customerNumberFor(input.externalRef);
      const byRef = await findBy(`number eq ${stringLiteral(number)}`, ctx);
      if (!byRef.ok) return byRef;
      const matched = (found: readonly z.output<typeof BcCustomerSchema>[]) => {
        const mapped = toErpCustomer(found[0]!);
        return mapped.ok ? ok({ customer: mapped.value, outcome: 'matched' as const }) : mapped;
      };
      if (byRef.value.length > 0) return matched(byRef.value);
      for (const query of [
        ...(input.taxId ? [{ taxId: input.taxId }] : []),
        { legalName: input.legalName, country: input.country },
      ]) {
        const found = await findCustomers(query, ctx);
        if (!found.ok) return found;
        if (found.value.length > 1) return fail('erp.duplicate_customer');
        if (found.value.length === 1) return ok({ customer: found.value[0]!, outcome: 'matched' as const });
      }
      if (!fitsCustomerFields(input)) return fail('http.validation');

      const sent = await createCustomer(input, number, ctx);
      if (!sent.ok) return sent;
      if (sent.value.status === 201) {
        const created = parseVendorJson(sent.value, BcCustomerSchema, meta);
        if (!created.ok) return created;
        const mapped = toErpCustomer(created.value);
        return mapped.ok ? ok({ customer: mapped.value, outcome: 'created' as const }) : mapped;
      }
      if ((sent.value.status === 400 || sent.value.status === 409) && bcErrorCode(sent.value.body) === 'Internal_EntityWithSameKeyExists') {
        // An earlier attempt (or a concurrent one) created it after our lookup: that record is the match.
        const again = await findBy(`number eq ${stringLiteral(number)}`, ctx);
        if (!again.ok) return again;
        if (again.value.length > 0) return matched(again.value);
      }
      return unexpected(sent.value, ctx);
    },

    async getCreditProfile(customerId, ctx) {
      if (!isGuid(customerId)) return fail('erp.customer_not_found');
      const bc = await getEntity(
        customerPath(customerId, { $select: BC_CUSTOMER_CREDIT_SELECT.join(','), $expand: 'customerFinancialDetail' }),
        BcCustomerCreditSchema,
        'erp.customer_not_found',
        ctx,
      );
      if (!bc.ok) return bc;
      const now = clock.now();
      const id = guidLiteral(customerId);
      const [oldest, orders] = await Promise.all([
        // The oldest open invoice past due: its due date gives the days overdue.
        list(
          `${company}/salesInvoices${odataQuery({
            $filter: `customerId eq ${id} and status eq 'Open' and dueDate lt ${dateLiteral(isoToday(now))}`,
            $orderby: 'dueDate asc',
            $select: BC_SALES_INVOICE_SELECT.join(','),
            $top: 1,
          })}`,
          BcSalesInvoiceListSchema,
          1,
          ctx,
        ),
        // Open sales orders are what is ordered but not yet invoiced (BC deletes an order once fully invoiced).
        list(`${company}/salesOrders${odataQuery({ $filter: `customerId eq ${id}`, $select: 'id,currencyCode,totalAmountIncludingTax' })}`, BcOrderTotalListSchema, 1_000, ctx),
      ]);
      if (!oldest.ok) return oldest;
      if (!orders.ok) return orders;
      const currency = bc.value.currencyCode;
      const lcy = config.localCurrency;
      let fromLcy = (amount: number) => amount;
      if (currency !== lcy) {
        const rate = await exchangeRate(currency, now, ctx);
        if (!rate.ok) return rate;
        fromLcy = (amount) => (amount * rate.value.exchangeRateAmount) / rate.value.relationalExchangeRateAmount;
      }
      // Orders in the customer's currency add up as they are, LCY ones are converted; any other
      // currency would need a cross rate, so it is left out (and said so).
      let unbilled = 0;
      let skipped = 0;
      for (const o of orders.value) {
        if (o.currencyCode === currency) unbilled += o.totalAmountIncludingTax;
        else if (o.currencyCode === lcy) unbilled += fromLcy(o.totalAmountIncludingTax);
        else skipped++;
      }
      if (skipped > 0) logger?.warn({ vendor: VENDOR, skipped, traceId: ctx.trace.traceId }, 'open orders in a third currency left out of unbilled');
      const first = oldest.value[0];
      return toCreditProfile(bc.value, { fromLcy, unbilled, daysOverdue: first ? daysPastDue(first.dueDate, now) : 0, now });
    },

    async createSalesOrder(input, ctx) {
      if (!isGuid(input.customerId)) return fail('erp.customer_not_found');
      // BC item numbers are Code[20] and line descriptions Text[100].
      if (input.lines.some((l) => l.itemId.length > 20)) return fail('erp.item_not_found');
      if (input.lines.some((l) => (l.description?.length ?? 0) > 100)) return fail('http.validation');
      const customer = await getEntity(customerPath(input.customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
      if (!customer.ok) return customer;

      const documentNumber = externalDocumentNumberFor(input.externalRef);
      const expandLines = { $select: BC_SALES_ORDER_SELECT.join(','), $expand: 'salesOrderLines' };
      const existing = await list(
        `${company}/salesOrders${odataQuery({ $filter: `externalDocumentNumber eq ${stringLiteral(documentNumber)} and customerId eq ${guidLiteral(input.customerId)}`, ...expandLines, $top: 1 })}`,
        BcSalesOrderListSchema,
        1,
        ctx,
      );
      if (!existing.ok) return existing;
      if (existing.value[0]) return toSalesOrder(existing.value[0], { externalRef: input.externalRef });

      const body: BcSalesOrderCreate = {
        customerId: guidLiteral(input.customerId),
        externalDocumentNumber: documentNumber,
        ...(input.orderedOn ? { orderDate: input.orderedOn } : {}),
        currencyCode: input.currency,
        salesOrderLines: input.lines.map((line) => ({
          lineType: 'Item' as const,
          lineObjectNumber: line.itemId,
          quantity: line.quantity,
          ...(line.unitPriceMinor !== undefined ? { unitPrice: decimal(line.unitPriceMinor, input.currency) } : {}),
          ...(line.description ? { description: line.description } : {}),
        })),
      };
      // `$expand` on the deep insert returns the created lines with the order (no `$select` on a write).
      const sent = await authorized(
        { method: 'POST', path: `${company}/salesOrders${odataQuery({ $expand: 'salesOrderLines' })}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), retry: false },
        ctx,
      );
      if (!sent.ok) return sent;
      if (sent.value.status === 201) {
        const created = parseVendorJson(sent.value, BcSalesOrderSchema, meta);
        return created.ok ? toSalesOrder(created.value, { externalRef: input.externalRef }) : created;
      }
      // The customer was just read, so a missing record in the deep insert is an item.
      if ((sent.value.status === 400 || sent.value.status === 404) && bcErrorCode(sent.value.body) === 'Internal_RecordNotFound') return fail('erp.item_not_found');
      return unexpected(sent.value, ctx);
    },

    async getSalesOrder(orderId, ctx) {
      if (!isGuid(orderId)) return fail('erp.order_not_found');
      const bc = await getEntity(
        `${company}/salesOrders(${guidLiteral(orderId)})${odataQuery({ $select: BC_SALES_ORDER_SELECT.join(','), $expand: 'salesOrderLines' })}`,
        BcSalesOrderSchema,
        'erp.order_not_found',
        ctx,
      );
      return bc.ok ? toSalesOrder(bc.value) : bc;
    },

    listInvoices,

    async listPayments(customerId, options, ctx) {
      if (!isGuid(customerId)) return fail('erp.customer_not_found');
      const limit = clamp(options.limit, MAX_PAYMENT_PAGE);
      // The customer first: it must exist, and a payment line's currency is the customer's.
      const customer = await getEntity(customerPath(customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
      if (!customer.ok) return customer;
      const currency = customer.value.currencyCode;
      if (!/^[A-Z]{3}$/.test(currency)) return fail('vendor.invalid_response', { vendor: DOMAIN });
      const path = `${company}/customerPayments${odataQuery({
        $filter: `customerId eq ${guidLiteral(customerId)}`,
        $orderby: 'postingDate desc,lineNumber desc',
        $select: BC_CUSTOMER_PAYMENT_SELECT.join(','),
        $top: limit,
      })}`;
      const found = await list(path, BcCustomerPaymentListSchema, limit, ctx);
      return found.ok ? ok(found.value.map((p) => toPayment(p, currency))) : found;
    },
  };
};

const clamp = (limit: number, max: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), max) : max);

/** Whether BC's Customer fields can hold the input (else BC would refuse it with StringExceededLength). */
const fitsCustomerFields = (input: NewErpCustomer): boolean => {
  const a = input.billingAddress;
  const L = CUSTOMER_LENGTHS;
  return (
    input.legalName.length <= L.legalName &&
    (input.taxId?.length ?? 0) <= L.taxId &&
    (input.phone?.length ?? 0) <= L.phone &&
    (input.email?.length ?? 0) <= L.email &&
    (!a || (a.line1.length <= L.line1 && (a.line2?.length ?? 0) <= L.line2 && a.city.length <= L.city && (a.region?.length ?? 0) <= L.region && (a.postalCode?.length ?? 0) <= L.postalCode))
  );
};

/** BC's error `code` (e.g. `Internal_RecordNotFound`) when the body is a clean error envelope. */
export const bcErrorCode = (body: string): string | undefined => {
  try {
    const parsed = BcErrorSchema.safeParse(JSON.parse(body));
    const code = parsed.success ? parsed.data.error.code : undefined;
    return code && /^[A-Za-z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
};
