import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import type { AccountSnapshotWorkflow } from '../../../process/account-snapshot/workflow.js';
import { CrmAccountIdSchema } from '../../../system/crm/contract.js';
import { AccountSummarySchema, toAccountSummary } from '../account-summary.js';

const route = createRoute({
  method: 'get',
  path: '/crm-widgets/accounts/{crmAccountId}/summary',
  operationId: 'getAccountSummary',
  tags: ['crm-widgets'],
  summary: 'The CRM sidebar card for an account: credit status, open and overdue invoices, primary contact',
  description:
    'Keyed by the CRM’s own account id. Partial when a system of record does not answer (see `sources`). Contact details are masked unless the caller holds `pii:read`.',
  security: [{ oauth2: ['accounts:read'] }],
  request: { params: z.strictObject({ crmAccountId: CrmAccountIdSchema }) },
  responses: {
    200: { description: 'The account card', content: { 'application/json': { schema: AccountSummarySchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetAccountSummary = (router: Router, deps: { snapshot: AccountSnapshotWorkflow }) =>
  router.openapi(route, async (c) => {
    const result = await deps.snapshot.get(c.req.valid('param').crmAccountId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    c.header('cache-control', 'private, max-age=15');
    return c.json(toAccountSummary(result.value), 200);
  });
