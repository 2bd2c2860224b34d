// The Stripe billing adapter: its deps, and the billing port assembled from the client and the operation groups.
import type { Logger } from 'pino';
import type { Clock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { BillingPort } from '../contract.js';
import { createStripeClient } from './client.js';
import type { StripeConfig } from './config.js';
import { createCustomerOperations } from './customers.js';
import { createInvoiceOperations } from './invoices.js';
import { createSubscriptionWrites } from './subscription-writes.js';
import { createSubscriptionReads } from './subscriptions.js';

export { idempotencyKeyFor } from './client.js';

export interface StripeAdapterDeps {
  /** Pointed at `config.baseUrl` (`createUndiciHttpClient({ baseUrl })`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The gateway's share of Stripe's rate limits (`stripeLimitsFor(config)`), shared through Redis. */
  readonly budget?: OutboundBudget;
}

/**
 * The billing port over Stripe's REST API (the Billing objects: customers, subscriptions,
 * invoices), pinned to `Stripe-Version` 2023-08-16 — the version of the held OpenAPI spec whose
 * generated types (`openapi/vendors/stripe`) the requests and parsers are written against.
 *
 * Wire: `Authorization: Bearer sk_…`; form-encoded bodies and query strings in Stripe's bracket
 * notation (`items[0][price]`, `metadata[external_ref]`, `expand[]`); cursor pagination
 * (`limit`, `starting_after`, `has_more`) followed up to the caller's limit; `{error: {type, code,
 * param, message}}` bodies mapped to domain codes by type, code and param — the message is never
 * passed on or logged.
 *
 * Idempotency: creates look the reference up first (Search, `metadata['external_ref']:'…'`) and
 * then POST with an `Idempotency-Key` derived from it (`idempotencyKeyFor`), so they are sent with
 * `retry: true`: Stripe replays the first answer to a retried request, and Search — eventually
 * consistent — covers the time after Stripe's 24 h key retention. Updates (cancel at term end) are
 * idempotent by their nature and carry no key (a key would replay a stale answer after an
 * un-cancel); cancelling now reads first and treats "already cancelled" as done.
 *
 * Ids that cannot be Stripe ids are `…_not_found` without a call (RELIABILITY.md B7).
 *
 * @example const billing = createStripeBillingAdapter(config, { http: createUndiciHttpClient({ baseUrl: config.baseUrl }), clock: systemClock, logger, budget })
 */
export const createStripeBillingAdapter = (config: StripeConfig, deps: StripeAdapterDeps): BillingPort => {
  const client = createStripeClient(config, deps);
  const customers = createCustomerOperations(client);
  const subscriptions = createSubscriptionReads(client, customers);
  const writes = createSubscriptionWrites(client, customers, subscriptions);
  const invoices = createInvoiceOperations(client, customers);
  return {
    getCustomer: customers.getCustomer,
    createCustomer: customers.createCustomer,
    createSubscription: writes.createSubscription,
    getSubscription: subscriptions.getSubscription,
    listSubscriptions: subscriptions.listSubscriptions,
    listInvoices: invoices.listInvoices,
    cancelSubscription: writes.cancelSubscription,
  };
};
