import { describe, expect, it } from 'vitest';
import type { SnIncident } from '../../../../openapi/vendors/servicenow/types.js';
import { CaseSchema } from '../contract.js';
import {
  PRIORITY_TO_SEVERITY,
  SEVERITY_TO_LEVELS,
  fromGlideDateTime,
  priorityOf,
  toCaseStatus,
  toCompanyCreate,
  toGlideDateTime,
  toIncidentCreate,
  toOrganization,
  toSupportCase,
  toTierUpdate,
} from './mapper.js';

const INCIDENT: SnIncident = {
  sys_id: '9d385017c611228701d22104cc95c371',
  number: 'INC0010023',
  company: 'a1b2c3d4e5f60718293a4b5c6d7e8813',
  short_description: 'API returns 500 on bulk export',
  priority: '1',
  state: '2',
  hold_reason: '',
  active: 'true',
  escalation: '0',
  made_sla: 'true',
  correlation_id: '',
  sys_created_on: '2026-10-23 09:00:00',
  sys_updated_on: '2026-10-23 10:00:00',
};

describe('ServiceNow mapper', () => {
  it('reads GlideDateTime (UTC, display values off) as RFC 3339, and back', () => {
    expect(fromGlideDateTime('2026-03-01 09:05:07')).toBe('2026-03-01T09:05:07.000Z');
    expect(toGlideDateTime(Date.parse('2026-03-01T09:05:07.900Z'))).toBe('2026-03-01 09:05:07');
  });

  it('maps an incident to a case: number, company, severity from priority, status, escalation, SLA', () => {
    const mapped = toSupportCase({ ...INCIDENT, escalation: '2', made_sla: 'false' })!;
    expect(CaseSchema.parse(mapped)).toEqual(mapped);
    expect(mapped).toEqual({
      id: INCIDENT.sys_id,
      number: 'INC0010023',
      organizationId: INCIDENT.company,
      subject: INCIDENT.short_description,
      severity: 'sev1',
      status: 'open',
      escalated: true,
      slaBreached: true,
      createdAt: '2026-10-23T09:00:00.000Z',
      updatedAt: '2026-10-23T10:00:00.000Z',
    });
    expect(toSupportCase({ ...INCIDENT, escalation: '0', made_sla: 'true' })).toMatchObject({ escalated: false, slaBreached: false });
  });

  it('an incident of no company is not a case', () => {
    expect(toSupportCase({ ...INCIDENT, company: '' })).toBeUndefined();
  });

  it.each([
    [{ state: '1' }, 'new'],
    [{ state: '2' }, 'open'],
    [{ state: '3', hold_reason: '1' }, 'pending'],
    [{ state: '3', hold_reason: '4' }, 'on_hold'],
    [{ state: '6' }, 'solved'],
    [{ state: '7', active: 'false' as const }, 'closed'],
    [{ state: '8', active: 'false' as const }, 'closed'],
    [{ state: '18', active: 'true' as const }, 'open'],
    [{ state: '19', active: 'false' as const }, 'closed'],
  ])('state %j reads as %s', (fields, status) => {
    expect(toCaseStatus({ ...INCIDENT, ...fields })).toBe(status);
  });

  it('writes severity as impact and urgency whose computed priority reads back as the same severity', () => {
    for (const severity of ['sev1', 'sev2', 'sev3', 'sev4'] as const) {
      const { impact, urgency } = SEVERITY_TO_LEVELS[severity];
      expect(PRIORITY_TO_SEVERITY[priorityOf(impact, urgency)]).toBe(severity);
    }
    expect(priorityOf('3', '3')).toBe('5');
    expect(PRIORITY_TO_SEVERITY['5']).toBe('sev4');
  });

  it('maps a company with its reference and tier; an unknown tier is no entitlement', () => {
    const company = { sys_id: 'a1b2c3d4e5f60718293a4b5c6d7e8812', name: 'Globex GmbH', u_external_ref: 'cus_01HZX3GLOBEX', u_support_tier: 'enterprise', sys_created_on: '2024-01-15 09:00:00' };
    expect(toOrganization(company)).toEqual({ id: company.sys_id, name: 'Globex GmbH', externalRef: 'cus_01HZX3GLOBEX', tier: 'enterprise', createdAt: '2024-01-15T09:00:00.000Z' });
    expect(toOrganization({ ...company, u_external_ref: '', u_support_tier: 'gold' })).toEqual({ id: company.sys_id, name: 'Globex GmbH', createdAt: '2024-01-15T09:00:00.000Z' });
  });

  it('builds the create and update bodies with string values', () => {
    expect(toCompanyCreate({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI', domains: ['hooli.example'] })).toEqual({ name: 'Hooli Inc.', u_external_ref: 'cus_01HZX3HOOLI', customer: 'true' });
    expect(toTierUpdate('premium')).toEqual({ u_support_tier: 'premium' });
    expect(toIncidentCreate({ organizationId: INCIDENT.company, subject: 'Export fails', description: 'It times out.', severity: 'sev2', externalRef: 'case-1' })).toEqual({
      company: INCIDENT.company,
      short_description: 'Export fails',
      description: 'It times out.',
      impact: '1',
      urgency: '2',
      correlation_id: 'case-1',
      correlation_display: 'Strata',
    });
  });

  it('cuts a subject longer than short_description holds and keeps it whole in the description', () => {
    const subject = 'x'.repeat(200);
    const body = toIncidentCreate({ organizationId: INCIDENT.company, subject, description: 'Details.', severity: 'sev3', externalRef: 'case-2' });
    expect(body.short_description).toHaveLength(160);
    expect(body.description).toBe(`${subject}\n\nDetails.`);
  });
});
