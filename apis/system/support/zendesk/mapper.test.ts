import { describe, expect, it } from 'vitest';
import { ZdTicketCreateRequestSchema, type ZdTicket } from '../../../../openapi/vendors/zendesk/types.js';
import { isSlaBreached, toOrganization, toSupportCase, toTicketCreate, toTierUpdate } from './mapper.js';

const NOW = Date.parse('2026-11-01T12:00:00Z');
const ticket = (overrides: Partial<ZdTicket> = {}): ZdTicket => ({
  id: 35001,
  external_id: null,
  subject: 'SSO login loop',
  priority: 'high',
  status: 'open',
  organization_id: 360000008812,
  tags: [],
  created_at: '2026-10-29T09:00:00Z',
  updated_at: '2026-10-29T10:00:00Z',
  ...overrides,
});

describe('Zendesk mapper', () => {
  it.each([
    ['urgent', 'sev1'],
    ['high', 'sev2'],
    ['normal', 'sev3'],
    ['low', 'sev4'],
    [null, 'sev3'],
  ] as const)('priority %s reads as %s', (priority, severity) => {
    expect(toSupportCase(ticket({ priority }), NOW)?.severity).toBe(severity);
  });

  it.each([
    ['new', 'new'],
    ['open', 'open'],
    ['pending', 'pending'],
    ['hold', 'on_hold'],
    ['solved', 'solved'],
    ['closed', 'closed'],
  ] as const)('status %s reads as %s', (status, expected) => {
    expect(toSupportCase(ticket({ status }), NOW)?.status).toBe(expected);
  });

  it('maps a ticket to a case: string ids, the id as the number, UTC times, escalated from the tag', () => {
    expect(toSupportCase(ticket({ tags: ['vip', 'escalated'] }), NOW)).toEqual({
      id: '35001',
      number: '35001',
      organizationId: '360000008812',
      subject: 'SSO login loop',
      severity: 'sev2',
      status: 'open',
      escalated: true,
      slaBreached: false,
      createdAt: '2026-10-29T09:00:00.000Z',
      updatedAt: '2026-10-29T10:00:00.000Z',
    });
  });

  it('a ticket of no organisation is not a case', () => {
    expect(toSupportCase(ticket({ organization_id: null }), NOW)).toBeUndefined();
  });

  describe('SLA breach, from the slas sideload', () => {
    const metric = (stage: string, breachAt: string | null) => ({ stage, breach_at: breachAt, metric: 'first_reply_time' });
    it.each([
      ['an active target past its breach time', [metric('active', '2026-11-01T11:59:00Z')], true],
      ['a paused target past its breach time', [metric('paused', '2026-11-01T11:00:00Z')], true],
      ['an active target not yet due', [metric('active', '2026-11-01T12:30:00Z')], false],
      ['a target achieved (its clock stopped)', [metric('achieved', '2026-10-30T00:00:00Z')], false],
      ['a target with no breach time', [metric('active', null)], false],
      ['no policy', [], false],
    ])('%s → %s', (_, metrics, breached) => {
      expect(isSlaBreached(metrics, NOW)).toBe(breached);
      expect(toSupportCase(ticket({ slas: { policy_metrics: metrics } }), NOW)?.slaBreached).toBe(breached);
    });
  });

  it('maps an organization: the support_tier field is the tier, an unknown value none', () => {
    const org = { id: 360000008812, name: 'Globex GmbH', external_id: 'cus_01HZX3GLOBEX', created_at: '2024-01-15T09:00:00Z', updated_at: '2024-01-16T09:00:00Z' };
    expect(toOrganization({ ...org, organization_fields: { support_tier: 'enterprise' } })).toEqual({
      id: '360000008812',
      name: 'Globex GmbH',
      externalRef: 'cus_01HZX3GLOBEX',
      tier: 'enterprise',
      createdAt: '2024-01-15T09:00:00.000Z',
    });
    expect(toOrganization({ ...org, external_id: null, organization_fields: { support_tier: 'gold' } })).not.toHaveProperty('tier');
    expect(toOrganization({ ...org, external_id: null, organization_fields: null })).toEqual({ id: '360000008812', name: 'Globex GmbH', createdAt: '2024-01-15T09:00:00.000Z' });
  });

  it('writes a case as a documented Create Ticket body: first comment, priority, organization, external id, requester', () => {
    const body = toTicketCreate({
      organizationId: '360000008813',
      subject: 'Export fails',
      description: 'Bulk export answers 500 since Monday.',
      severity: 'sev1',
      requesterEmail: 'peter.gibbons@initech.example',
      externalRef: 'case-7781',
    });
    expect(body).toEqual({
      ticket: {
        subject: 'Export fails',
        comment: { body: 'Bulk export answers 500 since Monday.' },
        priority: 'urgent',
        organization_id: 360000008813,
        external_id: 'case-7781',
        requester: { email: 'peter.gibbons@initech.example' },
      },
    });
    expect(ZdTicketCreateRequestSchema.safeParse(body).success).toBe(true);
    expect(toTierUpdate('premium')).toEqual({ organization: { organization_fields: { support_tier: 'premium' } } });
  });
});
