import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { SubscriptionSchema, type BillingPort } from '../contract.js';
import { BILLING_WRITE_SECURITY, SubscriptionParamsSchema } from './params.js';

export const CancelSubscriptionRequestSchema = z
  .strictObject({
    atTermEnd: z.boolean().openapi({ description: 'true: the subscription ends when its committed term does (no renewal); false: it ends now' }),
  })
  .openapi('CancelSubscriptionRequest');

const route = createRoute({
  method: 'post',
  path: '/subscriptions/{subscriptionId}/cancel',
  operationId: 'cancelSubscription',
  tags: ['billing'],
  summary: 'Cancel a subscription now or at the end of its term',
  description: 'Idempotent: cancelling a cancelled subscription, or one already ending at term end, answers its state unchanged.',
  security: BILLING_WRITE_SECURITY,
  request: { params: SubscriptionParamsSchema, body: { required: true, content: { 'application/json': { schema: CancelSubscriptionRequestSchema } } } },
  responses: {
    200: { description: 'The subscription after the cancellation', content: { 'application/json': { schema: SubscriptionSchema } } },
    ...problemResponses(404, 409, 413, 415, 422, 502, 504),
  },
});

export const registerCancelSubscription = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const { subscriptionId } = c.req.valid('param');
    const { atTermEnd } = c.req.valid('json');
    const result = await deps.billing.cancelSubscription(subscriptionId, { atTermEnd }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
