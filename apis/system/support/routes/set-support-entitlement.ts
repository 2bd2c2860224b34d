import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { EntitlementSchema, SUPPORT_TIERS, type SupportPort } from '../contract.js';
import { OrganizationParamsSchema, SUPPORT_WRITE_SECURITY } from './params.js';

const EntitlementUpdateSchema = z
  .strictObject({ tier: z.enum(SUPPORT_TIERS).openapi({ description: 'The support tier (SLA) the organisation is entitled to' }) })
  .openapi('SupportEntitlementUpdate');

const route = createRoute({
  method: 'put',
  path: '/organizations/{organizationId}/entitlement',
  operationId: 'setSupportEntitlement',
  tags: ['support'],
  summary: "Set the organisation's support entitlement",
  description: 'Sets the support tier, and with it the first-response targets per severity. Idempotent: the same tier twice leaves the same entitlement.',
  security: SUPPORT_WRITE_SECURITY,
  request: { params: OrganizationParamsSchema, body: { required: true, content: { 'application/json': { schema: EntitlementUpdateSchema } } } },
  responses: {
    200: { description: 'The entitlement now in force', content: { 'application/json': { schema: EntitlementSchema } } },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});

export const registerSetSupportEntitlement = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const { organizationId } = c.req.valid('param');
    const result = await deps.support.setEntitlement(organizationId, c.req.valid('json').tier, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
