import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CaseSchema, NewCaseSchema, type SupportPort } from '../contract.js';
import { SUPPORT_WRITE_SECURITY } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/cases',
  operationId: 'createCase',
  tags: ['support'],
  summary: 'Open a case for an organisation',
  description:
    'Idempotent on `externalRef`: a retry, or a second call with the same reference, answers the case that already carries it. An unknown organisation is 404.',
  security: SUPPORT_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewCaseSchema } } } },
  responses: {
    201: { description: 'The case (opened now, or earlier with the same externalRef)', content: { 'application/json': { schema: CaseSchema } } },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerCreateCase = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.support.createCase(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 201);
  });
