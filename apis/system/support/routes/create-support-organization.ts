import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { NewOrganizationSchema, OrganizationSchema, type SupportPort } from '../contract.js';
import { SUPPORT_WRITE_SECURITY } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/organizations',
  operationId: 'createSupportOrganization',
  tags: ['support'],
  summary: 'Create the support organisation of a customer',
  description:
    'Idempotent on `externalRef` (the canonical customer id, stored as the organisation\'s external id): a retry, or a second call with the same reference, answers the organisation that already carries it instead of creating another.',
  security: SUPPORT_WRITE_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewOrganizationSchema } } } },
  responses: {
    201: { description: 'The organisation (created now, or earlier with the same externalRef)', content: { 'application/json': { schema: OrganizationSchema } } },
    ...problemResponses(413, 415, 422, 502, 504),
  },
});

export const registerCreateSupportOrganization = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const result = await deps.support.createOrganization(c.req.valid('json'), callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 201);
  });
