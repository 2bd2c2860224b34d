import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { ExternalReferencesSchema, type CrmPort } from '../contract.js';
import { CRM_WRITE_SECURITY, OpportunityParamsSchema, refuseReferences } from './params.js';

const route = createRoute({
  method: 'put',
  path: '/opportunities/{opportunityId}/external-references',
  operationId: 'writeBackOpportunityReferences',
  tags: ['crm'],
  summary: 'Write the ERP order number onto a CRM opportunity',
  description:
    "Sets `orderNumber` (the ERP's authoritative order number, after order submit) on the opportunity. Idempotent. " +
    "The other systems' customer ids belong on the account and are refused here (422).",
  security: CRM_WRITE_SECURITY,
  request: {
    params: OpportunityParamsSchema,
    body: { required: true, content: { 'application/json': { schema: ExternalReferencesSchema } } },
  },
  responses: {
    204: { description: 'Written' },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerWriteBackOpportunityReferences = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { opportunityId } = c.req.valid('param');
    const references = c.req.valid('json');
    refuseReferences(references, ['erpCustomerId', 'billingCustomerId', 'supportOrganizationId'], 'customer ids are written onto the account');
    const result = await deps.crm.writeBackReferences({ kind: 'opportunity', id: opportunityId }, references, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.body(null, 204);
  });
