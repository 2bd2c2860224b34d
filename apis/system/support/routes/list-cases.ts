import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CaseSchema, MAX_CASE_PAGE, type SupportPort } from '../contract.js';
import { OrganizationParamsSchema, SUPPORT_READ_SECURITY } from './params.js';

export const DEFAULT_CASE_PAGE = 20;

/** A page size over the maximum is refused (422), never clamped silently (RELIABILITY.md B6). */
const QuerySchema = z.strictObject({
  status: z
    .enum(['open', 'all'])
    .default('open')
    .openapi({ param: { name: 'status', in: 'query' }, description: '`open`: not solved or closed (default); `all`: every case', example: 'open' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_CASE_PAGE)
    .default(DEFAULT_CASE_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `Cases to return, 1 to ${MAX_CASE_PAGE}`, example: DEFAULT_CASE_PAGE }),
});

const route = createRoute({
  method: 'get',
  path: '/organizations/{organizationId}/cases',
  operationId: 'listCases',
  tags: ['support'],
  summary: "List the organisation's cases",
  description: 'Cases newest first, with severity, status, escalation and SLA breach.',
  security: SUPPORT_READ_SECURITY,
  request: { params: OrganizationParamsSchema, query: QuerySchema },
  responses: {
    200: { description: 'Cases, newest first', content: { 'application/json': { schema: z.array(CaseSchema).max(MAX_CASE_PAGE) } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerListCases = (router: Router, deps: { support: SupportPort }) =>
  router.openapi(route, async (c) => {
    const { organizationId } = c.req.valid('param');
    const { status, limit } = c.req.valid('query');
    const result = await deps.support.listCases(organizationId, { status, limit }, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
