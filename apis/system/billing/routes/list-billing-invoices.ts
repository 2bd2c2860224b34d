import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { BillingInvoiceSchema, MAX_BILLING_PAGE, type BillingPort } from '../contract.js';
import { BILLING_READ_SECURITY, CustomerParamsSchema, LimitQuerySchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/customers/{customerId}/invoices',
  operationId: 'listBillingInvoices',
  tags: ['billing'],
  summary: "List the customer's recurring invoices",
  description: 'Invoices from the billing platform, newest first, with amounts paid and due and their payment status (paid, unpaid, partially paid, payment failed).',
  security: BILLING_READ_SECURITY,
  request: { params: CustomerParamsSchema, query: LimitQuerySchema('Invoices') },
  responses: {
    200: { description: 'Invoices, newest first', content: { 'application/json': { schema: z.array(BillingInvoiceSchema).max(MAX_BILLING_PAGE) } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerListBillingInvoices = (router: Router, deps: { billing: BillingPort }) =>
  router.openapi(route, async (c) => {
    const { customerId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const result = await deps.billing.listInvoices(customerId, { limit }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
