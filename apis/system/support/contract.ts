/**
 * The support domain contract: what every support-desk adapter (Zendesk, ServiceNow; Freshdesk
 * later) provides, in the canonical model. No Hono, no vendor shapes (DESIGN.md §1, §3).
 */
import { z } from '@hono/zod-openapi';
import type { CallContext } from '../../../shared/http/app-env.js';
import { OpaqueIdSchema } from '../../../shared/canonical/ids.js';
import { pii } from '../../../shared/canonical/pii.js';
import type { Result } from '../../../shared/result.js';

export const OrganizationIdSchema = OpaqueIdSchema.openapi({ description: "The support desk's organisation (company) id", example: '360000008812' });
export const CaseIdSchema = OpaqueIdSchema.openapi({ description: "The support desk's case (ticket, incident) id" });
const ReferenceSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const SUPPORT_TIERS = ['standard', 'premium', 'enterprise'] as const;
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export const CASE_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;

/** First-response targets in minutes, per tier and severity: the SLA a tier buys. */
export const RESPONSE_TARGET_MINUTES: Record<(typeof SUPPORT_TIERS)[number], Record<(typeof SEVERITIES)[number], number>> = {
  standard: { sev1: 240, sev2: 480, sev3: 1440, sev4: 2880 },
  premium: { sev1: 60, sev2: 240, sev3: 480, sev4: 1440 },
  enterprise: { sev1: 15, sev2: 60, sev3: 240, sev4: 480 },
};

export const OrganizationSchema = z
  .strictObject({
    id: OrganizationIdSchema,
    name: z.string().max(255),
    externalRef: z.string().max(64).optional().openapi({ description: 'The canonical customer id stored on the organisation' }),
    tier: z.enum(SUPPORT_TIERS).optional().openapi({ description: 'The support entitlement; absent when none was set' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('Organization');

export const CaseSchema = z
  .strictObject({
    id: CaseIdSchema,
    number: z.string().max(64).optional().openapi({ description: 'Human-facing case number (e.g. INC0010023)' }),
    organizationId: OrganizationIdSchema,
    subject: z.string().max(255),
    severity: z.enum(SEVERITIES),
    status: z.enum(CASE_STATUSES),
    escalated: z.boolean(),
    slaBreached: z.boolean().openapi({ description: 'The first-response or resolution target has been missed' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Case');

export const EntitlementSchema = z
  .strictObject({
    organizationId: OrganizationIdSchema,
    tier: z.enum(SUPPORT_TIERS),
    responseTargetMinutes: z.strictObject({ sev1: z.number().int(), sev2: z.number().int(), sev3: z.number().int(), sev4: z.number().int() }),
  })
  .openapi('Entitlement');

export const NewOrganizationSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    /** The canonical customer id: stored as the organisation's external id, so a retry finds it. */
    externalRef: ReferenceSchema,
    domains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/)).max(20).optional(),
  })
  .openapi('NewOrganization');

export const NewCaseSchema = z
  .strictObject({
    organizationId: OrganizationIdSchema,
    subject: z.string().min(1).max(255),
    description: z.string().min(1).max(10_000).openapi(pii('name', 'Free text: may name people; masked without pii:read')),
    severity: z.enum(SEVERITIES),
    requesterEmail: z.string().max(254).optional().openapi(pii('email')),
    /** Idempotency: one case per reference. */
    externalRef: ReferenceSchema,
  })
  .openapi('NewCase');

export type Organization = z.infer<typeof OrganizationSchema>;
export type SupportCase = z.infer<typeof CaseSchema>;
export type Entitlement = z.infer<typeof EntitlementSchema>;
export type NewOrganization = z.infer<typeof NewOrganizationSchema>;
export type NewCase = z.infer<typeof NewCaseSchema>;
export type SupportTier = (typeof SUPPORT_TIERS)[number];

export const MAX_CASE_PAGE = 100;

export const entitlementFor = (organizationId: string, tier: SupportTier): Entitlement => ({
  organizationId,
  tier,
  responseTargetMinutes: RESPONSE_TARGET_MINUTES[tier],
});

/**
 * Errors: `support.organization_not_found`, `support.case_not_found`, and the shared vendor faults
 * (`vendor.*`).
 */
export interface SupportPort {
  getOrganization(organizationId: string, ctx: CallContext): Promise<Result<Organization>>;
  /** Idempotent on `externalRef` (the desk's external id): a retry returns the same organisation. */
  createOrganization(input: NewOrganization, ctx: CallContext): Promise<Result<Organization>>;
  /** Idempotent on `externalRef`. */
  createCase(input: NewCase, ctx: CallContext): Promise<Result<SupportCase>>;
  getCase(caseId: string, ctx: CallContext): Promise<Result<SupportCase>>;
  /** An organisation's cases, newest first, at most `limit` (≤ MAX_CASE_PAGE). `open` = not solved or closed. */
  listCases(organizationId: string, options: { status: 'open' | 'all'; limit: number }, ctx: CallContext): Promise<Result<SupportCase[]>>;
  /** Sets the support tier (entitlement / SLA) of an organisation. Idempotent. */
  setEntitlement(organizationId: string, tier: SupportTier, ctx: CallContext): Promise<Result<Entitlement>>;
}
