import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import { BP_SERVICE_PATH, BusinessPartnerReadSchema, SAP_PARTNER_NUMBER, type BusinessPartnerRead } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import { AR_ITEM_SET, AR_SELECT, AR_SERVICE_PATH, ArLineItem, CREDIT_ACCOUNT_SET, CREDIT_SERVICE_PATH, CreditManagementAccount, SAP_CREDIT_SEGMENT } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import { v2Entity } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import { SAP_PRODUCT, SAP_SALES_ORDER_NUMBER, SO_SERVICE_PATH, SalesOrder, SalesOrderReadSchema, type SalesOrderCreate } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import { CreditProfileSchema, ErpCustomerSchema, InvoiceSchema, MAX_INVOICE_PAGE, MAX_PAYMENT_PAGE, PaymentSchema, SalesOrderSchema, type ErpCustomer, type ErpPort, type NewSalesOrder } from '../contract.js';
import type { SapS4hanaConfig } from './config.js';
import { isCustomer, salesAreaOf, toCreditProfile, toErpCustomer, toInvoice, toPayment, toSalesOrder, toBusinessPartnerCreate, type ArItem } from './mapper.js';
import { DOMAIN, VENDOR, createSapODataClient } from './odata-client.js';
import { BP_EXPAND, createPartnerLookups, MAX_MATCHES } from './partner-lookups.js';
import { and, anyOf, customerReferenceKey, literal, minorToDecimal, orderReferenceKey, query, quantityText } from './odata-query.js';

export interface SapS4hanaAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl, connections: SAP_S4HANA_LIMITS.concurrency })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The outbound budget shared by every gateway process (limits: SAP_S4HANA_LIMITS); unlimited when absent. */
  readonly budget?: OutboundBudget;
}

const CreatedPartnerSchema = v2Entity(BusinessPartnerReadSchema);
/** Open items summed for a credit profile; more than this and the figure would be guessed, so we refuse. */
const MAX_OPEN_ITEMS = 5_000;
const MAX_OPEN_ORDERS = 1_000;
const ORDER_SELECT = Object.keys(SalesOrder.fields).join(',');
const INVOICE_DOCUMENT_TYPE = 'RV';
const PAYMENT_DOCUMENT_TYPE = 'DZ';

/**
 * The ERP port over SAP S/4HANA Cloud's OData APIs.
 *
 * Where each part comes from:
 * - FROM A HELD EDMX (openapi/vendors/sap-s4hana, SAP's own service metadata; types derived by hand and
 *   checked against it by the conformance test): customers — Business Partner, OData V2
 *   `API_BUSINESS_PARTNER` (`A_BusinessPartner` with `$expand` of addresses, e-mail, phone, tax numbers,
 *   customer and sales areas; `A_BusinessPartnerTaxNumber`; deep insert `POST A_BusinessPartner`;
 *   `PATCH` with `If-Match`) and its credit fields (`A_BPCreditWorthiness`,
 *   `A_CustomerSalesArea.CreditControlArea`); sales orders — OData V4 `CE_SALESORDER_0001` (deep insert
 *   with `_Item` and `_ItemPricingElement`, `SalesOrder('…')?$expand=_Item`, `TotalCreditCheckStatus`).
 * - WRITTEN FROM SAP'S PUBLIC API DOCUMENTATION, NO SPEC HELD (openapi/vendors/sap-s4hana/finance.ts):
 *   the credit limit and block — `API_CRDTMBUSINESSPARTNER`, entity set `CreditManagementAccount`
 *   keyed by partner and credit segment (the segment is the sales area's credit control area, else
 *   `defaultCreditSegment`); receivables, invoices and payments — `API_OPLACCTGDOCITEMCUBE_SRV`,
 *   `A_OperationalAcctgDocItemCube` customer line items. Invoices are read from their receivable lines,
 *   not from `API_BILLING_DOCUMENT_SRV`: the line carries everything the contract needs (billing
 *   reference, dates, net due date, amount, clearing), it answers "open or paid, oldest due first" in one
 *   query, and it is what SAP's own aging reads. Unbilled orders are summed from open V4 sales orders.
 *
 * Wire behaviour: HTTP Basic for the communication user (OAuth 2.0 plugs in behind `SapAuth`);
 * `Accept: application/json` (V2) and `application/json;IEEE754Compatible=true` (V4: decimals as
 * strings); V2 `$filter` literals with quotes doubled; `$top` and SAP's server-side paging followed up to
 * what was asked; writes with the CSRF token and session cookies (`x-csrf-token: Fetch` first, one
 * re-fetch on `403 x-csrf-token: Required`); SAP's error bodies (V2 and V4 envelopes) logged by code only.
 *
 * Idempotency (no vendor idempotency key): lookup before create, writes never retried (E2).
 * - customers by `externalRef` in `BusinessPartnerIDByExtSystem` (CHAR 20, upper case; longer
 *   references as a hash — odata-query.ts), then tax number, then name + country; a match found by tax
 *   number or name gets its empty external number filled in (`PATCH` with the entity's ETag), so the
 *   next lookup finds it by reference;
 * - sales orders by `externalRef` in `PurchaseOrderByCustomer` (the "customer reference", CHAR 35) of
 *   the sold-to party; the caller's own PO number goes to `PurchaseOrderByShipToParty` (sold-to = ship-to).
 *
 * Known simplifications: amounts in another currency than the credit segment's are left out of the
 * credit figures (SAP converts them); partial payments are not netted against their invoice's amount
 * due; the invoice document type is `RV` and the payment type `DZ` (SAP's defaults); a manual unit
 * price is sent as condition `manualPriceCondition` (`PPR0`); a PO number is cut to SAP's 35 and a line
 * description to 40 characters; customer references are case-insensitive (SAP upper-cases the field);
 * `pending_approval` is never reported; finding by name relies on `tolower()` in `$filter`.
 *
 * @example const erp = createSapS4hanaErpAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl, connections: 8 }), clock: systemClock, logger, budget })
 */
export const createSapS4hanaErpAdapter = (config: SapS4hanaConfig, deps: SapS4hanaAdapterDeps): ErpPort => {
  const { clock, logger } = deps;
  const client = createSapODataClient(config, deps);
  const notFound = () => fail('erp.customer_not_found');

  /** The mapped value must meet the contract's own limits, or it is an invalid vendor response. */
  const checked = <S extends z.ZodType>(schema: S, value: Result<z.output<S>>): Result<z.output<S>> => {
    if (!value.ok) return value;
    const parsed = schema.safeParse(value.value);
    if (parsed.success) return ok(parsed.data);
    logger?.warn({ vendor: VENDOR, paths: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5) }, 'sap record does not fit the ERP contract');
    return fail('vendor.invalid_response', { vendor: DOMAIN });
  };

  const mapCustomer = (bp: BusinessPartnerRead): Result<ErpCustomer> => checked(ErpCustomerSchema, toErpCustomer(bp, config.salesArea));
  const { readPartner, partnersWhere, byTaxId, byNameAndCountry, claim, single } = createPartnerLookups(config, client, logger);

  const mapAll = (partners: readonly BusinessPartnerRead[]): Result<ErpCustomer[]> => {
    const out: ErpCustomer[] = [];
    for (const bp of partners.slice(0, MAX_MATCHES)) {
      const customer = mapCustomer(bp);
      if (!customer.ok) return customer;
      out.push(customer.value);
    }
    return ok(out);
  };

  /** An order of `customerId` by its reference, when one exists. */
  const orderByReference = async (customerId: string, externalRef: string, ctx: CallContext) => {
    const filter = and(`SoldToParty eq ${literal(customerId)}`, `PurchaseOrderByCustomer eq ${literal(orderReferenceKey(externalRef))}`);
    const found = await client.listV4(SO_SERVICE_PATH, `SalesOrder${query({ $filter: filter, $expand: '_Item', $orderby: 'SalesOrder asc', $top: 2 })}`, SalesOrderReadSchema, 2, ctx);
    if (found.ok && found.value.length > 1) logger?.warn({ vendor: VENDOR, orders: found.value.length }, 'several sap sales orders carry one reference; answering the first');
    return found.ok ? ok(found.value[0]) : found;
  };

  const orderBody = (input: NewSalesOrder): SalesOrderCreate => ({
    SalesOrderType: config.salesOrderType,
    SalesOrganization: config.salesArea.salesOrganization,
    DistributionChannel: config.salesArea.distributionChannel,
    OrganizationDivision: config.salesArea.division,
    SoldToParty: input.customerId,
    TransactionCurrency: input.currency,
    PurchaseOrderByCustomer: orderReferenceKey(input.externalRef),
    ...(input.purchaseOrderNumber ? { PurchaseOrderByShipToParty: input.purchaseOrderNumber.slice(0, 35) } : {}),
    ...(input.orderedOn ? { SalesOrderDate: input.orderedOn } : {}),
    _Item: input.lines.map((line, i) => ({
      SalesOrderItem: String((i + 1) * 10),
      Product: line.itemId.toUpperCase(),
      RequestedQuantity: quantityText(line.quantity),
      ...(line.description ? { SalesOrderItemText: line.description.slice(0, 40) } : {}),
      ...(line.unitPriceMinor !== undefined
        ? { _ItemPricingElement: [{ ConditionType: config.manualPriceCondition, ConditionRateAmount: minorToDecimal(line.unitPriceMinor, input.currency), ConditionCurrency: input.currency }] }
        : {}),
    })),
  });

  /** The customer line items of `customerId` matching `filter`, in `orderby` order. */
  const lineItems = (customerId: string, filter: string, orderby: string | undefined, limit: number, ctx: CallContext) =>
    client.listV2(
      AR_SERVICE_PATH,
      `${AR_ITEM_SET}${query({ $filter: and(`Customer eq ${literal(customerId)}`, `FinancialAccountType eq 'D'`, filter), $select: AR_SELECT.join(','), $orderby: orderby, $top: limit })}`,
      ArLineItem.schema,
      limit,
      ctx,
    );

  /** An empty list says nothing about the customer: tell "owes nothing" from "no such customer". */
  const mustExist = async (customerId: string, ctx: CallContext): Promise<Result<void>> => {
    const bp = await readPartner(customerId, 'to_Customer', ctx);
    return bp.ok ? ok(undefined) : bp;
  };

  const pageSize = (limit: number, max: number) => (Number.isInteger(limit) ? Math.min(Math.max(limit, 1), max) : max);

  return {
    async getCustomer(customerId, ctx) {
      const bp = await readPartner(customerId, BP_EXPAND, ctx);
      return bp.ok ? mapCustomer(bp.value) : bp;
    },

    async findCustomers(q, ctx) {
      const found = q.taxId ? await byTaxId(q.taxId, ctx) : q.legalName ? await byNameAndCountry(q.legalName, q.country, ctx) : ok([]);
      if (!found.ok) return found;
      const inCountry = q.taxId && q.country ? found.value.filter((bp) => bp.to_BusinessPartnerAddress?.results.some((a) => a.Country === q.country)) : found.value;
      return mapAll(inCountry);
    },

    async createOrMatchCustomer(input, ctx) {
      const byRef = await partnersWhere(`BusinessPartnerIDByExtSystem eq ${literal(customerReferenceKey(input.externalRef))}`, 2, ctx);
      if (!byRef.ok) return byRef;
      const refMatch = single(byRef.value);
      if (!refMatch.ok) return refMatch;
      if (refMatch.value) {
        const customer = mapCustomer(refMatch.value);
        return customer.ok ? ok({ customer: customer.value, outcome: 'matched' }) : customer;
      }
      for (const find of [input.taxId ? () => byTaxId(input.taxId!, ctx) : undefined, () => byNameAndCountry(input.legalName, input.country, ctx)]) {
        if (!find) continue;
        const found = await find();
        if (!found.ok) return found;
        const match = single(found.value);
        if (!match.ok) return match;
        if (match.value) {
          const customer = mapCustomer(match.value);
          if (!customer.ok) return customer;
          await claim(match.value, input.externalRef, ctx);
          return ok({ customer: customer.value, outcome: 'matched' });
        }
      }
      const sent = await client.write('v2', BP_SERVICE_PATH, 'POST', 'A_BusinessPartner', toBusinessPartnerCreate(input, config), ctx);
      if (!sent.ok) return sent;
      if (sent.value.status !== 201) return client.unexpected(sent.value, ctx, 'create business partner');
      const body = client.parse(sent.value, CreatedPartnerSchema);
      if (!body.ok) return body;
      // SAP's deep-insert answer holds what was inserted; read the partner back when it lacks the customer.
      const bp = isCustomer(body.value.d) ? ok(body.value.d) : await readPartner(body.value.d.BusinessPartner, BP_EXPAND, ctx);
      if (!bp.ok) return bp;
      const customer = mapCustomer(bp.value);
      return customer.ok ? ok({ customer: customer.value, outcome: 'created' }) : customer;
    },

    async getCreditProfile(customerId, ctx) {
      const bp = await readPartner(customerId, 'to_Customer/to_CustomerSalesArea,to_BPCreditWorthiness', ctx);
      if (!bp.ok) return bp;
      const area = salesAreaOf(bp.value, config.salesArea);
      const currency = area?.Currency?.trim() ?? '';
      const controlArea = area?.CreditControlArea?.trim();
      const segment = controlArea && SAP_CREDIT_SEGMENT.test(controlArea) ? controlArea : config.defaultCreditSegment;
      const [account, items, orders] = await Promise.all([
        client.findV2(CREDIT_SERVICE_PATH, `${CREDIT_ACCOUNT_SET}(BusinessPartner=${literal(customerId)},CreditSegment=${literal(segment)})`, CreditManagementAccount.schema, ctx),
        lineItems(customerId, `ClearingAccountingDocument eq ''`, undefined, MAX_OPEN_ITEMS + 1, ctx),
        client.listV4(
          SO_SERVICE_PATH,
          `SalesOrder${query({
            $filter: and(`SoldToParty eq ${literal(customerId)}`, `OverallSDProcessStatus ne 'C'`, `OverallSDDocumentRejectionSts ne 'C'`, `OverallOrdReltdBillgStatus ne 'C'`),
            $select: 'SalesOrder,TotalNetAmount,TransactionCurrency',
            $top: MAX_OPEN_ORDERS,
          })}`,
          SalesOrder.schema.pick({ SalesOrder: true, TotalNetAmount: true, TransactionCurrency: true }),
          MAX_OPEN_ORDERS,
          ctx,
        ),
      ]);
      // No credit account in that segment (undefined): no limit granted, which is an answer, not a failure.
      if (!account.ok) return account;
      if (!items.ok) return items;
      if (!orders.ok) return orders;
      if (items.value.length > MAX_OPEN_ITEMS) {
        logger?.warn({ vendor: VENDOR, openItems: items.value.length }, 'too many open items to sum for a credit profile');
        return fail('vendor.error', { vendor: DOMAIN });
      }
      return checked(
        CreditProfileSchema,
        toCreditProfile({
          customerId,
          currency,
          account: account.value,
          openItems: items.value,
          openOrders: orders.value,
          bankrupt: bp.value.to_BPCreditWorthiness?.BusinessPartnerIsBankrupt === true,
          now: clock.now(),
          graceDays: config.creditHoldGraceDays,
        }),
      );
    },

    async createSalesOrder(input, ctx) {
      if (!SAP_PARTNER_NUMBER.test(input.customerId)) return notFound();
      // SAP product numbers are upper case and at most 18 characters: anything else cannot be sold.
      if (input.lines.some((l) => !SAP_PRODUCT.test(l.itemId.toUpperCase()))) return fail('erp.item_not_found');
      const existing = await orderByReference(input.customerId, input.externalRef, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return checked(SalesOrderSchema, withReference(toSalesOrder(existing.value), input.externalRef));

      const sent = await client.write('v4', SO_SERVICE_PATH, 'POST', 'SalesOrder', orderBody(input), ctx);
      if (!sent.ok) return sent;
      if (sent.value.status === 400) {
        const fault = client.faultOf(sent.value);
        if (fault.targets.some((t) => /(^|\/)Product$/.test(t))) return fail('erp.item_not_found');
        if (fault.targets.some((t) => /(^|\/)SoldToParty$/.test(t))) return notFound();
      }
      if (sent.value.status !== 201) return client.unexpected(sent.value, ctx, 'create sales order');
      const created = client.parse(sent.value, SalesOrderReadSchema);
      if (!created.ok) return created;
      // The create answer may leave out the items: then read the order back, by its number.
      const order = created.value._Item
        ? ok(created.value)
        : await client.getV4(SO_SERVICE_PATH, `SalesOrder(${literal(created.value.SalesOrder)})${query({ $expand: '_Item' })}`, SalesOrderReadSchema, 'erp.order_not_found', ctx);
      if (!order.ok) return order;
      return checked(SalesOrderSchema, withReference(toSalesOrder(order.value), input.externalRef));
    },

    async getSalesOrder(orderId, ctx) {
      if (!SAP_SALES_ORDER_NUMBER.test(orderId)) return fail('erp.order_not_found');
      const order = await client.getV4(SO_SERVICE_PATH, `SalesOrder(${literal(orderId)})${query({ $select: ORDER_SELECT, $expand: '_Item' })}`, SalesOrderReadSchema, 'erp.order_not_found', ctx);
      return order.ok ? checked(SalesOrderSchema, toSalesOrder(order.value)) : order;
    },

    async listInvoices(customerId, options, ctx) {
      if (!SAP_PARTNER_NUMBER.test(customerId)) return notFound();
      const limit = pageSize(options.limit, MAX_INVOICE_PAGE);
      const status = options.status === 'open' ? `ClearingAccountingDocument eq ''` : options.status === 'paid' ? `ClearingAccountingDocument ne ''` : '';
      const items = await lineItems(customerId, and(`AccountingDocumentType eq '${INVOICE_DOCUMENT_TYPE}'`, status), 'NetDueDate asc,AccountingDocument asc', limit, ctx);
      if (!items.ok) return items;
      if (items.value.length === 0) {
        const exists = await mustExist(customerId, ctx);
        if (!exists.ok) return exists;
      }
      const now = clock.now();
      return collect(items.value, (item) => checked(InvoiceSchema, toInvoice(item, now)));
    },

    async listPayments(customerId, options, ctx) {
      if (!SAP_PARTNER_NUMBER.test(customerId)) return notFound();
      const limit = pageSize(options.limit, MAX_PAYMENT_PAGE);
      const payments = await lineItems(customerId, `AccountingDocumentType eq '${PAYMENT_DOCUMENT_TYPE}'`, 'PostingDate desc,AccountingDocument desc', limit, ctx);
      if (!payments.ok) return payments;
      if (payments.value.length === 0) {
        const exists = await mustExist(customerId, ctx);
        return exists.ok ? ok([]) : exists;
      }
      // The invoices each payment cleared: their lines name the payment as clearing document.
      const numbers = [...new Set(payments.value.map((p) => p.AccountingDocument))];
      const cleared = await lineItems(customerId, and(`AccountingDocumentType eq '${INVOICE_DOCUMENT_TYPE}'`, anyOf('ClearingAccountingDocument', numbers)), undefined, 1_000, ctx);
      if (!cleared.ok) return cleared;
      const applied = (payment: ArItem) =>
        cleared.value.filter((i) => i.ClearingAccountingDocument === payment.AccountingDocument && i.CompanyCode === payment.CompanyCode).map((i) => `${i.CompanyCode}-${i.FiscalYear}-${i.AccountingDocument}`);
      return collect(payments.value, (p) => checked(PaymentSchema, toPayment(p, applied(p))));
    },
  };
};

/** The caller's reference on an order read back (a hashed key cannot be read back, but we know it). */
const withReference = <T extends { externalRef?: string }>(order: Result<T>, externalRef: string): Result<T> => (order.ok ? ok({ ...order.value, externalRef }) : order);

const collect = <T, U>(items: readonly T[], map: (item: T) => Result<U>): Result<U[]> => {
  const out: U[] = [];
  for (const item of items) {
    const mapped = map(item);
    if (!mapped.ok) return mapped;
    out.push(mapped.value);
  }
  return ok(out);
};
