import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CrmAccountSchema, type CrmPort } from '../contract.js';
import { AccountParamsSchema, CRM_READ_SECURITY } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/accounts/{accountId}',
  operationId: 'getCrmAccount',
  tags: ['crm'],
  summary: 'Read a CRM account by its CRM id',
  description: "The account as the CRM holds it (name, industry, website, billing country, owner), with its primary contact, keyed by the CRM's own account id.",
  security: CRM_READ_SECURITY,
  request: { params: AccountParamsSchema },
  responses: {
    200: { description: 'The account', content: { 'application/json': { schema: CrmAccountSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetCrmAccount = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { accountId } = c.req.valid('param');
    const result = await deps.crm.getAccount(accountId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
