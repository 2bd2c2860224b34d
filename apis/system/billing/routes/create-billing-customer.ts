import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { BillingCustomerSchema, NewBillingCustomerSchema, type BillingPort } from '../contract.js';
import { BILLING_WRITE_SECURITY, LOCATION_HEADER, locationOf } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/customers',
  operationId: 'createBillingCustomer',
  tags: ['billing'],
  summary: 'Create a customer in the billing platform',
  description:
    'Idempotent on `externalRef` (the canonical customer id): a retry with the same reference answers the customer created the first time, never a second one. The same reference with different data is a 409.',
  security: BILLING_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewBillingCustomerSchema } } } },
  responses: {
    201: { description: 'The billing customer', headers: LOCATION_HEADER, content: { 'application/json': { schema: BillingCustomerSchema } } },
    ...problemResponses(409, 413, 415, 422, 502, 504),
  },
});

export const registerCreateBillingCustomer = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.billing.createCustomer(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    c.header('location', locationOf(c.req.url, result.value.id));
    return c.json(result.value, 201);
  });
