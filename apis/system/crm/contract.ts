/**
 * The CRM domain contract: what every CRM adapter (Salesforce today; HubSpot next) provides, in the
 * canonical model. No Hono, no vendor shapes (DESIGN.md §1, §3).
 */
import { z } from '@hono/zod-openapi';
import type { CallContext } from '../../../shared/http/app-env.js';
import { OpaqueIdSchema } from '../../../shared/canonical/ids.js';
import { pii } from '../../../shared/canonical/pii.js';
import type { Result } from '../../../shared/result.js';

export const CrmAccountIdSchema = OpaqueIdSchema.openapi({ description: "The CRM's own account id", example: '001Dn00000AbCdEIAV' });

export const ContactSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    name: z.string().max(200).openapi(pii('name')),
    title: z.string().max(128).optional(),
    email: z.string().max(254).optional().openapi(pii('email')),
    phone: z.string().max(40).optional().openapi(pii('phone')),
  })
  .openapi('Contact');

export const CrmAccountSchema = z
  .strictObject({
    id: CrmAccountIdSchema,
    name: z.string().max(255),
    externalId: z.string().max(64).optional().openapi({ description: 'The id other systems know this account by' }),
    industry: z.string().max(100).optional(),
    website: z.string().max(255).optional(),
    billingCountry: z.string().max(80).optional(),
    ownerName: z.string().max(200).optional().openapi(pii('name', 'The account owner (a sales rep): personal data too')),
    primaryContact: ContactSchema.optional(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('CrmAccount');

export type Contact = z.infer<typeof ContactSchema>;
export type CrmAccount = z.infer<typeof CrmAccountSchema>;

/** Errors: `crm.account_not_found`, and the shared vendor faults (`vendor.*`). */
export interface CrmPort {
  getAccount(accountId: string, ctx: CallContext): Promise<Result<CrmAccount>>;
  findAccountByExternalId(externalId: string, ctx: CallContext): Promise<Result<CrmAccount>>;
}
