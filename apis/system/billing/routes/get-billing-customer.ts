import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { BillingCustomerSchema, type BillingPort } from '../contract.js';
import { BILLING_READ_SECURITY, CustomerParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}',
  operationId: 'getBillingCustomer',
  tags: ['billing'],
  summary: 'Read a customer from the billing platform',
  description: 'The customer as the subscription billing platform holds it: name, billing email, currency and the canonical reference stored on it.',
  security: BILLING_READ_SECURITY,
  request: { params: CustomerParamsSchema },
  responses: {
    200: { description: 'The billing customer', content: { 'application/json': { schema: BillingCustomerSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetBillingCustomer = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const result = await deps.billing.getCustomer(customerId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
