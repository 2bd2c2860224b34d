import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { NewSubscriptionSchema, SubscriptionSchema, type BillingPort } from '../contract.js';
import { BILLING_WRITE_SECURITY, LOCATION_HEADER, locationOf } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/subscriptions',
  operationId: 'createSubscription',
  tags: ['billing'],
  summary: 'Create a subscription for a billing customer',
  description:
    'Plan, quantity, committed term and start date (a future date makes it `future`). Idempotent on `externalRef` (e.g. the ERP order number and line): a retry answers the subscription created the first time. An unknown plan is a 422; a reference already used for other data, or a plan not sold in the customer\'s currency, is a 409.',
  security: BILLING_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewSubscriptionSchema } } } },
  responses: {
    201: { description: 'The subscription', headers: LOCATION_HEADER, content: { 'application/json': { schema: SubscriptionSchema } } },
    ...problemResponses(404, 409, 413, 415, 422, 502, 504),
  },
});

export const registerCreateSubscription = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.billing.createSubscription(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    c.header('location', locationOf(c.req.url, result.value.id));
    return c.json(result.value, 201);
  });
