// Subscription reads over Stripe: one record (with currency options), its mapping to the contract, and a customer's list.
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { StripeSubscriptionListSchema, StripeSubscriptionSchema, type ParsedStripeSubscription } from '../../../../openapi/vendors/stripe/schemas.js';
import { STRIPE_CUSTOMER_ID, STRIPE_SUBSCRIPTION_ID, type GetSubscriptionQuery, type GetSubscriptionsQuery } from '../../../../openapi/vendors/stripe/types.js';
import { SubscriptionSchema, type BillingPort, type Subscription } from '../contract.js';
import { DOMAIN, SUBSCRIPTION_EXPAND, VENDOR, type StripeClient } from './client.js';
import type { CustomerOperations } from './customers.js';
import { hasAmounts, toSubscription } from './mapper.js';

export const createSubscriptionReads = (client: StripeClient, customers: Pick<CustomerOperations, 'getCustomerRecord'>) => {
  const { send, read, contract, collect, clampLimit, clock, logger } = client;
  const { getCustomerRecord } = customers;

  const subscriptionOut = (s: ParsedStripeSubscription): Result<Subscription> => {
    const mapped = toSubscription(s, clock.now());
    if (!mapped) {
      logger?.warn({ vendor: VENDOR, subscription: s.id }, 'stripe subscription has no per-unit price in its currency (tiered or metered)');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return contract(SubscriptionSchema, mapped, 'subscription');
  };

  const getSubscriptionRecord = async (subscriptionId: string, ctx: CallContext): Promise<Result<ParsedStripeSubscription>> => {
    if (!STRIPE_SUBSCRIPTION_ID.test(subscriptionId)) return fail('billing.subscription_not_found');
    const query: GetSubscriptionQuery = { expand: SUBSCRIPTION_EXPAND };
    const sent = await send({ method: 'GET', path: `/v1/subscriptions/${subscriptionId}`, query, retry: true }, ctx);
    return read(sent, StripeSubscriptionSchema, { missing: 'billing.subscription_not_found' }, ctx);
  };

  /** A subscription with its amounts: list answers lack currency options (Stripe expands at most 4 levels), so those are read one by one. */
  const withAmounts = async (s: ParsedStripeSubscription, ctx: CallContext): Promise<Result<ParsedStripeSubscription>> =>
    hasAmounts(s) ? ok(s) : getSubscriptionRecord(s.id, ctx);

  const operations: Pick<BillingPort, 'getSubscription' | 'listSubscriptions'> = {
    async getSubscription(subscriptionId, ctx) {
      const record = await getSubscriptionRecord(subscriptionId, ctx);
      return record.ok ? subscriptionOut(record.value) : record;
    },

    async listSubscriptions(customerId, options, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
      const limit = clampLimit(options.limit);
      const records = await collect(limit, async (size, startingAfter) => {
        // `status=all`: cancelled subscriptions too (Stripe's default leaves them out).
        const query: GetSubscriptionsQuery = { customer: customerId, status: 'all', limit: size, ...(startingAfter ? { starting_after: startingAfter } : {}) };
        return read(await send({ method: 'GET', path: '/v1/subscriptions', query, retry: true }, ctx), StripeSubscriptionListSchema, { params: { customer: 'billing.customer_not_found' } }, ctx);
      });
      if (!records.ok) return records;
      if (records.value.length === 0) {
        // Stripe answers an unknown customer filter with resource_missing; a deleted customer lists nothing: tell them apart.
        const probe = await getCustomerRecord(customerId, ctx);
        if (!probe.ok) return probe;
      }
      const out: Subscription[] = [];
      for (const record of records.value) {
        const full = await withAmounts(record, ctx);
        if (!full.ok) return full;
        const mapped = subscriptionOut(full.value);
        if (!mapped.ok) return mapped;
        out.push(mapped.value);
      }
      return ok(out);
    },
  };
  return { ...operations, getSubscriptionRecord, subscriptionOut, withAmounts };
};

export type SubscriptionReads = ReturnType<typeof createSubscriptionReads>;
