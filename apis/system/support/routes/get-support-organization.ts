import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { OrganizationSchema, type SupportPort } from '../contract.js';
import { OrganizationParamsSchema, SUPPORT_READ_SECURITY } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/organizations/{organizationId}',
  operationId: 'getSupportOrganization',
  tags: ['support'],
  summary: 'Read the support organisation of a customer',
  description: "The support desk's organisation: name, the canonical customer id it carries, and its support tier (absent when none was set).",
  security: SUPPORT_READ_SECURITY,
  request: { params: OrganizationParamsSchema },
  responses: {
    200: { description: 'The organisation', content: { 'application/json': { schema: OrganizationSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetSupportOrganization = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const { organizationId } = c.req.valid('param');
    const result = await deps.support.getOrganization(organizationId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
