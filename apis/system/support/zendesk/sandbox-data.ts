/**
 * The Zendesk sandbox's account: organizations and tickets derived from SEED_COMPANIES (the same
 * companies every other sandbox describes), kept in memory per sandbox instance, and rendered in
 * Zendesk's wire format (the documented Organization and Ticket objects).
 */
import { RESPONSE_TARGET_MINUTES, type SupportTier } from '../contract.js';
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import {
  ZD_ESCALATED_TAG,
  ZD_SUPPORT_TIER_FIELD,
  type ZdOrganizationWire,
  type ZdPriority,
  type ZdStatus,
  type ZdTicketWire,
} from '../../../../openapi/vendors/zendesk/types.js';
import { SEVERITY_TO_PRIORITY } from './mapper.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The API user (the integration agent the sandbox token belongs to) and the account's one brand. */
export const SANDBOX_API_USER_ID = 390_000_000_001;
export const SANDBOX_BRAND_ID = 360_000_000_101;
const FIRST_SEED_TICKET_ID = 35_001;
const FIRST_NEW_ORGANIZATION_ID = 360_000_009_001;
const FIRST_NEW_USER_ID = 391_000_000_100;
/** The options of the `support_tier` drop-down organization field. */
export const SUPPORT_TIER_OPTIONS: readonly string[] = ['standard', 'premium', 'enterprise'];

/** The one SLA target the sandbox's policies set: first reply time, per tier and priority. */
export interface SandboxSla {
  readonly breachAt: number;
  /** The target was met (its clock stopped in time). */
  readonly achieved: boolean;
}

export interface StoredTicket {
  readonly id: number;
  readonly externalId: string | null;
  readonly subject: string;
  readonly description: string;
  readonly priority: ZdPriority | null;
  readonly status: ZdStatus;
  readonly requesterId: number;
  readonly organizationId: number | null;
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sla?: SandboxSla;
  readonly channel: 'api' | 'email' | 'web';
}

export interface StoredOrganization {
  readonly id: number;
  name: string;
  externalId: string | null;
  domainNames: string[];
  details: string | null;
  notes: string | null;
  tags: string[];
  fields: Record<string, string | number | boolean | null>;
  readonly createdAt: number;
  updatedAt: number;
}

export interface SandboxAccount {
  readonly organizations: Map<number, StoredOrganization>;
  readonly tickets: Map<number, StoredTicket>;
  /** End users by lower-cased email. */
  readonly users: Map<string, number>;
  nextOrganizationId: number;
  nextTicketId: number;
  nextUserId: number;
  nextAuditId: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;
export const zendeskTime = (ms: number) => new Date(seconds(ms)).toISOString().replace('.000Z', 'Z');

/** The first-reply target Strata's tiers buy, as the account's SLA policies are set up. */
export const slaFor = (tier: SupportTier | undefined, priority: ZdPriority | null, createdAt: number): SandboxSla | undefined => {
  if (!tier || !priority) return undefined;
  const severity = (Object.entries(SEVERITY_TO_PRIORITY).find(([, p]) => p === priority)?.[0] ?? 'sev3') as keyof (typeof RESPONSE_TARGET_MINUTES)['standard'];
  return { breachAt: createdAt + RESPONSE_TARGET_MINUTES[tier][severity] * MINUTE_MS, achieved: false };
};

export const organizationTier = (org: StoredOrganization | undefined): SupportTier | undefined => {
  const value = org?.fields[ZD_SUPPORT_TIER_FIELD];
  return typeof value === 'string' && SUPPORT_TIER_OPTIONS.includes(value) ? (value as SupportTier) : undefined;
};

const seedOrganization = (company: SeedCompany, index: number): StoredOrganization => {
  const createdAt = Date.parse('2024-01-15T09:00:00Z') + index * 7 * DAY_MS;
  return {
    id: Number(company.vendorIds.zendeskOrganizationId),
    name: company.legalName,
    externalId: company.canonicalId,
    domainNames: [new URL(company.website).hostname],
    details: `${company.street}, ${company.postalCode} ${company.city}, ${company.country}`,
    notes: null,
    tags: [company.industry.toLowerCase().replace(/[^a-z0-9]+/g, '_')],
    fields: { [ZD_SUPPORT_TIER_FIELD]: company.support.tier },
    createdAt,
    updatedAt: createdAt + DAY_MS,
  };
};

/** The seeded account as of `now`: case dates are relative to it, so the data looks the same whenever the sandbox runs. */
export const buildSandboxAccount = (now: number): SandboxAccount => {
  const organizations = new Map<number, StoredOrganization>();
  const users = new Map<string, number>();
  SEED_COMPANIES.forEach((company, index) => {
    const org = seedOrganization(company, index);
    organizations.set(org.id, org);
    users.set(company.primaryContact.email.toLowerCase(), 391_000_000_001 + index);
  });

  // Ticket ids grow with creation time, as Zendesk's do: the oldest case gets the smallest id.
  const cases = SEED_COMPANIES.flatMap((company) => company.support.cases.map((c) => ({ company, c }))).sort((a, b) => b.c[3] - a.c[3] || a.c[0].localeCompare(b.c[0]));
  const tickets = new Map<number, StoredTicket>();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  cases.forEach(({ company, c: [subject, severity, status, openedDaysAgo, breached] }, index) => {
    const id = FIRST_SEED_TICKET_ID + index;
    const createdAt = today - openedDaysAgo * DAY_MS + 9 * 3_600_000 + index * MINUTE_MS;
    const done = status === 'solved' || status === 'closed';
    const updatedAt = Math.min(now, createdAt + (done ? 2 * DAY_MS : 3_600_000));
    const priority = SEVERITY_TO_PRIORITY[severity];
    const target = slaFor(company.support.tier, priority, createdAt);
    // The seed says whether the first-reply target was missed; the policy says when it falls due.
    const sla: SandboxSla | undefined = target && (breached ? { breachAt: Math.min(target.breachAt, now - MINUTE_MS), achieved: false } : { breachAt: target.breachAt, achieved: target.breachAt <= now });
    const contact = company.primaryContact;
    tickets.set(id, {
      id,
      externalId: null,
      subject,
      description: `${subject}. Reported by ${contact.firstName} ${contact.lastName} (${contact.email}).`,
      priority,
      status,
      requesterId: users.get(contact.email.toLowerCase())!,
      organizationId: Number(company.vendorIds.zendeskOrganizationId),
      tags: subject.startsWith('Escalation') ? [ZD_ESCALATED_TAG] : [],
      createdAt,
      updatedAt,
      ...(sla ? { sla } : {}),
      channel: 'email',
    });
  });

  return { organizations, tickets, users, nextOrganizationId: FIRST_NEW_ORGANIZATION_ID, nextTicketId: FIRST_SEED_TICKET_ID + cases.length, nextUserId: FIRST_NEW_USER_ID, nextAuditId: 100_000_000_001 };
};

export const organizationWire = (org: StoredOrganization, baseUrl: string): ZdOrganizationWire => ({
  url: `${baseUrl}/api/v2/organizations/${org.id}.json`,
  id: org.id,
  name: org.name,
  shared_tickets: false,
  shared_comments: false,
  external_id: org.externalId,
  created_at: zendeskTime(org.createdAt),
  updated_at: zendeskTime(org.updatedAt),
  domain_names: [...org.domainNames],
  details: org.details,
  notes: org.notes,
  group_id: null,
  tags: [...org.tags],
  organization_fields: { ...org.fields },
});

/** The `slas` sideload: the first-reply target, running until met; none once the ticket is solved. */
const slasWire = (ticket: StoredTicket, now: number): NonNullable<ZdTicketWire['slas']> => {
  if (!ticket.sla || ticket.status === 'solved' || ticket.status === 'closed') return { policy_metrics: [] };
  const { breachAt, achieved } = ticket.sla;
  return {
    policy_metrics: [
      {
        breach_at: zendeskTime(breachAt),
        stage: achieved ? 'achieved' : 'active',
        metric: 'first_reply_time',
        ...(achieved ? {} : { minutes: Math.round((breachAt - now) / MINUTE_MS) }),
      },
    ],
  };
};

export const ticketWire = (ticket: StoredTicket, baseUrl: string, options: { slas: boolean; now: number }): ZdTicketWire => ({
  url: `${baseUrl}/api/v2/tickets/${ticket.id}.json`,
  id: ticket.id,
  external_id: ticket.externalId,
  via: { channel: ticket.channel, source: { from: {}, to: {}, rel: null } },
  created_at: zendeskTime(ticket.createdAt),
  updated_at: zendeskTime(ticket.updatedAt),
  type: null,
  subject: ticket.subject,
  raw_subject: ticket.subject,
  description: ticket.description,
  priority: ticket.priority,
  status: ticket.status,
  recipient: null,
  requester_id: ticket.requesterId,
  submitter_id: ticket.channel === 'api' ? SANDBOX_API_USER_ID : ticket.requesterId,
  assignee_id: null,
  organization_id: ticket.organizationId,
  group_id: null,
  collaborator_ids: [],
  follower_ids: [],
  email_cc_ids: [],
  problem_id: null,
  has_incidents: false,
  is_public: true,
  due_at: null,
  tags: [...ticket.tags],
  custom_fields: [],
  satisfaction_rating: null,
  sharing_agreement_ids: [],
  followup_ids: [],
  ticket_form_id: null,
  brand_id: SANDBOX_BRAND_ID,
  allow_channelback: false,
  allow_attachments: true,
  from_messaging_channel: false,
  ...(options.slas ? { slas: slasWire(ticket, options.now) } : {}),
});
