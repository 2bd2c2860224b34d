import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { InvoiceSchema, MAX_INVOICE_PAGE, type ErpPort } from '../contract.js';
import { CustomerParamsSchema, ERP_READ_SECURITY } from './params.js';

export const DEFAULT_INVOICE_PAGE = 20;

/** A page size over the maximum is refused (422), never clamped silently (RELIABILITY.md B6). */
const QuerySchema = z.strictObject({
  status: z
    .enum(['open', 'paid', 'all'])
    .default('open')
    .openapi({ param: { name: 'status', in: 'query' }, description: '`open`: unpaid, overdue ones included (default); `paid`: paid in full; `all`: both', example: 'open' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_INVOICE_PAGE)
    .default(DEFAULT_INVOICE_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `Invoices to return, 1 to ${MAX_INVOICE_PAGE}`, example: DEFAULT_INVOICE_PAGE }),
});

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}/invoices',
  operationId: 'listInvoices',
  tags: ['erp'],
  summary: "List the customer's invoices",
  description: 'Invoices of the given status, oldest due date first, each with its payment status, days overdue and aging bucket.',
  security: ERP_READ_SECURITY,
  request: { params: CustomerParamsSchema, query: QuerySchema },
  responses: {
    200: { description: 'Invoices, oldest due date first', content: { 'application/json': { schema: z.array(InvoiceSchema).max(MAX_INVOICE_PAGE) } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerListInvoices = (router: Router, deps: { erp: ErpPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const { status, limit } = c.req.valid('query');
    const result = await deps.erp.listInvoices(customerId, { status, limit }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
