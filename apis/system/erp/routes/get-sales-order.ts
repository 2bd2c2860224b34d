import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { SalesOrderSchema, type ErpPort } from '../contract.js';
import { ERP_READ_SECURITY, OrderParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/sales-orders/{orderId}',
  operationId: 'getSalesOrder',
  tags: ['erp'],
  summary: 'Read a sales order from the ERP',
  description: 'The order as the ERP holds it: order number, status, lines and total.',
  security: ERP_READ_SECURITY,
  request: { params: OrderParamsSchema },
  responses: {
    200: { description: 'The sales order', content: { 'application/json': { schema: SalesOrderSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetSalesOrder = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const { orderId } = c.req.valid('param');
    const result = await deps.erp.getSalesOrder(orderId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
