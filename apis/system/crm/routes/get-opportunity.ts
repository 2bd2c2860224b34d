import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OpportunitySchema, type CrmPort } from '../contract.js';
import { CRM_READ_SECURITY, OpportunityParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/opportunities/{opportunityId}',
  operationId: 'getOpportunity',
  tags: ['crm'],
  summary: 'Read a CRM opportunity by its CRM id',
  description:
    "The opportunity with its canonical stage (and the CRM's own stage name), amount, close date and the ERP order number written back to it, keyed by the CRM's own opportunity id.",
  security: CRM_READ_SECURITY,
  request: { params: OpportunityParamsSchema },
  responses: {
    200: { description: 'The opportunity', content: { 'application/json': { schema: OpportunitySchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetOpportunity = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { opportunityId } = c.req.valid('param');
    const result = await deps.crm.getOpportunity(opportunityId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
