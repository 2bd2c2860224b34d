/**
 * The CRM domain contract: what every CRM adapter (Salesforce today; HubSpot next) provides, in the
 * canonical model. No Hono, no vendor shapes (DESIGN.md §1, §3).
 */
import { z } from '@hono/zod-openapi';
import type { CallContext } from '../../../shared/http/app-env.js';
import { MoneySchema } from '../../../shared/canonical/money.js';
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

export const OPPORTUNITY_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;

export const OpportunitySchema = z
  .strictObject({
    id: OpaqueIdSchema,
    accountId: CrmAccountIdSchema,
    name: z.string().max(255),
    stage: z.enum(OPPORTUNITY_STAGES).openapi({ description: "Canonical stage; each adapter maps its CRM's own pipeline stages onto these" }),
    vendorStage: z.string().max(100).openapi({ description: 'The stage as the CRM names it' }),
    amount: MoneySchema.optional(),
    closeDate: z.iso.date().optional(),
    orderNumber: z.string().max(64).optional().openapi({ description: 'ERP order number written back after order submit' }),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Opportunity');

export const OpportunityPatchSchema = z
  .strictObject({
    stage: z.enum(OPPORTUNITY_STAGES).optional(),
    amount: MoneySchema.optional(),
    closeDate: z.iso.date().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one field' })
  .openapi('OpportunityPatch');

/** Ids of the same customer in the other systems, written back onto the CRM record. */
export const ExternalReferencesSchema = z
  .strictObject({
    erpCustomerId: z.string().max(64).optional(),
    billingCustomerId: z.string().max(64).optional(),
    supportOrganizationId: z.string().max(64).optional(),
    orderNumber: z.string().max(64).optional(),
  })
  .refine((r) => Object.keys(r).length > 0, { message: 'give at least one reference' })
  .openapi('ExternalReferences');

export const AccountSearchSchema = z.strictObject({
  name: z.string().min(2).max(100).openapi({ description: 'Case-insensitive prefix of the account name' }),
  limit: z.number().int().min(1).max(50),
});

export type Contact = z.infer<typeof ContactSchema>;
export type CrmAccount = z.infer<typeof CrmAccountSchema>;
export type Opportunity = z.infer<typeof OpportunitySchema>;
export type OpportunityPatch = z.infer<typeof OpportunityPatchSchema>;
export type ExternalReferences = z.infer<typeof ExternalReferencesSchema>;
export type AccountSearch = z.infer<typeof AccountSearchSchema>;

/**
 * Errors: `crm.account_not_found`, `crm.contact_not_found`, `crm.opportunity_not_found`, and the
 * shared vendor faults (`vendor.*`).
 */
export interface CrmPort {
  getAccount(accountId: string, ctx: CallContext): Promise<Result<CrmAccount>>;
  findAccountByExternalId(externalId: string, ctx: CallContext): Promise<Result<CrmAccount>>;
  /** Accounts whose name starts with `name` (case-insensitive), at most `limit`, by name. */
  searchAccounts(query: AccountSearch, ctx: CallContext): Promise<Result<CrmAccount[]>>;
  getContact(contactId: string, ctx: CallContext): Promise<Result<Contact>>;
  getOpportunity(opportunityId: string, ctx: CallContext): Promise<Result<Opportunity>>;
  /** Changes stage, amount or close date; returns the opportunity as the CRM now has it. Idempotent. */
  updateOpportunity(opportunityId: string, patch: OpportunityPatch, ctx: CallContext): Promise<Result<Opportunity>>;
  /** Writes other systems' ids onto the account (or the order number onto the opportunity). Idempotent. */
  writeBackReferences(target: { kind: 'account' | 'opportunity'; id: string }, references: ExternalReferences, ctx: CallContext): Promise<Result<void>>;
}
