import { createRouter } from '../../../shared/http/create-router.js';
import type { BillingPort } from './contract.js';
import { registerCancelSubscription } from './routes/cancel-subscription.js';
import { registerCreateBillingCustomer } from './routes/create-billing-customer.js';
import { registerCreateSubscription } from './routes/create-subscription.js';
import { registerGetBillingCustomer } from './routes/get-billing-customer.js';
import { registerGetSubscription } from './routes/get-subscription.js';
import { registerListBillingInvoices } from './routes/list-billing-invoices.js';
import { registerListSubscriptions } from './routes/list-subscriptions.js';

/**
 * The billing system API, mounted by the caller at `/system/v1/billing`: whichever vendor backs
 * `billing` (Stripe, Chargebee), the routes speak the contract. Reads need `billing:read`, writes
 * `billing:write`.
 *
 * @example systemRouter.route('/billing', createBillingRouter({ billing }))
 */
export const createBillingRouter = (deps: { billing: BillingPort }) => {
  const router = createRouter();
  registerGetBillingCustomer(router, deps);
  registerCreateBillingCustomer(router, deps);
  registerListSubscriptions(router, deps);
  registerListBillingInvoices(router, deps);
  registerCreateSubscription(router, deps);
  registerGetSubscription(router, deps);
  registerCancelSubscription(router, deps);
  return router;
};
