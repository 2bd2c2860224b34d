import { z } from '@hono/zod-openapi';
import { OpaqueIdSchema } from '../../../../shared/canonical/ids.js';
import { CrmAccountIdSchema } from '../contract.js';

/** `{accountId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const AccountParamsSchema = z.strictObject({
  accountId: CrmAccountIdSchema.openapi({ param: { name: 'accountId', in: 'path' } }),
});

/** `?externalId=`: required, the same strict pattern as every opaque id; unknown query parameters are refused. */
export const ExternalIdQuerySchema = z.strictObject({
  externalId: OpaqueIdSchema.openapi({
    param: { name: 'externalId', in: 'query', required: true },
    description: 'The id other systems know the account by (the canonical customer id)',
    example: 'cus_01HZX3GLOBEX',
  }),
});

/** The scope every CRM system route needs, declared once per route in its `security`. */
export const CRM_READ_SECURITY = [{ oauth2: ['crm:read'] }];
