/**
 * The anti-corruption layer: ServiceNow `core_company` and `incident` records in, canonical support
 * objects out (and the canonical inputs as Table API request bodies). Nothing ServiceNow-shaped —
 * sys_ids as such, string-typed choices, `YYYY-MM-DD HH:mm:ss` times — leaves this file.
 *
 * Choices (documented in openapi/vendors/servicenow/README.md):
 * - severity ↔ priority: ServiceNow computes `priority` from `impact` × `urgency` (base priority
 *   lookup: 1+1 → 1 Critical, 1+2 → 2 High, 2+2 → 3 Moderate, 2+3 → 4 Low, 3+3 → 5 Planning), so a
 *   create writes impact and urgency, and a read maps priority 1..4 to sev1..sev4 (5 Planning → sev4);
 * - status: state 1 New → new, 2 In Progress → open, 3 On Hold → pending when the hold reason is
 *   1 Awaiting Caller (waiting on the customer) else on_hold, 6 Resolved → solved, 7 Closed and
 *   8 Canceled → closed; a state the instance added reads as open while the incident is active;
 * - escalated: `escalation` above 0 (Moderate, High, Overdue);
 * - SLA breach: `made_sla` is false (the SLA engine clears it when a task SLA breaches);
 * - tier: the custom choice column `u_support_tier`; empty or unknown reads as "no entitlement".
 */
import { SUPPORT_TIERS, type NewCase, type NewOrganization, type Organization, type SupportCase, type SupportTier } from '../contract.js';
import {
  SN_CORRELATION_DISPLAY,
  SN_EXTERNAL_REF_FIELD,
  SN_HOLD_REASONS,
  SN_INCIDENT_STATES,
  SN_SUPPORT_TIER_FIELD,
  type SnCompany,
  type SnCompanyCreateRequest,
  type SnCompanyUpdateRequest,
  type SnIncident,
  type SnIncidentCreateRequest,
  type SN_LEVELS,
  type SN_PRIORITIES,
} from '../../../../openapi/vendors/servicenow/types.js';

type Severity = SupportCase['severity'];
type CaseStatus = SupportCase['status'];
type Level = (typeof SN_LEVELS)[number];

export const SEVERITY_TO_LEVELS: Readonly<Record<Severity, { readonly impact: Level; readonly urgency: Level }>> = {
  sev1: { impact: '1', urgency: '1' },
  sev2: { impact: '1', urgency: '2' },
  sev3: { impact: '2', urgency: '2' },
  sev4: { impact: '2', urgency: '3' },
};
export const PRIORITY_TO_SEVERITY: Readonly<Record<(typeof SN_PRIORITIES)[number], Severity>> = { '1': 'sev1', '2': 'sev2', '3': 'sev3', '4': 'sev4', '5': 'sev4' };
/** ServiceNow's base priority lookup: impact 1..3 × urgency 1..3 → priority 1..5. */
export const priorityOf = (impact: Level, urgency: Level): (typeof SN_PRIORITIES)[number] => String(Number(impact) + Number(urgency) - 1) as (typeof SN_PRIORITIES)[number];

/** The incident `short_description` column holds 160 characters; a longer subject is cut there and kept whole in the description. */
export const SHORT_DESCRIPTION_MAX = 160;

/** `2026-03-01 09:00:00` (UTC, as the Table API renders it with display values off) → RFC 3339. */
export const fromGlideDateTime = (value: string): string => new Date(`${value.replace(' ', 'T')}Z`).toISOString();
/** Epoch ms → `YYYY-MM-DD HH:mm:ss` UTC. */
export const toGlideDateTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export const toTier = (value: string | undefined): SupportTier | undefined => ((SUPPORT_TIERS as readonly string[]).includes(value ?? '') ? (value as SupportTier) : undefined);

export const toOrganization = (company: SnCompany): Organization => {
  const tier = toTier(company[SN_SUPPORT_TIER_FIELD]);
  const externalRef = company[SN_EXTERNAL_REF_FIELD]?.trim();
  return {
    id: company.sys_id,
    name: company.name,
    ...(externalRef ? { externalRef } : {}),
    ...(tier ? { tier } : {}),
    createdAt: fromGlideDateTime(company.sys_created_on),
  };
};

export const toCaseStatus = (incident: Pick<SnIncident, 'state' | 'hold_reason' | 'active'>): CaseStatus => {
  switch (incident.state) {
    case SN_INCIDENT_STATES.new:
      return 'new';
    case SN_INCIDENT_STATES.inProgress:
      return 'open';
    case SN_INCIDENT_STATES.onHold:
      return incident.hold_reason === SN_HOLD_REASONS.awaitingCaller ? 'pending' : 'on_hold';
    case SN_INCIDENT_STATES.resolved:
      return 'solved';
    case SN_INCIDENT_STATES.closed:
    case SN_INCIDENT_STATES.canceled:
      return 'closed';
    default:
      return incident.active === 'true' ? 'open' : 'closed';
  }
};

/** An incident as a case; undefined when it belongs to no company (an internal IT incident, outside the support contract). */
export const toSupportCase = (incident: SnIncident): SupportCase | undefined => {
  if (incident.company === '') return undefined;
  return {
    id: incident.sys_id,
    number: incident.number,
    organizationId: incident.company,
    subject: incident.short_description.slice(0, 255),
    severity: PRIORITY_TO_SEVERITY[incident.priority],
    status: toCaseStatus(incident),
    escalated: Number(incident.escalation) > 0,
    slaBreached: incident.made_sla === 'false',
    createdAt: fromGlideDateTime(incident.sys_created_on),
    updatedAt: fromGlideDateTime(incident.sys_updated_on),
  };
};

export const isOpenStatus = (status: CaseStatus): boolean => status !== 'solved' && status !== 'closed';
/** The incident states that are not open in the canonical sense (solved or closed), for `stateNOT IN…`. */
export const CLOSED_STATES: readonly string[] = [SN_INCIDENT_STATES.resolved, SN_INCIDENT_STATES.closed, SN_INCIDENT_STATES.canceled];

/** A new company: a customer, carrying the canonical id in `u_external_ref`. Domains are not kept: core_company has no domain list. */
export const toCompanyCreate = (input: NewOrganization): SnCompanyCreateRequest => ({
  name: input.name,
  [SN_EXTERNAL_REF_FIELD]: input.externalRef,
  customer: 'true',
});

export const toTierUpdate = (tier: SupportTier): SnCompanyUpdateRequest => ({ [SN_SUPPORT_TIER_FIELD]: tier });

/** A new incident for the company, correlated to the caller's reference (`correlation_id`) so a retry finds it. */
export const toIncidentCreate = (input: NewCase): SnIncidentCreateRequest => {
  const { impact, urgency } = SEVERITY_TO_LEVELS[input.severity];
  const cut = input.subject.length > SHORT_DESCRIPTION_MAX;
  return {
    company: input.organizationId,
    short_description: input.subject.slice(0, SHORT_DESCRIPTION_MAX),
    description: cut ? `${input.subject}\n\n${input.description}` : input.description,
    impact,
    urgency,
    correlation_id: input.externalRef,
    correlation_display: SN_CORRELATION_DISPLAY,
  };
};
