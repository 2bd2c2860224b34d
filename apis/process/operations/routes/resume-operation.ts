import { createRoute } from '@hono/zod-openapi';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OperationSchema, toOperation } from '../../runs/operation-schema.js';
import { throwUnlessSucceeded } from '../../runs/run-answer.js';
import type { Operations } from '../operations.js';
import { OperationParamsSchema } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/operations/{operationId}/resume',
  operationId: 'resumeOperation',
  tags: ['operations'],
  summary: 'Resume a failed or parked run from its first unfinished step',
  description:
    'Steps that succeeded are not executed again; the unfinished ones run in order, each idempotent. A run that already succeeded is answered as it is, without calling any system. 409 `request-in-progress` while another execution holds the run; a step that fails again answers as it did the first time, with `operationId`.',
  security: [{ oauth2: ['operations:write'] }],
  request: { params: OperationParamsSchema },
  responses: {
    200: { description: 'The run has succeeded', content: { 'application/json': { schema: OperationSchema } } },
    ...problemResponses(404, 409, 422, 502, 504),
  },
});

export const registerResumeOperation = (router: Router, deps: { operations: Operations }) =>
  router.openapi(route, async (c) => {
    const run = await deps.operations.resume(c.req.valid('param').operationId, callContext(c));
    throwUnlessSucceeded(run);
    return c.json(toOperation(run), 200);
  });
