import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { MAX_BILLING_PAGE, SubscriptionSchema, type BillingPort } from '../contract.js';
import { BILLING_READ_SECURITY, CustomerParamsSchema, LimitQuerySchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}/subscriptions',
  operationId: 'listSubscriptions',
  tags: ['billing'],
  summary: "List the customer's subscriptions",
  description: 'Every subscription of the customer, cancelled ones included, newest first: status, plan, quantity, current term, renewal date and MRR.',
  security: BILLING_READ_SECURITY,
  request: { params: CustomerParamsSchema, query: LimitQuerySchema('Subscriptions') },
  responses: {
    200: { description: 'Subscriptions, newest first', content: { 'application/json': { schema: z.array(SubscriptionSchema).max(MAX_BILLING_PAGE) } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerListSubscriptions = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const result = await deps.billing.listSubscriptions(customerId, { limit }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
