import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { SubscriptionSchema, type BillingPort } from '../contract.js';
import { BILLING_READ_SECURITY, SubscriptionParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/subscriptions/{subscriptionId}',
  operationId: 'getSubscription',
  tags: ['billing'],
  summary: 'Read a subscription',
  description: 'Status, plan, quantity, the committed term the customer is in, renewal date (absent when it ends at term end) and MRR.',
  security: BILLING_READ_SECURITY,
  request: { params: SubscriptionParamsSchema },
  responses: {
    200: { description: 'The subscription', content: { 'application/json': { schema: SubscriptionSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetSubscription = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const { subscriptionId } = c.req.valid('param');
    const result = await deps.billing.getSubscription(subscriptionId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
