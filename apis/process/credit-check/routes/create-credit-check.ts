import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CreditCheckRequestSchema, CreditCheckSchema } from '../schemas.js';
import type { CreditCheckWorkflow } from '../workflow.js';

const route = createRoute({
  method: 'post',
  path: '/credit-checks',
  operationId: 'createCreditCheck',
  tags: ['credit'],
  summary: 'Decide whether an order of a given amount can be accepted on credit',
  description:
    'Called synchronously by the CRM before order submission. Reads the ERP credit profile of the account (cached briefly, concurrent look-ups coalesced) and answers approve, review or decline with every reason that applies.',
  security: [{ oauth2: ['credit:check'] }],
  request: { body: { required: true, content: { 'application/json': { schema: CreditCheckRequestSchema } } } },
  responses: {
    200: { description: 'The credit decision', content: { 'application/json': { schema: CreditCheckSchema } } },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerCreateCreditCheck = (router: Router, deps: { creditCheck: CreditCheckWorkflow }) =>
  router.openapi(route, async (c) => {
    const result = await deps.creditCheck.run(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
