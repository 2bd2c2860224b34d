import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { ErpCustomerSchema, type ErpPort } from '../contract.js';
import { CustomerParamsSchema, ERP_READ_SECURITY } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}',
  operationId: 'getErpCustomer',
  tags: ['erp'],
  summary: 'Read the legal customer from the ERP',
  description: 'The customer as the ERP (system of record) holds it: legal name, contact, tax id, currency, status, billing address.',
  security: ERP_READ_SECURITY,
  request: { params: CustomerParamsSchema },
  responses: {
    200: { description: 'The customer', content: { 'application/json': { schema: ErpCustomerSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetErpCustomer = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const result = await deps.erp.getCustomer(customerId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
