import { createRoute } from '@hono/zod-openapi';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OperationSchema, toOperation } from '../../runs/operation-schema.js';
import type { Operations } from '../operations.js';
import { OperationParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/operations/{operationId}',
  operationId: 'getOperation',
  tags: ['operations'],
  summary: 'The status of a process run: its steps, their attempts, errors and the ids they produced',
  description: 'Visible to the client that started the run, and to operators (`ops:admin`); 404 for anyone else. Runs are kept 30 days after their last change.',
  security: [{ oauth2: ['operations:read'] }],
  request: { params: OperationParamsSchema },
  responses: {
    200: { description: 'The operation', content: { 'application/json': { schema: OperationSchema } } },
    ...problemResponses(404, 422),
  },
});

export const registerGetOperation = (router: Router, deps: { operations: Operations }) =>
  router.openapi(route, async (c) => {
    const run = await deps.operations.get(c.req.valid('param').operationId, c.get('principal'));
    return c.json(toOperation(run), 200);
  });
