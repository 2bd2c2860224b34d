import { createRoute, z } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { CrmAccountSchema, type CrmPort } from '../contract.js';
import { AccountListQuerySchema, CRM_READ_SECURITY, DEFAULT_ACCOUNT_PAGE, MAX_ACCOUNT_PAGE } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/accounts',
  operationId: 'listCrmAccounts',
  tags: ['crm'],
  summary: 'List CRM accounts by external id or by name prefix',
  description:
    'One of two filters. `externalId`: the account carrying the id other systems know it by (the canonical customer id) — a list of one, or empty when none does. ' +
    `\`name\`: accounts whose name starts with it (case-insensitive), ordered by name, at most \`limit\` (default ${DEFAULT_ACCOUNT_PAGE}). ` +
    'Each account comes with its primary contact, as in getCrmAccount.',
  security: CRM_READ_SECURITY,
  request: { query: AccountListQuerySchema },
  responses: {
    200: { description: 'The matching accounts (possibly none)', content: { 'application/json': { schema: z.array(CrmAccountSchema).max(MAX_ACCOUNT_PAGE) } } },
    ...problemResponses(422, 502, 504),
  },
});

export const registerListCrmAccounts = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { externalId, name, limit } = c.req.valid('query');
    const ctx = callContext(c);
    if (externalId !== undefined) {
      const found = await deps.crm.findAccountByExternalId(externalId, ctx);
      if (found.ok) return c.json([found.value], 200);
      if (found.error.code === 'crm.account_not_found') return c.json([], 200);
      throw fromDomainError(found.error);
    }
    // The query schema guarantees `name` when there is no `externalId`.
    const result = await deps.crm.searchAccounts({ name: name ?? '', limit: limit ?? DEFAULT_ACCOUNT_PAGE }, ctx);
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
