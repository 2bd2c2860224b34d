import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { ErpCustomerSchema, NewErpCustomerSchema, type ErpPort } from '../contract.js';
import { ERP_WRITE_SECURITY, LOCATION_HEADER, locationOf } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/customers',
  operationId: 'createOrMatchErpCustomer',
  tags: ['erp'],
  summary: 'Create the legal customer in the ERP, or match the one that exists',
  description:
    'Looks for the customer by `externalRef` (stored on the ERP record), then by tax id, then by legal name and country, and creates it only when none matches: 201 when created, 200 when matched. A retry with the same `externalRef` never creates a second customer. 409 when the natural keys match more than one customer.',
  security: ERP_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewErpCustomerSchema } } } },
  responses: {
    200: { description: 'An existing customer matched', content: { 'application/json': { schema: ErpCustomerSchema } } },
    201: { description: 'The customer was created', headers: LOCATION_HEADER, content: { 'application/json': { schema: ErpCustomerSchema } } },
    ...problemResponses(409, 413, 415, 422, 502, 504),
  },
});

export const registerCreateOrMatchErpCustomer = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.erp.createOrMatchCustomer(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    const { customer, outcome } = result.value;
    if (outcome === 'matched') return c.json(customer, 200);
    return c.json(customer, 201, { location: locationOf(c.req.path, customer.id) });
  });
