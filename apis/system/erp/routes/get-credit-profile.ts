import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CreditProfileSchema, type ErpPort } from '../contract.js';
import { CustomerParamsSchema, ERP_READ_SECURITY } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}/credit-profile',
  operationId: 'getCreditProfile',
  tags: ['erp'],
  summary: "Read the customer's credit profile",
  description: 'Credit limit, open and overdue receivables, unbilled orders, days overdue and credit hold, as of the time of reading.',
  security: ERP_READ_SECURITY,
  request: { params: CustomerParamsSchema },
  responses: {
    200: { description: 'The credit profile', content: { 'application/json': { schema: CreditProfileSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetCreditProfile = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const result = await deps.erp.getCreditProfile(customerId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
