import { createRoute } from '@hono/zod-openapi';
import { fromDomainError } from '../../../../shared/errors.js';
import { callContext } from '../../../../shared/http/call-context.js';
import type { Router } from '../../../../shared/http/create-router.js';
import { problemResponses } from '../../../../shared/http/problem.js';
import { ContactSchema, type CrmPort } from '../contract.js';
import { CRM_READ_SECURITY, ContactParamsSchema } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/contacts/{contactId}',
  operationId: 'getCrmContact',
  tags: ['crm'],
  summary: 'Read a CRM contact by its CRM id',
  description: 'The contact as the CRM holds it: name, title, email and phone (personal data).',
  security: CRM_READ_SECURITY,
  request: { params: ContactParamsSchema },
  responses: {
    200: { description: 'The contact', content: { 'application/json': { schema: ContactSchema } } },
    ...problemResponses(404, 422, 502, 504),
  },
});

export const registerGetCrmContact = (router: Router, deps: { crm: CrmPort }) =>
  router.openapi(route, async (c) => {
    const { contactId } = c.req.valid('param');
    const result = await deps.crm.getContact(contactId, callContext(c));
    if (!result.ok) throw fromDomainError(result.error);
    return c.json(result.value, 200);
  });
