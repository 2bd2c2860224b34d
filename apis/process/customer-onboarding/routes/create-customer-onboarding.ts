import { createRoute } from '@hono/zod-openapi';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OperationSchema, operationPath, toOperation } from '../../runs/operation-schema.js';
import { throwUnlessSucceeded } from '../../runs/run-answer.js';
import { CustomerOnboardingRequestSchema } from '../schemas.js';
import type { CustomerOnboardingWorkflow } from '../workflow.js';

const route = createRoute({
  method: 'post',
  path: '/customer-onboardings',
  operationId: 'createCustomerOnboarding',
  tags: ['onboarding'],
  summary: 'Onboard a CRM account: the customer in ERP and billing, the organisation in support, the ids back in the CRM',
  description: [
    'Runs the onboarding steps in order, each idempotent on the canonical customer id: match or create the legal customer in the ERP (natural keys first), create the billing customer, create the support organisation and set its SLA tier, write the ids back onto the CRM account. Every id is linked in the identity cross-reference.',
    'The run is recorded before the first write and after every step, and is readable as an operation. When a step fails the answer is that step’s problem (502, 503 or 504) with `operationId`; when a step needs a person it is 409 `business-exception` with `remediation`. Resume with `POST /operations/{operationId}/resume`, or send this request again: a failed or parked run of the same account is resumed (with the new data), and finished steps are never executed twice.',
  ].join('\n\n'),
  security: [{ oauth2: ['onboarding:write'] }],
  request: { body: { required: true, content: { 'application/json': { schema: CustomerOnboardingRequestSchema } } } },
  responses: {
    200: { description: 'An earlier failed or parked run of this account was resumed and has now succeeded', content: { 'application/json': { schema: OperationSchema } } },
    201: {
      description: 'Onboarded: every step succeeded',
      headers: { Location: { description: 'The operation (run record)', schema: { type: 'string' as const } } },
      content: { 'application/json': { schema: OperationSchema } },
    },
    ...problemResponses(404, 409, 413, 415, 422, 502, 504),
  },
});

export const registerCreateCustomerOnboarding = (router: Router, deps: { onboarding: CustomerOnboardingWorkflow }) =>
  router.openapi(route, async (c) => {
    const ctx = callContext(c);
    const { run, resumed } = await deps.onboarding.start(c.req.valid('json'), ctx.principal!.clientId, ctx);
    throwUnlessSucceeded(run);
    if (resumed) return c.json(toOperation(run), 200);
    return c.json(toOperation(run), 201, { location: operationPath(run.id) });
  });
