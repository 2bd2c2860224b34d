import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { CaseSchema, OrganizationSchema, RESPONSE_TARGET_MINUTES } from '../contract.js';
import { MAX_OPEN_SCAN_PAGES } from './adapter.js';
import { callCtx, sandboxAdapter, startZendeskSandbox, type ZendeskSandboxHandle } from './sandbox-harness.js';

// The real adapter over undici against the sandbox over HTTP (RELIABILITY.md faults: reliability.test.ts).
describe('Zendesk support adapter', () => {
  let sandbox: ZendeskSandboxHandle;
  let adapter: ReturnType<typeof sandboxAdapter>;
  const ctx = () => callCtx(systemClock);
  const organizationsWithExternalId = async (ref: string) =>
    ((await (await sandbox.vendor(`/api/v2/organizations/search?external_id=${ref}`)).json()) as { organizations: unknown[] }).organizations.length;
  const ticketsWithExternalId = async (ref: string) => ((await (await sandbox.vendor(`/api/v2/tickets?external_id=${ref}`)).json()) as { tickets: unknown[] }).tickets.length;

  beforeAll(async () => {
    sandbox = await startZendeskSandbox();
  });
  beforeEach(async () => {
    await sandbox.reset();
    adapter = sandboxAdapter(sandbox.baseUrl, systemClock, { resilience: { backoffMs: 5 } });
  });
  afterEach(() => adapter.close());
  afterAll(() => sandbox.close());

  describe('getOrganization', () => {
    it('when the organization exists, answers it with its external reference and tier', async () => {
      const result = await adapter.support.getOrganization('360000008812', ctx());
      expect(result).toEqual({ ok: true, value: { id: '360000008812', name: 'Globex GmbH', externalRef: 'cus_01HZX3GLOBEX', tier: 'enterprise', createdAt: '2024-01-15T09:00:00.000Z' } });
      expect(OrganizationSchema.safeParse(result.ok && result.value).success).toBe(true);
    });

    it('when it does not exist, answers support.organization_not_found', async () => {
      expect(await adapter.support.getOrganization('424242', ctx())).toEqual({ ok: false, error: { code: 'support.organization_not_found', retryable: false } });
    });

    it.each(['globex', '0123', '1'.repeat(17), '99999999999999999'])('when the id %s cannot be a Zendesk id, answers not found without a vendor call', async (id) => {
      expect((await adapter.support.getOrganization(id, ctx())).ok).toBe(false);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('createOrganization (idempotent on externalRef)', () => {
    const hooli = { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI', domains: ['hooli.example'] };

    it('when no organization carries the reference, creates one (lookup, then one POST)', async () => {
      const created = await adapter.support.createOrganization(hooli, ctx());
      expect(created).toMatchObject({ ok: true, value: { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' } });
      expect(created.ok && created.value).not.toHaveProperty('tier');
      expect((await sandbox.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/organizations/search', 'POST /api/v2/organizations']);
    });

    it('when called again with the same reference, answers the same organization without a second POST', async () => {
      const first = await adapter.support.createOrganization(hooli, ctx());
      const again = await adapter.support.createOrganization({ ...hooli, name: 'Hooli' }, ctx());
      expect(again).toEqual(first);
      expect(await sandbox.count('POST', '/organizations')).toBe(1);
      expect(await organizationsWithExternalId(hooli.externalRef)).toBe(1);
    });

    it('when the reference belongs to a seeded company, answers that organization', async () => {
      const result = await adapter.support.createOrganization({ name: 'Initech', externalRef: 'cus_01HZX3INITECH' }, ctx());
      expect(result).toMatchObject({ ok: true, value: { id: '360000008813', tier: 'standard' } });
      expect(await sandbox.count('POST', '/organizations')).toBe(0);
    });

    it('when two first attempts race, the loser meets 422 DuplicateValue and answers the winner: one organization', async () => {
      // Both creates are held 150 ms before they commit, so both look-ups find nothing and both POST.
      await sandbox.injectFault({ fault: 'latency', delayMs: 150, pathPattern: '/organizations$', times: 2 });
      const [a, b] = await Promise.all([adapter.support.createOrganization(hooli, ctx()), adapter.support.createOrganization(hooli, ctx())]);
      expect(a.ok && b.ok).toBe(true);
      expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
      expect(await sandbox.count('POST', '/organizations')).toBe(2);
      expect(await organizationsWithExternalId(hooli.externalRef)).toBe(1);
    });

    it('when the name is taken by an organization with another reference, answers vendor.error (a conflict to resolve in Zendesk)', async () => {
      const result = await adapter.support.createOrganization({ name: 'Globex GmbH', externalRef: 'cus_other' }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'support' } });
      expect(adapter.logs()).toMatch(/"status":422,"errorCode":"RecordInvalid","fields":\["name"\]/);
    });
  });

  describe('setEntitlement', () => {
    it('sets the support_tier field and answers the entitlement with its response targets; a read shows the tier', async () => {
      const result = await adapter.support.setEntitlement('360000008813', 'premium', ctx());
      expect(result).toEqual({ ok: true, value: { organizationId: '360000008813', tier: 'premium', responseTargetMinutes: RESPONSE_TARGET_MINUTES.premium } });
      expect(await adapter.support.getOrganization('360000008813', ctx())).toMatchObject({ ok: true, value: { tier: 'premium' } });
      const put = (await sandbox.requests()).find((r) => r.method === 'PUT')!;
      expect(put).toMatchObject({ path: '/api/v2/organizations/360000008813', body: { organization: { organization_fields: { support_tier: 'premium' } } } });
    });

    it('when the organization does not exist, answers support.organization_not_found', async () => {
      expect(await adapter.support.setEntitlement('424242', 'standard', ctx())).toMatchObject({ ok: false, error: { code: 'support.organization_not_found' } });
    });
  });

  describe('getCase', () => {
    it("answers each seeded case with the seed's severity, status and SLA breach", async () => {
      for (const company of SEED_COMPANIES) {
        const listed = await adapter.support.listCases(company.vendorIds.zendeskOrganizationId, { status: 'all', limit: 100 }, ctx());
        if (!listed.ok) throw new Error(listed.error.code);
        for (const [subject, severity, status, , breached] of company.support.cases) {
          const summary = listed.value.find((c) => c.subject === subject)!;
          const result = await adapter.support.getCase(summary.id, ctx());
          expect(result).toMatchObject({ ok: true, value: { subject, severity, status, slaBreached: breached, organizationId: company.vendorIds.zendeskOrganizationId } });
          expect(CaseSchema.safeParse(result.ok && result.value).success).toBe(true);
        }
      }
    });

    it('reads the escalated tag', async () => {
      const listed = await adapter.support.listCases('360000008816', { status: 'open', limit: 10 }, ctx());
      expect(listed.ok && listed.value.map((c) => [c.subject, c.escalated])).toEqual([
        ['Escalation: data sync stalled', true],
        ['Webhook deliveries delayed', false],
      ]);
    });

    it('when the ticket does not exist, answers support.case_not_found; an impossible id, without a call', async () => {
      expect(await adapter.support.getCase('999999', ctx())).toMatchObject({ ok: false, error: { code: 'support.case_not_found' } });
      await sandbox.resetStats();
      expect(await adapter.support.getCase('INC0010023', ctx())).toMatchObject({ ok: false, error: { code: 'support.case_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('createCase (idempotent on externalRef)', () => {
    const newCase = { organizationId: '360000008813', subject: 'Bulk export still failing', description: 'Same 500 as last week.', severity: 'sev2' as const, externalRef: 'case-initech-0001' };

    it('creates a ticket: priority from severity, status new, not breached; the requester when given', async () => {
      const created = await adapter.support.createCase({ ...newCase, requesterEmail: 'peter.gibbons@initech.example' }, ctx());
      expect(created).toMatchObject({ ok: true, value: { organizationId: '360000008813', subject: newCase.subject, severity: 'sev2', status: 'new', escalated: false, slaBreached: false } });
      const post = (await sandbox.requests()).find((r) => r.method === 'POST')!;
      expect(post.body).toEqual({
        ticket: { subject: newCase.subject, comment: { body: newCase.description }, priority: 'high', organization_id: 360000008813, external_id: newCase.externalRef, requester: { email: 'peter.gibbons@initech.example' } },
      });
    });

    it('when called again with the same reference, answers the same case without a second POST', async () => {
      const first = await adapter.support.createCase(newCase, ctx());
      const again = await adapter.support.createCase(newCase, ctx());
      expect(again.ok && first.ok && again.value.id).toBe(first.ok && first.value.id);
      expect(await sandbox.count('POST', '/tickets')).toBe(1);
      expect(await ticketsWithExternalId(newCase.externalRef)).toBe(1);
    });

    it('when the organization does not exist, answers support.organization_not_found; an impossible id, without a POST', async () => {
      expect(await adapter.support.createCase({ ...newCase, organizationId: '424242' }, ctx())).toMatchObject({ ok: false, error: { code: 'support.organization_not_found' } });
      await sandbox.resetStats();
      expect(await adapter.support.createCase({ ...newCase, organizationId: 'initech' }, ctx())).toMatchObject({ ok: false, error: { code: 'support.organization_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('listCases', () => {
    it("open: the organization's unsolved cases, newest first", async () => {
      const result = await adapter.support.listCases('360000008813', { status: 'open', limit: 20 }, ctx());
      expect(result.ok && result.value.map((c) => [c.subject, c.status])).toEqual([
        ['Question about data retention', 'new'],
        ['Cannot add users', 'pending'],
        ['API returns 500 on bulk export', 'open'],
      ]);
    });

    it('all: solved ones too, and at most limit, asked of Zendesk as the page size', async () => {
      const all = await adapter.support.listCases('360000008812', { status: 'all', limit: 20 }, ctx());
      expect(all.ok && all.value.map((c) => c.status)).toEqual(['open', 'solved']);
      await sandbox.resetStats();
      const one = await adapter.support.listCases('360000008812', { status: 'all', limit: 1 }, ctx());
      expect(one.ok && one.value).toHaveLength(1);
      expect((await sandbox.requests())[0]!.query).toEqual({ 'page[size]': '1', sort: '-id', include: 'slas' });
    });

    it('open: follows the cursor past a page of solved tickets', async () => {
      for (let i = 0; i < 101; i++) {
        await sandbox.vendor('/api/v2/tickets', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ticket: { subject: `Solved ${i}`, comment: { body: 'done' }, status: 'solved', organization_id: 360000008814 } }),
        });
      }
      await sandbox.resetStats();
      const result = await adapter.support.listCases('360000008814', { status: 'open', limit: 5 }, ctx());
      expect(result.ok && result.value.map((c) => c.subject)).toEqual(['Audit log export missing fields']);
      const pages = await sandbox.requests();
      expect(pages).toHaveLength(2);
      expect(pages[1]!.query['page[after]']).toEqual(expect.any(String));
      expect(MAX_OPEN_SCAN_PAGES).toBeGreaterThanOrEqual(2);
    });

    it('when the organization does not exist, answers support.organization_not_found', async () => {
      expect(await adapter.support.listCases('424242', { status: 'all', limit: 5 }, ctx())).toMatchObject({ ok: false, error: { code: 'support.organization_not_found' } });
    });

    it('an organization with no cases answers an empty list', async () => {
      expect(await adapter.support.listCases('360000008815', { status: 'open', limit: 5 }, ctx())).toEqual({ ok: true, value: [] });
    });
  });

  it('authenticates every call with the API token ({email}/token:{api_token}, Basic)', async () => {
    await adapter.support.getOrganization('360000008812', ctx());
    await adapter.support.listCases('360000008812', { status: 'all', limit: 5 }, ctx());
    const requests = await sandbox.requests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.apiTokenAuth)).toBe(true);
  });
});
