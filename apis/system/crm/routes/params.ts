import { z } from '@hono/zod-openapi';
import { OpaqueIdSchema } from '../../../../shared/canonical/ids.js';
import { AppError } from '../../../../shared/errors.js';
import { AccountSearchSchema, CrmAccountIdSchema, type ExternalReferences } from '../contract.js';

/** `{accountId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const AccountParamsSchema = z.strictObject({
  accountId: CrmAccountIdSchema.openapi({ param: { name: 'accountId', in: 'path' } }),
});

export const ContactParamsSchema = z.strictObject({
  contactId: OpaqueIdSchema.openapi({ param: { name: 'contactId', in: 'path' }, description: "The CRM's own contact id", example: '003Dn00000GlbxP1AQ' }),
});

export const OpportunityParamsSchema = z.strictObject({
  opportunityId: OpaqueIdSchema.openapi({ param: { name: 'opportunityId', in: 'path' }, description: "The CRM's own opportunity id", example: '006Dn00000GlbxOAAR' }),
});

export const MAX_ACCOUNT_PAGE = AccountSearchSchema.shape.limit.maxValue ?? 50;
export const DEFAULT_ACCOUNT_PAGE = 10;

/**
 * `GET /accounts` takes one of two filters: `externalId` (the account other systems know by that id),
 * or `name` (a case-insensitive prefix) with an optional `limit`. Both, neither, or `limit` without
 * `name` is a 422 naming the parameter; unknown parameters are refused too.
 */
export const AccountListQuerySchema = z
  .strictObject({
    externalId: OpaqueIdSchema.optional().openapi({
      param: { name: 'externalId', in: 'query' },
      description: 'The id other systems know the account by (the canonical customer id). Not with `name` or `limit`.',
      example: 'cus_01HZX3GLOBEX',
    }),
    name: AccountSearchSchema.shape.name
      // No flags: the generated document carries the pattern as is.
      .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
      .optional()
      .openapi({ param: { name: 'name', in: 'query' }, description: 'Case-insensitive prefix of the account name, 2 to 100 characters. Not with `externalId`.', example: 'Glo' }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_ACCOUNT_PAGE)
      .optional()
      .openapi({ param: { name: 'limit', in: 'query' }, description: `With \`name\`: accounts to return, 1 to ${MAX_ACCOUNT_PAGE} (default ${DEFAULT_ACCOUNT_PAGE})`, example: DEFAULT_ACCOUNT_PAGE }),
  })
  .superRefine((query, ctx) => {
    if (query.externalId !== undefined) {
      for (const key of ['name', 'limit'] as const) {
        if (query[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'give either externalId, or name with an optional limit' });
      }
    } else if (query.name === undefined) {
      ctx.addIssue({ code: 'custom', path: [query.limit !== undefined ? 'limit' : 'name'], message: query.limit !== undefined ? 'limit goes with name' : 'give externalId or name' });
    }
  });

/**
 * The write-back routes take the contract's ExternalReferences body; each refuses, as a 422 naming the
 * property, the references that belong on the other record (the order number goes onto an opportunity,
 * the other systems' customer ids onto an account).
 */
export const refuseReferences = (references: ExternalReferences, keys: readonly (keyof ExternalReferences)[], detail: string): void => {
  const wrong = keys.filter((key) => references[key] !== undefined);
  if (wrong.length > 0) throw new AppError('http.validation', { errors: wrong.map((key) => ({ pointer: `/${key}`, detail })) });
};

/** The scopes CRM system routes need, declared once per route in its `security`. */
export const CRM_READ_SECURITY = [{ oauth2: ['crm:read'] }];
export const CRM_WRITE_SECURITY = [{ oauth2: ['crm:write'] }];
