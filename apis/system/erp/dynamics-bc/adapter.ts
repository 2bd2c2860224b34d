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
import type { Clock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { ErpPort } from '../contract.js';
import { createDynamicsBcClient } from './client.js';
import type { DynamicsBcConfig } from './config.js';
import { createCreditProfileReads } from './credit-profile.js';
import { createCustomerWrites } from './customer-writes.js';
import { createCustomerReads } from './customers.js';
import { createInvoiceAndPaymentReads } from './invoices-and-payments.js';
import { createSalesOrderOperations } from './sales-orders.js';

export { bcErrorCode } from './client.js';

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

/** The ERP port assembled from its operation groups over one Business Central client (see the header). */
export const createDynamicsBcErpAdapter = (config: DynamicsBcConfig, deps: DynamicsBcAdapterDeps): ErpPort => {
  const client = createDynamicsBcClient(config, deps);
  const customers = createCustomerReads(client);
  const { createOrMatchCustomer } = createCustomerWrites(client, customers);
  const { getCreditProfile } = createCreditProfileReads(client);
  const { createSalesOrder, getSalesOrder } = createSalesOrderOperations(client);
  const { listInvoices, listPayments } = createInvoiceAndPaymentReads(client);
  return {
    getCustomer: customers.getCustomer,
    findCustomers: customers.findCustomers,
    createOrMatchCustomer,
    getCreditProfile,
    createSalesOrder,
    getSalesOrder,
    listInvoices,
    listPayments,
  };
};
