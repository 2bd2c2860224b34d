import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { MAX_PAYMENT_PAGE, PaymentSchema, type ErpPort } from '../contract.js';
import { CustomerParamsSchema, ERP_READ_SECURITY } from './params.js';

export const DEFAULT_PAYMENT_PAGE = 20;

/** A page size over the maximum is refused (422), never clamped silently (RELIABILITY.md B6). */
const QuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAYMENT_PAGE)
    .default(DEFAULT_PAYMENT_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `Payments to return, 1 to ${MAX_PAYMENT_PAGE}`, example: DEFAULT_PAYMENT_PAGE }),
});

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}/payments',
  operationId: 'listPayments',
  tags: ['erp'],
  summary: 'List the payments received from the customer',
  description: 'Payments received, newest first, each with the invoices it was applied to.',
  security: ERP_READ_SECURITY,
  request: { params: CustomerParamsSchema, query: QuerySchema },
  responses: {
    200: { description: 'Payments, newest first', content: { 'application/json': { schema: z.array(PaymentSchema).max(MAX_PAYMENT_PAGE) } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerListPayments = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const result = await deps.erp.listPayments(customerId, { limit }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
