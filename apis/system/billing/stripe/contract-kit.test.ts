import { describeBillingContract } from '../contract-kit.js';
import { sandboxStripeAdapter, serveStripeSandbox } from './sandbox-harness.js';

// The billing contract's shared behavioural suite, run against the Stripe adapter and sandbox.
describeBillingContract('stripe', async () => {
  const sandbox = await serveStripeSandbox();
  const { billing, close } = sandboxStripeAdapter(sandbox.baseUrl);
  return {
    port: billing,
    idOf: (company) => company.vendorIds.stripeCustomerId,
    unknownCustomerId: 'cus_NoSuchCustomer01',
    unknownSubscriptionId: 'sub_NoSuchSubscription',
    async close() {
      await close();
      await sandbox.close();
    },
  };
});
