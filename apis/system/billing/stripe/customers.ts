// Billing customers over Stripe: read one (B7 id check, deleted = not found), and create (lookup by reference, then an idempotent POST).
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { StripeCustomerOrDeletedSchema, StripeCustomerSchema, StripeCustomerSearchSchema, type ParsedStripeCustomer } from '../../../../openapi/vendors/stripe/schemas.js';
import { STRIPE_CUSTOMER_ID, type PostCustomersBody } from '../../../../openapi/vendors/stripe/types.js';
import { BillingCustomerSchema, type BillingCustomer, type BillingPort } from '../contract.js';
import { idempotencyKeyFor, requestIdOf, VENDOR, type Params, type StripeClient } from './client.js';
import { METADATA, toBillingCustomer } from './mapper.js';

export const createCustomerOperations = (client: StripeClient) => {
  const { send, read, contract, findByReference, logger } = client;

  const getCustomerRecord = async (customerId: string, ctx: CallContext): Promise<Result<ParsedStripeCustomer>> => {
    if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
    const sent = await send({ method: 'GET', path: `/v1/customers/${customerId}`, retry: true }, ctx);
    const record = read(sent, StripeCustomerOrDeletedSchema, { missing: 'billing.customer_not_found' }, ctx);
    if (!record.ok) return record;
    if ('deleted' in record.value) return fail('billing.customer_not_found');
    return ok(record.value);
  };

  const operations: Pick<BillingPort, 'getCustomer' | 'createCustomer'> = {
    async getCustomer(customerId, ctx) {
      const record = await getCustomerRecord(customerId, ctx);
      return record.ok ? contract(BillingCustomerSchema, toBillingCustomer(record.value), 'customer') : record;
    },

    async createCustomer(input, ctx): Promise<Result<BillingCustomer>> {
      const existing = await findByReference('/v1/customers/search', input.externalRef, StripeCustomerSearchSchema, ctx);
      if (!existing.ok) return existing;
      if (existing.value) return contract(BillingCustomerSchema, toBillingCustomer(existing.value), 'customer');
      const form: PostCustomersBody = {
        name: input.name,
        ...(input.email ? { email: input.email } : {}),
        metadata: { [METADATA.externalRef]: input.externalRef, ...(input.currency ? { [METADATA.preferredCurrency]: input.currency } : {}) },
      };
      const sent = await send({ method: 'POST', path: '/v1/customers', form: form as Params, idempotencyKey: idempotencyKeyFor('customer', input.externalRef), retry: true }, ctx);
      const created = read(sent, StripeCustomerSchema, {}, ctx);
      if (!created.ok) return created;
      if (sent.ok && sent.value.headers['idempotent-replayed'] === 'true') logger?.info({ vendor: VENDOR, stripeRequestId: requestIdOf(sent.value) }, 'stripe replayed an earlier customer creation');
      return contract(BillingCustomerSchema, toBillingCustomer(created.value), 'customer');
    },
  };
  return { ...operations, getCustomerRecord };
};

export type CustomerOperations = ReturnType<typeof createCustomerOperations>;
