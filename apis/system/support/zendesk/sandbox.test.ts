import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { SANDBOX_ZENDESK_CREDENTIALS } from './config.js';
import { createZendeskSandbox, type ZendeskSandboxOptions } from './sandbox.js';

// In-process requests (app.request) against the sandbox mounted the way the sandbox server mounts it.
const BASE = 'http://sandbox.test/zendesk';
const AUTH = `Basic ${Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}/token:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64')}`;
const DAY_MS = 86_400_000;

// Bodies are read loosely here; their shapes are checked strictly in conformance.test.ts.
type Json = Record<string, any>;

describe('Zendesk sandbox', () => {
  let clock: ReturnType<typeof createManualClock>;
  let app: Hono;
  const build = (options: ZendeskSandboxOptions = {}) => {
    app = new Hono().route('/zendesk', createZendeskSandbox({ clock, ...options }));
  };
  const call = (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, { ...init, headers: { authorization: AUTH, ...(init.headers as Record<string, string>) } });
  const body = async (res: Response) => (await res.json()) as Json;
  const send = (method: 'POST' | 'PUT', path: string, payload: unknown) => call(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

  beforeEach(() => {
    clock = createManualClock(Date.parse('2026-11-01T12:00:00Z'));
    build();
  });

  describe('API token authentication', () => {
    it.each([
      ['no credentials', undefined],
      ['a wrong token', `Basic ${Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}/token:wrong`).toString('base64')}`],
      ['another agent', `Basic ${Buffer.from(`someone@acme.example/token:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64')}`],
      ['a password instead of a token', `Basic ${Buffer.from(`${SANDBOX_ZENDESK_CREDENTIALS.email}:${SANDBOX_ZENDESK_CREDENTIALS.apiToken}`).toString('base64')}`],
    ])('when the request carries %s, answers 401 "Couldn\'t authenticate you"', async (_, authorization) => {
      const res = await app.request(`${BASE}/api/v2/organizations/360000008812`, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
    });
  });

  describe('seeded account (SEED_COMPANIES)', () => {
    it('has one organization per seed company: its Zendesk id, legal name, canonical id as external id, and support tier', async () => {
      for (const company of SEED_COMPANIES) {
        const res = await call(`/api/v2/organizations/${company.vendorIds.zendeskOrganizationId}`);
        expect(res.status).toBe(200);
        expect((await body(res)).organization).toMatchObject({
          id: Number(company.vendorIds.zendeskOrganizationId),
          name: company.legalName,
          external_id: company.canonicalId,
          organization_fields: { support_tier: company.support.tier },
        });
      }
    });

    it("has each company's cases as its tickets: subject, priority, status, opened days ago, and the SLA breach in the slas sideload", async () => {
      const priorities = { sev1: 'urgent', sev2: 'high', sev3: 'normal', sev4: 'low' };
      for (const company of SEED_COMPANIES) {
        const res = await call(`/api/v2/organizations/${company.vendorIds.zendeskOrganizationId}/tickets?include=slas`);
        const tickets = (await body(res)).tickets as Json[];
        expect(tickets).toHaveLength(company.support.cases.length);
        for (const [subject, severity, status, openedDaysAgo, breached] of company.support.cases) {
          const t = tickets.find((x) => x.subject === subject)!;
          expect(t).toMatchObject({ priority: priorities[severity], status, organization_id: Number(company.vendorIds.zendeskOrganizationId) });
          const calendarDaysAgo = Math.floor(clock.now() / DAY_MS) - Math.floor(Date.parse(t.created_at) / DAY_MS);
          expect(calendarDaysAgo).toBe(openedDaysAgo);
          const overdue = (t.slas.policy_metrics as Json[]).some((m) => m.stage !== 'achieved' && Date.parse(m.breach_at) <= clock.now());
          expect(overdue, subject).toBe(breached);
        }
      }
    });

    it('tags the escalation case escalated, and gives ticket ids in creation order', async () => {
      const res = await call('/api/v2/organizations/360000008816/tickets?sort=-id');
      const tickets = (await body(res)).tickets as Json[];
      expect(tickets.map((t) => t.subject)).toEqual(['Escalation: data sync stalled', 'Webhook deliveries delayed']);
      expect(tickets[0]!.tags).toEqual(['escalated']);
    });

    it('when a record does not exist, answers 404 RecordNotFound; an unknown endpoint, 404 InvalidEndpoint', async () => {
      expect(await body(await call('/api/v2/organizations/999'))).toEqual({ error: 'RecordNotFound', description: 'Not found' });
      expect((await call('/api/v2/tickets/999')).status).toBe(404);
      expect(await body(await call('/api/v2/widgets'))).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
    });

    it('accepts the .json suffix Zendesk paths may carry', async () => {
      expect((await call('/api/v2/organizations/360000008812.json')).status).toBe(200);
      expect((await call('/api/v2/tickets.json?external_id=none')).status).toBe(200);
    });
  });

  describe('organizations', () => {
    it('finds by external id case-insensitively, as Zendesk does', async () => {
      const found = await body(await call('/api/v2/organizations/search?external_id=CUS_01HZX3WAYNE'));
      expect(found.organizations.map((o: Json) => o.id)).toEqual([360000008816]);
      expect((await body(await call('/api/v2/organizations/search?external_id=cus_nobody'))).organizations).toEqual([]);
    });

    it('creates one with 201 and a Location, then refuses the same external id or name with 422 DuplicateValue', async () => {
      const created = await send('POST', '/api/v2/organizations', { organization: { name: 'Hooli Inc.', external_id: 'cus_01HOOLI', domain_names: ['hooli.example'] } });
      expect(created.status).toBe(201);
      const org = (await body(created)).organization;
      expect(created.headers.get('location')).toBe(`${BASE}/api/v2/organizations/${org.id}.json`);
      expect(org).toMatchObject({ name: 'Hooli Inc.', external_id: 'cus_01HOOLI', domain_names: ['hooli.example'], organization_fields: { support_tier: null } });

      const sameRef = await send('POST', '/api/v2/organizations', { organization: { name: 'Hooli Two', external_id: 'CUS_01hooli' } });
      expect(sameRef.status).toBe(422);
      expect(await body(sameRef)).toEqual({
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { external_id: [{ description: 'External: has already been taken', error: 'DuplicateValue' }] },
      });
      const sameName = await send('POST', '/api/v2/organizations', { organization: { name: 'hooli inc.', external_id: 'cus_other' } });
      expect((await body(sameName)).details.name[0].error).toBe('DuplicateValue');
      expect((await body(await send('POST', '/api/v2/organizations', { organization: {} }))).details.name[0].error).toBe('BlankValue');
    });

    it('updates the support_tier field with PUT, refusing a value that is not one of its options', async () => {
      const updated = await send('PUT', '/api/v2/organizations/360000008813', { organization: { organization_fields: { support_tier: 'premium' } } });
      expect(updated.status).toBe(200);
      expect((await body(updated)).organization.organization_fields).toEqual({ support_tier: 'premium' });
      const invalid = await send('PUT', '/api/v2/organizations/360000008813', { organization: { organization_fields: { support_tier: 'gold' } } });
      expect(invalid.status).toBe(422);
      expect((await send('PUT', '/api/v2/organizations/999', { organization: { organization_fields: { support_tier: 'premium' } } })).status).toBe(404);
    });

    it('refuses a body that is not JSON, or not wrapped in "organization"', async () => {
      expect((await call('/api/v2/organizations', { method: 'POST', body: 'name=x' })).status).toBe(415);
      expect((await call('/api/v2/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name"' })).status).toBe(400);
      expect((await send('POST', '/api/v2/organizations', { name: 'x' })).status).toBe(400);
    });
  });

  describe('tickets', () => {
    const newTicket = (extra: Json = {}) => ({ ticket: { subject: 'Export fails', comment: { body: 'It fails.' }, priority: 'urgent', organization_id: 360000008813, ...extra } });

    it('creates one with 201 {ticket, audit}: status new, the SLA target of the organization tier and priority', async () => {
      const res = await send('POST', '/api/v2/tickets', newTicket({ external_id: 'case-1', requester: { email: 'new.person@initech.example' } }));
      expect(res.status).toBe(201);
      const { ticket, audit } = await body(res);
      expect(ticket).toMatchObject({ status: 'new', priority: 'urgent', external_id: 'case-1', organization_id: 360000008813, description: 'It fails.' });
      expect(audit.ticket_id).toBe(ticket.id);
      const shown = await body(await call(`/api/v2/tickets/${ticket.id}?include=slas`));
      // Initech is on the standard tier: a sev1 (urgent) first reply is due in 240 minutes.
      expect(shown.ticket.slas.policy_metrics).toEqual([{ breach_at: new Date(clock.now() + 240 * 60_000).toISOString().replace('.000Z', 'Z'), stage: 'active', metric: 'first_reply_time', minutes: 240 }]);
      clock.advance(241 * 60_000);
      const later = await body(await call(`/api/v2/tickets/${ticket.id}?include=slas`));
      expect(later.ticket.slas.policy_metrics[0].minutes).toBe(-1);
    });

    it('allows the same external id twice (Zendesk does), and lists tickets by it', async () => {
      expect((await send('POST', '/api/v2/tickets', newTicket({ external_id: 'dup' }))).status).toBe(201);
      expect((await send('POST', '/api/v2/tickets', newTicket({ external_id: 'dup' }))).status).toBe(201);
      expect((await body(await call('/api/v2/tickets?external_id=dup'))).tickets).toHaveLength(2);
    });

    it('refuses a ticket without a comment, with an unknown priority or organization: 422 RecordInvalid naming each field', async () => {
      const res = await send('POST', '/api/v2/tickets', { ticket: { subject: 'x', priority: 'critical', organization_id: 999 } });
      expect(res.status).toBe(422);
      expect(Object.keys((await body(res)).details).sort()).toEqual(['description', 'organization_id', 'priority']);
    });

    it('pages with cursors: page[size], meta.has_more / after_cursor, links.next followed to the end', async () => {
      for (let i = 0; i < 5; i++) await send('POST', '/api/v2/tickets', newTicket({ subject: `T${i}` }));
      const seen: number[] = [];
      let next: string | null = '/api/v2/organizations/360000008813/tickets?page[size]=3&sort=-id';
      while (next) {
        const page: Json = await body(await call(next));
        seen.push(...page.tickets.map((t: Json) => t.id));
        expect(page.meta.has_more).toBe(page.links.next !== null);
        next = page.links.next ? (page.links.next as string).slice(BASE.length) : null;
      }
      expect(seen).toHaveLength(8); // three seeded, five new
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
    });

    it.each(['page[size]=0', 'page[size]=101', 'page[after]=bogus', 'sort=created_at'])('when the list asks %s, answers 400', async (query) => {
      expect((await call(`/api/v2/tickets?${query}`)).status).toBe(400);
    });
  });

  describe('rate limits', () => {
    it('reports X-Rate-Limit and X-Rate-Limit-Remaining on every answer', async () => {
      const first = await call('/api/v2/organizations/360000008812');
      const second = await call('/api/v2/organizations/360000008812');
      expect(first.headers.get('x-rate-limit')).toBe('700');
      expect(Number(first.headers.get('x-rate-limit-remaining')) - Number(second.headers.get('x-rate-limit-remaining'))).toBe(1);
    });

    it("when enforced, answers 429 APIRateLimitExceeded with Retry-After past the minute's limit, and serves again in the next minute", async () => {
      build({ requestsPerMinute: 2, enforceRateLimit: true });
      clock.set(Date.parse('2026-11-01T12:00:45Z'));
      await call('/api/v2/organizations/360000008812');
      await call('/api/v2/organizations/360000008812');
      const limited = await call('/api/v2/organizations/360000008812');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('15');
      expect(await limited.json()).toMatchObject({ error: 'APIRateLimitExceeded' });
      clock.advance(15_000);
      expect((await call('/api/v2/organizations/360000008812')).status).toBe(200);
    });
  });

  it('POST /__sandbox/reset brings the data back to the seed', async () => {
    await send('POST', '/api/v2/organizations', { organization: { name: 'Hooli Inc.', external_id: 'cus_01HOOLI' } });
    expect((await app.request(`${BASE}/__sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect((await body(await call('/api/v2/organizations/search?external_id=cus_01HOOLI'))).organizations).toEqual([]);
  });
});
