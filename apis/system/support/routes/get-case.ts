import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CaseSchema, type SupportPort } from '../contract.js';
import { CaseParamsSchema, SUPPORT_READ_SECURITY } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/cases/{caseId}',
  operationId: 'getCase',
  tags: ['support'],
  summary: 'Read a case',
  description: 'Severity, status, escalation and whether its SLA target has been missed.',
  security: SUPPORT_READ_SECURITY,
  request: { params: CaseParamsSchema },
  responses: {
    200: { description: 'The case', content: { 'application/json': { schema: CaseSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetCase = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const { caseId } = c.req.valid('param');
    const result = await deps.support.getCase(caseId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
