import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OpportunityPatchSchema, OpportunitySchema, type CrmPort } from '../contract.js';
import { CRM_WRITE_SECURITY, OpportunityParamsSchema } from './params.js';

const route = createRoute({
  method: 'patch',
  path: '/opportunities/{opportunityId}',
  operationId: 'updateOpportunity',
  tags: ['crm'],
  summary: "Change an opportunity's stage, amount or close date",
  description:
    'Sets the given fields (at least one) and answers the opportunity as the CRM now holds it. Idempotent: sending the same change again changes nothing more. ' +
    "A stage the opportunity is already in, in the CRM's own finer terms, is left as it is.",
  security: CRM_WRITE_SECURITY,
  request: {
    params: OpportunityParamsSchema,
    body: { required: true, content: { 'application/json': { schema: OpportunityPatchSchema } } },
  },
  responses: {
    200: { description: 'The opportunity after the change', content: { 'application/json': { schema: OpportunitySchema } } },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerUpdateOpportunity = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { opportunityId } = c.req.valid('param');
    const result = await deps.crm.updateOpportunity(opportunityId, c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
