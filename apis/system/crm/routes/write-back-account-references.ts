import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { ExternalReferencesSchema, type CrmPort } from '../contract.js';
import { AccountParamsSchema, CRM_WRITE_SECURITY, refuseReferences } from './params.js';

const route = createRoute({
  method: 'put',
  path: '/accounts/{accountId}/external-references',
  operationId: 'writeBackAccountReferences',
  tags: ['crm'],
  summary: "Write other systems' ids onto a CRM account",
  description:
    'Sets the ERP customer id, billing customer id and support organisation id given (at least one) on the account; references not given are left as they are. ' +
    'Idempotent. `orderNumber` belongs on an opportunity and is refused here (422).',
  security: CRM_WRITE_SECURITY,
  request: {
    params: AccountParamsSchema,
    body: { required: true, content: { 'application/json': { schema: ExternalReferencesSchema } } },
  },
  responses: {
    204: { description: 'Written' },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerWriteBackAccountReferences = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { accountId } = c.req.valid('param');
    const references = c.req.valid('json');
    refuseReferences(references, ['orderNumber'], 'the order number is written onto an opportunity');
    const result = await deps.crm.writeBackReferences({ kind: 'account', id: accountId }, references, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.body(null, 204);
  });
