import { z } from '@hono/zod-openapi';
import { CaseIdSchema, OrganizationIdSchema } from '../contract.js';

/** `{organizationId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const OrganizationParamsSchema = z.strictObject({
  organizationId: OrganizationIdSchema.openapi({ param: { name: 'organizationId', in: 'path' } }),
});

/** `{caseId}`: the same strict pattern. */
export const CaseParamsSchema = z.strictObject({
  caseId: CaseIdSchema.openapi({ param: { name: 'caseId', in: 'path' } }),
});

/** The scopes the support system routes need, declared once per route in its `security`. */
export const SUPPORT_READ_SECURITY = [{ oauth2: ['support:read'] }];
export const SUPPORT_WRITE_SECURITY = [{ oauth2: ['support:write'] }];
