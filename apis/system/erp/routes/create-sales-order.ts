import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { NewSalesOrderSchema, SalesOrderSchema, type ErpPort } from '../contract.js';
import { ERP_WRITE_SECURITY, LOCATION_HEADER, locationOf } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/sales-orders',
  operationId: 'createSalesOrder',
  tags: ['erp'],
  summary: 'Create a sales order in the ERP',
  description:
    "Books the order for an ERP customer and answers it with the ERP's authoritative order number. Idempotent on `externalRef`: a retry (after a timeout, say) answers the one order, never a second. 404 when the customer does not exist; 422 when a line names an unknown item.",
  security: ERP_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewSalesOrderSchema } } } },
  responses: {
    201: { description: 'The sales order (also when a retry found the one created before)', headers: LOCATION_HEADER, content: { 'application/json': { schema: SalesOrderSchema } } },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerCreateSalesOrder = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.erp.createSalesOrder(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 201, { location: locationOf(c.req.path, result.value.id) });
  });
