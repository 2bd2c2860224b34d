/**
 * The ServiceNow sandbox's instance: `core_company` and `incident` rows derived from SEED_COMPANIES
 * (the same companies every other sandbox describes), kept in memory per sandbox instance, rendered
 * the way the Table API renders records with display values off — every value a string, references
 * as sys_ids (or `{link, value}`), times as `YYYY-MM-DD HH:mm:ss` UTC.
 */
import { createHash } from 'node:crypto';
import { RESPONSE_TARGET_MINUTES, type SupportTier } from '../contract.js';
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { SN_EXTERNAL_REF_FIELD, SN_HOLD_REASONS, SN_INCIDENT_STATES, SN_SUPPORT_TIER_FIELD, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';
import { SEVERITY_TO_LEVELS, priorityOf, toGlideDateTime, toTier } from './mapper.js';

/** A Table API row as stored: column → raw value (ServiceNow's JSON is all strings). */
export type Row = Record<string, string>;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A deterministic sys_id for seeded rows. */
export const seededSysId = (seed: string): string => createHash('md5').update(`strata-servicenow-sandbox:${seed}`).digest('hex');

/** The integration user the sandbox's credentials belong to (`sys_user.user_name`), and other fixed references. */
export const INTEGRATION_USER = { sysId: seededSysId('user:strata.integration'), userName: 'strata.integration' } as const;
const SERVICE_DESK_GROUP = seededSysId('group:service-desk');
const SUPPORT_AGENT = seededSysId('user:beth.anglin');
const OWN_COMPANY = seededSysId('company:acme-sandbox');

/** Columns per table: what the Table API knows (a `sysparm_fields` name outside it is left out; a query on it is refused or ignored). */
export const COLUMNS: Readonly<Record<SnTable, readonly string[]>> = {
  core_company: [
    'sys_id', 'name', SN_EXTERNAL_REF_FIELD, SN_SUPPORT_TIER_FIELD, 'customer', 'vendor', 'manufacturer', 'primary', 'parent', 'street', 'city', 'state', 'zip', 'country',
    'phone', 'website', 'notes', 'stock_symbol', 'sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count', 'sys_tags',
  ],
  incident: [
    'sys_id', 'number', 'short_description', 'description', 'company', 'caller_id', 'opened_by', 'opened_at', 'state', 'incident_state', 'hold_reason', 'impact', 'urgency',
    'priority', 'severity', 'escalation', 'made_sla', 'sla_due', 'active', 'correlation_id', 'correlation_display', 'contact_type', 'category', 'subcategory',
    'assignment_group', 'assigned_to', 'resolved_at', 'resolved_by', 'close_code', 'close_notes', 'closed_at', 'closed_by', 'reassignment_count', 'reopen_count',
    'sys_class_name', 'sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count', 'sys_tags',
  ],
};
/** Reference columns and the table they point at (rendered as `{link, value}` unless references are excluded). */
export const REFERENCES: Readonly<Record<SnTable, Readonly<Record<string, string>>>> = {
  core_company: { parent: 'core_company' },
  incident: { company: 'core_company', caller_id: 'sys_user', opened_by: 'sys_user', assignment_group: 'sys_user_group', assigned_to: 'sys_user', resolved_by: 'sys_user', closed_by: 'sys_user' },
};
/** Columns a POST or PATCH may set; anything else in a body is ignored, as the Table API does. */
export const WRITABLE: Readonly<Record<SnTable, readonly string[]>> = {
  core_company: ['name', SN_EXTERNAL_REF_FIELD, SN_SUPPORT_TIER_FIELD, 'customer', 'vendor', 'manufacturer', 'parent', 'street', 'city', 'state', 'zip', 'country', 'phone', 'website', 'notes'],
  incident: ['short_description', 'description', 'company', 'caller_id', 'impact', 'urgency', 'correlation_id', 'correlation_display', 'contact_type', 'category', 'subcategory', 'assignment_group'],
};

/** The first-response target of an incident, as the instance's SLA definitions are set up (Strata's tiers). */
export interface SandboxSla {
  readonly dueAt: number;
  /** The target was met (the task SLA stopped in time). */
  readonly achieved: boolean;
}

export interface SandboxInstance {
  readonly tables: Record<SnTable, Map<string, Row>>;
  /** Task SLAs by incident sys_id. */
  readonly slas: Map<string, SandboxSla>;
  nextIncidentNumber: number;
}

const FIRST_INCIDENT_NUMBER = 10_001;
export const incidentNumber = (n: number) => `INC${String(n).padStart(7, '0')}`;

export const slaFor = (tier: SupportTier | undefined, priority: string, createdAt: number): SandboxSla | undefined => {
  if (!tier) return undefined;
  const severity = priority === '5' ? 'sev4' : (`sev${priority}` as 'sev1' | 'sev2' | 'sev3' | 'sev4');
  return { dueAt: createdAt + RESPONSE_TARGET_MINUTES[tier][severity] * MINUTE_MS, achieved: false };
};

export const companyTier = (company: Row | undefined): SupportTier | undefined => toTier(company?.[SN_SUPPORT_TIER_FIELD]);

const companyRow = (created: number, fields: Row & { sys_id: string; name: string }): Row => ({
    [SN_EXTERNAL_REF_FIELD]: '',
    [SN_SUPPORT_TIER_FIELD]: '',
    customer: 'false',
    vendor: 'false',
    manufacturer: 'false',
    primary: 'false',
    parent: '',
    street: '',
    city: '',
    state: '',
    zip: '',
    country: '',
    phone: '',
    website: '',
    notes: '',
    stock_symbol: '',
    sys_created_on: toGlideDateTime(created),
    sys_created_by: 'admin',
    sys_updated_on: toGlideDateTime(created + DAY_MS),
    sys_updated_by: 'admin',
    sys_mod_count: '1',
    sys_tags: '',
    ...fields,
  });

const seedCompany = (company: SeedCompany, index: number): Row =>
  companyRow(Date.parse('2024-01-15T09:00:00Z') + index * 7 * DAY_MS, {
    sys_id: company.vendorIds.servicenowCompanySysId,
    name: company.legalName,
    [SN_EXTERNAL_REF_FIELD]: company.canonicalId,
    [SN_SUPPORT_TIER_FIELD]: company.support.tier,
    customer: 'true',
    street: company.street,
    city: company.city,
    zip: company.postalCode,
    country: company.country,
    phone: company.phone,
    website: company.website,
  });

/** An empty incident with the instance's defaults; the caller fills in what the insert or the seed says. */
export const incidentDefaults = (sysId: string, number: string, createdAt: number): Row => ({
  sys_id: sysId,
  number,
  short_description: '',
  description: '',
  company: '',
  caller_id: '',
  opened_by: INTEGRATION_USER.sysId,
  opened_at: toGlideDateTime(createdAt),
  state: SN_INCIDENT_STATES.new,
  incident_state: SN_INCIDENT_STATES.new,
  hold_reason: '',
  impact: '3',
  urgency: '3',
  priority: '5',
  severity: '3',
  escalation: '0',
  made_sla: 'true',
  sla_due: '',
  active: 'true',
  correlation_id: '',
  correlation_display: '',
  contact_type: '',
  category: 'inquiry',
  subcategory: '',
  assignment_group: SERVICE_DESK_GROUP,
  assigned_to: '',
  resolved_at: '',
  resolved_by: '',
  close_code: '',
  close_notes: '',
  closed_at: '',
  closed_by: '',
  reassignment_count: '0',
  reopen_count: '0',
  sys_class_name: 'incident',
  sys_created_on: toGlideDateTime(createdAt),
  sys_created_by: INTEGRATION_USER.userName,
  sys_updated_on: toGlideDateTime(createdAt),
  sys_updated_by: INTEGRATION_USER.userName,
  sys_mod_count: '0',
  sys_tags: '',
});

const STATE_OF: Readonly<Record<SeedCompany['support']['cases'][number][2], { state: string; hold: string }>> = {
  new: { state: SN_INCIDENT_STATES.new, hold: '' },
  open: { state: SN_INCIDENT_STATES.inProgress, hold: '' },
  pending: { state: SN_INCIDENT_STATES.onHold, hold: SN_HOLD_REASONS.awaitingCaller },
  solved: { state: SN_INCIDENT_STATES.resolved, hold: '' },
  closed: { state: SN_INCIDENT_STATES.closed, hold: '' },
};

/** The seeded instance as of `now`: incident dates are relative to it, so the data looks the same whenever the sandbox runs. */
export const buildSandboxInstance = (now: number): SandboxInstance => {
  const companies = new Map<string, Row>();
  companies.set(OWN_COMPANY, companyRow(Date.parse('2023-06-01T08:00:00Z'), { sys_id: OWN_COMPANY, name: 'ACME Sandbox Corporation', primary: 'true', city: 'Santa Clara', country: 'US' }));
  const dell = seededSysId('company:dell');
  companies.set(dell, companyRow(Date.parse('2023-06-01T08:05:00Z'), { sys_id: dell, name: 'Dell Inc.', vendor: 'true', manufacturer: 'true', stock_symbol: 'DELL', website: 'https://www.dell.com' }));
  SEED_COMPANIES.forEach((company, index) => companies.set(company.vendorIds.servicenowCompanySysId, seedCompany(company, index)));

  const incidents = new Map<string, Row>();
  const slas = new Map<string, SandboxSla>();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  let number = FIRST_INCIDENT_NUMBER;

  // An internal IT incident of no company: in the table, outside the support contract.
  const internalAt = today - 30 * DAY_MS + 8 * 3_600_000;
  const internal = seededSysId('incident:internal-printer');
  incidents.set(internal, {
    ...incidentDefaults(internal, incidentNumber(number++), internalAt),
    short_description: 'Printer on the 3rd floor is jammed',
    description: 'The shared printer shows a paper jam.',
    state: SN_INCIDENT_STATES.closed,
    incident_state: SN_INCIDENT_STATES.closed,
    active: 'false',
    contact_type: 'walk-in',
    category: 'hardware',
    closed_at: toGlideDateTime(internalAt + DAY_MS),
    closed_by: SUPPORT_AGENT,
    close_code: 'Solved (Permanently)',
    close_notes: 'Cleared the jam.',
  });

  // Numbers grow with creation time, as an instance's do: the oldest case has the smallest number.
  const cases = SEED_COMPANIES.flatMap((company) => company.support.cases.map((c) => ({ company, c }))).sort((a, b) => b.c[3] - a.c[3] || a.c[0].localeCompare(b.c[0]));
  cases.forEach(({ company, c: [subject, severity, status, openedDaysAgo, breached] }, index) => {
    const sysId = seededSysId(`incident:${company.canonicalId}:${subject}`);
    const createdAt = today - openedDaysAgo * DAY_MS + 9 * 3_600_000 + index * MINUTE_MS;
    const { impact, urgency } = SEVERITY_TO_LEVELS[severity];
    const priority = priorityOf(impact, urgency);
    const { state, hold } = STATE_OF[status];
    const resolvedAt = createdAt + 2 * DAY_MS;
    const done = status === 'solved' || status === 'closed';
    const updatedAt = Math.min(now, done ? resolvedAt : createdAt + 3_600_000);
    const target = slaFor(company.support.tier, priority, createdAt);
    // The seed says whether the first-response target was missed; the SLA definition says when it fell due.
    if (target) slas.set(sysId, breached ? { dueAt: Math.min(target.dueAt, now - MINUTE_MS), achieved: false } : { dueAt: target.dueAt, achieved: true });
    const contact = company.primaryContact;
    const caller = seededSysId(`user:${contact.email}`);
    incidents.set(sysId, {
      ...incidentDefaults(sysId, incidentNumber(number++), createdAt),
      short_description: subject,
      description: `${subject}. Reported by ${contact.firstName} ${contact.lastName} (${contact.email}).`,
      company: company.vendorIds.servicenowCompanySysId,
      caller_id: caller,
      opened_by: caller,
      state,
      incident_state: state,
      hold_reason: hold,
      impact,
      urgency,
      priority,
      escalation: subject.startsWith('Escalation') ? '1' : '0',
      made_sla: breached ? 'false' : 'true',
      sla_due: target ? toGlideDateTime(target.dueAt) : '',
      active: status === 'closed' ? 'false' : 'true',
      contact_type: 'email',
      category: 'software',
      assigned_to: status === 'new' ? '' : SUPPORT_AGENT,
      ...(done ? { resolved_at: toGlideDateTime(resolvedAt), resolved_by: SUPPORT_AGENT, close_code: 'Solved (Permanently)', close_notes: 'Fixed and confirmed with the customer.' } : {}),
      ...(status === 'closed' ? { closed_at: toGlideDateTime(resolvedAt + DAY_MS), closed_by: SUPPORT_AGENT } : {}),
      sys_created_by: 'system',
      sys_updated_on: toGlideDateTime(updatedAt),
      sys_updated_by: status === 'new' ? 'system' : 'beth.anglin',
      sys_mod_count: status === 'new' ? '0' : '3',
    });
  });

  return { tables: { core_company: companies, incident: incidents }, slas, nextIncidentNumber: number };
};

/**
 * `made_sla` as the SLA engine keeps it: cleared when the first-response target passes while the
 * incident is still open and the target was not met; never set again.
 */
export const madeSla = (row: Row, sla: SandboxSla | undefined, now: number): string => {
  if (row.made_sla === 'false') return 'false';
  const open = row.active === 'true' && row.state !== SN_INCIDENT_STATES.resolved;
  return sla && open && !sla.achieved && now >= sla.dueAt ? 'false' : 'true';
};
