import { z } from '@hono/zod-openapi';
import { BillingCustomerIdSchema, MAX_BILLING_PAGE, SubscriptionIdSchema } from '../contract.js';

/** `{customerId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const CustomerParamsSchema = z.strictObject({
  customerId: BillingCustomerIdSchema.openapi({ param: { name: 'customerId', in: 'path' } }),
});

/** `{subscriptionId}`: the same strict pattern. */
export const SubscriptionParamsSchema = z.strictObject({
  subscriptionId: SubscriptionIdSchema.openapi({ param: { name: 'subscriptionId', in: 'path' } }),
});

export const DEFAULT_BILLING_PAGE = 20;

/** `?limit=`: a page size over the maximum is refused (422), never clamped silently (RELIABILITY.md B6); unknown parameters are refused. */
export const LimitQuerySchema = (what: string) =>
  z.strictObject({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_BILLING_PAGE)
      .default(DEFAULT_BILLING_PAGE)
      .openapi({ param: { name: 'limit', in: 'query' }, description: `${what} to return, 1 to ${MAX_BILLING_PAGE}`, example: DEFAULT_BILLING_PAGE }),
  });

/** The scopes billing system routes need, declared once per route in its `security`. */
export const BILLING_READ_SECURITY = [{ oauth2: ['billing:read'] }];
export const BILLING_WRITE_SECURITY = [{ oauth2: ['billing:write'] }];

/** The `Location` of a resource created by a POST to its collection (`…/customers` → `…/customers/{id}`). */
export const locationOf = (requestUrl: string, id: string): string => `${new URL(requestUrl).pathname.replace(/\/$/, '')}/${encodeURIComponent(id)}`;

export const LOCATION_HEADER = { Location: { description: 'The created (or, on a retry with the same externalRef, the existing) resource', schema: { type: 'string' as const } } };
