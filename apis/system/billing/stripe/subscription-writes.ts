// Subscription writes over Stripe: create (lookup by reference, then an idempotent POST) and cancel (now, or at term end).
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, type Result } from '../../../../shared/result.js';
import { StripeSubscriptionSchema, StripeSubscriptionSearchSchema, type ParsedStripeSubscription } from '../../../../openapi/vendors/stripe/schemas.js';
import {
  STRIPE_CUSTOMER_ID,
  STRIPE_PRICE_ID,
  type DeleteSubscriptionBody,
  type PostSubscriptionBody,
  type PostSubscriptionsBody,
} from '../../../../openapi/vendors/stripe/types.js';
import type { BillingPort } from '../contract.js';
import { idempotencyKeyFor, SUBSCRIPTION_EXPAND, type Params, type StripeClient } from './client.js';
import type { CustomerOperations } from './customers.js';
import { currentTermOf, METADATA, termEndsWithPeriod, unixOfDate } from './mapper.js';
import { isoDate } from './periods.js';
import type { SubscriptionReads } from './subscriptions.js';

export const createSubscriptionWrites = (
  client: StripeClient,
  customers: Pick<CustomerOperations, 'getCustomerRecord'>,
  reads: Pick<SubscriptionReads, 'getSubscriptionRecord' | 'subscriptionOut' | 'withAmounts'>,
): Pick<BillingPort, 'createSubscription' | 'cancelSubscription'> => {
  const { send, read, findByReference, errorParamOf, clock } = client;
  const { getCustomerRecord } = customers;
  const { getSubscriptionRecord, subscriptionOut, withAmounts } = reads;

  /** An update of one subscription (`POST /v1/subscriptions/{id}`), naturally idempotent: retried, no key. */
  const updateSubscription = async (subscriptionId: string, form: PostSubscriptionBody, ctx: CallContext) =>
    read(
      await send({ method: 'POST', path: `/v1/subscriptions/${subscriptionId}`, form: form as Params, retry: true }, ctx),
      StripeSubscriptionSchema,
      { missing: 'billing.subscription_not_found' },
      ctx,
    );

  return {
    async createSubscription(input, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(input.customerId)) return fail('billing.customer_not_found');
      if (!STRIPE_PRICE_ID.test(input.planId)) return fail('billing.plan_not_found');
      const existing = await findByReference('/v1/subscriptions/search', input.externalRef, StripeSubscriptionSearchSchema, ctx);
      if (!existing.ok) return existing;
      if (existing.value) {
        const owner = typeof existing.value.customer === 'string' ? existing.value.customer : existing.value.customer.id;
        // The reference is already another customer's subscription: not a retry of this request.
        if (owner !== input.customerId) return fail('billing.invalid_state');
        const full = await withAmounts(existing.value, ctx);
        return full.ok ? subscriptionOut(full.value) : full;
      }
      const customer = await getCustomerRecord(input.customerId, ctx);
      if (!customer.ok) return customer;
      const today = isoDate(clock.now());
      const startOn = input.startOn ?? today;
      // The currency asked for when the customer was created, if any. Never derived from the
      // customer's own `currency`: Stripe sets that with this very subscription, and a retry must
      // send the same body as the first attempt (or Stripe refuses the idempotency key).
      const preferred = customer.value.metadata?.[METADATA.preferredCurrency];
      const form: PostSubscriptionsBody = {
        customer: input.customerId,
        items: [{ price: input.planId, quantity: input.quantity }],
        metadata: {
          [METADATA.externalRef]: input.externalRef,
          [METADATA.termMonths]: String(input.termMonths),
          ...(startOn > today ? { [METADATA.startOn]: startOn } : {}),
        },
        ...(preferred && /^[A-Za-z]{3}$/.test(preferred) ? { currency: preferred.toLowerCase() } : {}),
        // Starts later: a trial until then (subscription schedules are outside the held spec). Earlier: backdated.
        ...(startOn > today ? { trial_end: unixOfDate(startOn) } : {}),
        ...(startOn < today ? { backdate_start_date: unixOfDate(startOn) } : {}),
        expand: SUBSCRIPTION_EXPAND,
      };
      const sent = await send(
        { method: 'POST', path: '/v1/subscriptions', form: form as Params, idempotencyKey: idempotencyKeyFor('subscription', input.externalRef), retry: true },
        ctx,
      );
      const created = read(sent, StripeSubscriptionSchema, { params: { customer: 'billing.customer_not_found', items: 'billing.plan_not_found' } }, ctx);
      if (!created.ok) {
        // The plan exists but not in the customer's currency ("You cannot combine currencies on a
        // single customer", or a price without that currency option): a conflict with the customer.
        if (!sent.ok || sent.value.status !== 400 || created.error.code !== 'vendor.error') return created;
        const param = errorParamOf(sent.value);
        return param === 'currency' || param?.startsWith('items[') ? fail('billing.invalid_state') : created;
      }
      return subscriptionOut(created.value);
    },

    async cancelSubscription(subscriptionId, options, ctx) {
      const current = await getSubscriptionRecord(subscriptionId, ctx);
      if (!current.ok) return current;
      const before = subscriptionOut(current.value);
      if (!before.ok) return before;
      // Idempotent: an ended subscription, or one already ending at term end, is answered as it is.
      if (before.value.status === 'cancelled') return before;
      if (options.atTermEnd && before.value.cancelAtTermEnd) return before;

      let updated: Result<ParsedStripeSubscription>;
      if (options.atTermEnd) {
        const form: PostSubscriptionBody = termEndsWithPeriod(current.value)
          ? { cancel_at_period_end: true, expand: SUBSCRIPTION_EXPAND }
          : // The committed term outlasts the billing period: cancel at the term's end, without a proration.
            { cancel_at: Math.floor(currentTermOf(current.value).endMs / 1000), proration_behavior: 'none', expand: SUBSCRIPTION_EXPAND };
        updated = await updateSubscription(subscriptionId, form, ctx);
      } else {
        const form: DeleteSubscriptionBody = { expand: SUBSCRIPTION_EXPAND };
        const sent = await send({ method: 'DELETE', path: `/v1/subscriptions/${subscriptionId}`, form: form as Params, retry: true }, ctx);
        updated = read(sent, StripeSubscriptionSchema, { missing: 'billing.subscription_not_found' }, ctx);
      }
      if (!updated.ok && updated.error.code === 'vendor.error' && !updated.error.retryable) {
        // A retried cancel whose first attempt went through is refused as "already canceled": read it back.
        const after = await getSubscriptionRecord(subscriptionId, ctx);
        if (after.ok) {
          const mapped = subscriptionOut(after.value);
          if (mapped.ok && (mapped.value.status === 'cancelled' || (options.atTermEnd && mapped.value.cancelAtTermEnd))) return mapped;
        }
      }
      return updated.ok ? subscriptionOut(updated.value) : updated;
    },
  };
};
