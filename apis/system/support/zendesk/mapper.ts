/**
 * The anti-corruption layer: Zendesk organizations and tickets in, canonical support objects out (and
 * the canonical inputs as Zendesk request bodies). Nothing Zendesk-shaped — numeric ids, priorities,
 * `hold`, tags, sideloads — leaves this file.
 *
 * Choices (kept simple, documented in README.md of openapi/vendors/zendesk):
 * - severity ↔ priority: sev1 urgent, sev2 high, sev3 normal, sev4 low; a ticket with no priority
 *   reads as sev3 (Zendesk's "normal" is what an unset priority is worked as);
 * - status: Zendesk's six categories one to one, `hold` → `on_hold`;
 * - escalated: the ticket carries the tag `escalated`;
 * - SLA breach: from the `slas` sideload (`?include=slas`) — a target still running (`active` or
 *   `paused`) whose `breach_at` has passed. A target that was achieved late is not reported (the
 *   sideload no longer shows it as running); a ticket read without the sideload (the create
 *   response) is not breached;
 * - tier: the organization drop-down field `support_tier`, whose option values are the tier names;
 *   an empty or unknown value reads as "no entitlement".
 */
import { SUPPORT_TIERS, type NewCase, type NewOrganization, type Organization, type SupportCase, type SupportTier } from '../contract.js';
import {
  ZD_ESCALATED_TAG,
  ZD_SUPPORT_TIER_FIELD,
  type ZdOrganization,
  type ZdOrganizationCreateRequest,
  type ZdOrganizationUpdateRequest,
  type ZdPriority,
  type ZdSlaPolicyMetric,
  type ZdStatus,
  type ZdTicket,
  type ZdTicketCreateRequest,
} from '../../../../openapi/vendors/zendesk/types.js';

type Severity = SupportCase['severity'];
type CaseStatus = SupportCase['status'];

export const SEVERITY_TO_PRIORITY: Readonly<Record<Severity, ZdPriority>> = { sev1: 'urgent', sev2: 'high', sev3: 'normal', sev4: 'low' };
export const PRIORITY_TO_SEVERITY: Readonly<Record<ZdPriority, Severity>> = { urgent: 'sev1', high: 'sev2', normal: 'sev3', low: 'sev4' };
export const STATUS_TO_CASE: Readonly<Record<ZdStatus, CaseStatus>> = { new: 'new', open: 'open', pending: 'pending', hold: 'on_hold', solved: 'solved', closed: 'closed' };
/** SLA stages whose clock has not stopped. */
const RUNNING_STAGES = new Set(['active', 'paused']);
const SUBJECT_MAX = 255;

const iso = (timestamp: string) => new Date(timestamp).toISOString();

export const toTier = (value: string | null | undefined): SupportTier | undefined =>
  (SUPPORT_TIERS as readonly string[]).includes(value ?? '') ? (value as SupportTier) : undefined;

export const toOrganization = (org: ZdOrganization): Organization => {
  const tier = toTier(org.organization_fields?.[ZD_SUPPORT_TIER_FIELD]);
  const externalRef = org.external_id?.trim();
  return {
    id: String(org.id),
    name: org.name,
    ...(externalRef ? { externalRef } : {}),
    ...(tier ? { tier } : {}),
    createdAt: iso(org.created_at),
  };
};

export const isSlaBreached = (metrics: readonly ZdSlaPolicyMetric[] | undefined, now: number): boolean =>
  (metrics ?? []).some((m) => RUNNING_STAGES.has(m.stage) && m.breach_at !== null && Date.parse(m.breach_at) <= now);

/** A ticket as a case; undefined when it belongs to no organisation (outside the support contract). */
export const toSupportCase = (ticket: ZdTicket, now: number): SupportCase | undefined => {
  if (ticket.organization_id === null || ticket.organization_id === undefined) return undefined;
  return {
    id: String(ticket.id),
    // Zendesk shows the ticket id as the ticket number (#35436).
    number: String(ticket.id),
    organizationId: String(ticket.organization_id),
    subject: (ticket.subject ?? '').slice(0, SUBJECT_MAX),
    severity: PRIORITY_TO_SEVERITY[ticket.priority ?? 'normal'],
    status: STATUS_TO_CASE[ticket.status],
    escalated: (ticket.tags ?? []).includes(ZD_ESCALATED_TAG),
    slaBreached: isSlaBreached(ticket.slas?.policy_metrics, now),
    createdAt: iso(ticket.created_at),
    updatedAt: iso(ticket.updated_at),
  };
};

export const isOpenStatus = (status: CaseStatus): boolean => status !== 'solved' && status !== 'closed';

export const toOrganizationCreate = (input: NewOrganization): ZdOrganizationCreateRequest => ({
  organization: {
    name: input.name,
    external_id: input.externalRef,
    ...(input.domains && input.domains.length > 0 ? { domain_names: [...input.domains] } : {}),
  },
});

export const toTierUpdate = (tier: SupportTier): ZdOrganizationUpdateRequest => ({
  organization: { organization_fields: { [ZD_SUPPORT_TIER_FIELD]: tier } },
});

/**
 * A case as a new ticket: the description is the first (public) comment, the reference the ticket's
 * external id; with a requester address Zendesk files it for that end user (creating the user when
 * the address is new), otherwise for the API user.
 */
export const toTicketCreate = (input: NewCase): ZdTicketCreateRequest => ({
  ticket: {
    subject: input.subject,
    comment: { body: input.description },
    priority: SEVERITY_TO_PRIORITY[input.severity],
    organization_id: Number(input.organizationId),
    external_id: input.externalRef,
    ...(input.requesterEmail ? { requester: { email: input.requesterEmail } } : {}),
  },
});
