import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CrmAccountSchema, type CrmPort } from '../contract.js';
import { CRM_READ_SECURITY, ExternalIdQuerySchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/accounts',
  operationId: 'findCrmAccountByExternalId',
  tags: ['crm'],
  summary: 'Find the CRM account carrying an external id',
  description:
    'Looks the account up by the id other systems know it by (the canonical customer id). Answers the single matching account, or 404 when none matches.',
  security: CRM_READ_SECURITY,
  request: { query: ExternalIdQuerySchema },
  responses: {
    200: { description: 'The matching account', content: { 'application/json': { schema: CrmAccountSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerFindCrmAccountByExternalId = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { externalId } = c.req.valid('query');
    const result = await deps.crm.findAccountByExternalId(externalId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
