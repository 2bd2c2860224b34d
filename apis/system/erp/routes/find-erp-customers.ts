import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CustomerQuerySchema, ErpCustomerSchema, type ErpPort } from '../contract.js';
import { ERP_READ_SECURITY } from './params.js';

/** At most this many customers are answered (the contract's bound). */
const MAX_FOUND = 20;

const route = createRoute({
  method: 'get',
  path: '/customers',
  operationId: 'findErpCustomers',
  tags: ['erp'],
  summary: 'Find ERP customers by tax id or legal name',
  description:
    'Customers matching every criterion given: the tax id (spaces and case ignored), the legal name (exact, case-insensitive) and the billing country. Give `taxId` or `legalName`. An empty list when none matches; at most 20.',
  security: ERP_READ_SECURITY,
  request: { query: CustomerQuerySchema },
  responses: {
    200: { description: 'The matching customers, lowest id first', content: { 'application/json': { schema: z.array(ErpCustomerSchema).max(MAX_FOUND) } } },
    ...problemResponses(422, 502, 504),
  },
});

export const registerFindErpCustomers = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.erp.findCustomers(c.req.valid('query'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value.slice(0, MAX_FOUND), 200);
  });
