import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import {
  ZD_MAX_PAGE_SIZE,
  ZD_TICKET_SORTS,
  ZdAuditObjectSchema,
  ZdCursorLinksObjectSchema,
  ZdCursorMetaObjectSchema,
  ZdErrorObjectSchema,
  ZdErrorSchema,
  ZdOrganizationObjectSchema,
  ZdOrganizationResponseSchema,
  ZdOrganizationSearchResponseSchema,
  ZdTicketCreatedResponseSchema,
  ZdTicketCursorPageSchema,
  ZdTicketListResponseSchema,
  ZdTicketObjectSchema,
  ZdTicketResponseSchema,
  zendeskOperationFor,
} from '../../../../openapi/vendors/zendesk/types.js';
import type { RecordedRequest } from './sandbox.js';
import { callCtx, sandboxAdapter, startZendeskSandbox, type ZendeskSandboxHandle } from './sandbox-harness.js';

// Zendesk's documented shapes are written down once, by hand, in openapi/vendors/zendesk/types.ts
// (no licensed spec can be shipped). Every request the adapter sends must be one of the operations
// listed there, with its parameters and body; every sandbox answer the adapter relies on must be the
// documented object, strictly — a field that is not documented, or mistyped, breaks this test.

const strict = {
  organization: z.strictObject({ organization: ZdOrganizationObjectSchema }),
  search: z.strictObject({ organizations: z.array(ZdOrganizationObjectSchema), next_page: z.string().nullable(), previous_page: z.string().nullable(), count: z.number().int() }),
  ticket: z.strictObject({ ticket: ZdTicketObjectSchema }),
  created: z.strictObject({ ticket: ZdTicketObjectSchema, audit: ZdAuditObjectSchema }),
  offsetList: z.strictObject({ tickets: z.array(ZdTicketObjectSchema), next_page: z.string().nullable(), previous_page: z.string().nullable(), count: z.number().int() }),
  cursorList: z.strictObject({ tickets: z.array(ZdTicketObjectSchema), meta: ZdCursorMetaObjectSchema, links: ZdCursorLinksObjectSchema }),
};

describe('Zendesk conformance with the documented API', () => {
  let sandbox: ZendeskSandboxHandle;
  let requests: readonly RecordedRequest[];

  beforeAll(async () => {
    sandbox = await startZendeskSandbox();
    const { support, close } = sandboxAdapter(sandbox.baseUrl, systemClock);
    const ctx = () => callCtx(systemClock);
    await support.getOrganization('360000008812', ctx());
    await support.getOrganization('424242', ctx());
    await support.createOrganization({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI', domains: ['hooli.example'] }, ctx());
    await support.createOrganization({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' }, ctx());
    await support.setEntitlement('360000008813', 'premium', ctx());
    const created = await support.createCase(
      { organizationId: '360000008813', subject: 'Export fails', description: 'Bulk export answers 500.', severity: 'sev1', requesterEmail: 'peter.gibbons@initech.example', externalRef: 'case-conf-1' },
      ctx(),
    );
    await support.createCase({ organizationId: '360000008815', subject: 'Question', description: 'How do I export?', severity: 'sev4', externalRef: 'case-conf-2' }, ctx());
    await support.createCase({ organizationId: '424242', subject: 'Nowhere', description: 'No such org.', severity: 'sev3', externalRef: 'case-conf-3' }, ctx());
    if (created.ok) await support.getCase(created.value.id, ctx());
    await support.listCases('360000008813', { status: 'open', limit: 10 }, ctx());
    await support.listCases('360000008812', { status: 'all', limit: 1 }, ctx());
    await close();
    requests = await sandbox.requests();
  });
  afterAll(() => sandbox.close());

  describe("the adapter's requests", () => {
    it('each is a documented operation (method and path template), and together they cover every operation the port needs', () => {
      const operations = requests.map((r) => zendeskOperationFor(r.method, r.path)?.operationId);
      expect(operations).not.toContain(undefined);
      expect(new Set(operations)).toEqual(
        new Set(['ShowOrganization', 'SearchOrganizations', 'CreateOrganization', 'UpdateOrganization', 'ListTickets', 'CreateTicket', 'ShowTicket', 'ListTickets (organization)']),
      );
    });

    it('send only the query parameters the operation takes, with valid values', () => {
      for (const request of requests) {
        const op = zendeskOperationFor(request.method, request.path)!;
        for (const key of Object.keys(request.query)) expect(op.query, `${op.operationId} ?${key}`).toContain(key);
        if (request.query.include !== undefined) expect(request.query.include).toBe('slas');
        if (request.query.sort !== undefined) expect(ZD_TICKET_SORTS).toContain(request.query.sort);
        if (request.query['page[size]'] !== undefined) expect(Number(request.query['page[size]'])).toBeLessThanOrEqual(ZD_MAX_PAGE_SIZE);
      }
    });

    it('send write bodies that are the documented request body, as application/json', () => {
      const writes = requests.filter((r) => r.method !== 'GET');
      expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
        'POST /api/v2/organizations',
        'PUT /api/v2/organizations/360000008813',
        'POST /api/v2/tickets',
        'POST /api/v2/tickets',
        'POST /api/v2/tickets',
      ]);
      for (const write of writes) {
        const op = zendeskOperationFor(write.method, write.path)!;
        expect(write.contentType).toBe('application/json');
        const parsed = op.body!.safeParse(write.body);
        expect(parsed.success, `${op.operationId}: ${parsed.error?.issues.map((i) => i.path.join('.')).join(', ')}`).toBe(true);
      }
    });

    it('authenticate every call with an API token ({email}/token:{api_token})', () => {
      expect(requests.every((r) => r.apiTokenAuth)).toBe(true);
    });
  });

  describe("the sandbox's responses", () => {
    const get = async (path: string) => {
      const res = await sandbox.vendor(path);
      return { res, body: (await res.json()) as unknown };
    };
    const write = async (method: 'POST' | 'PUT', path: string, payload: unknown) => {
      const res = await sandbox.vendor(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      return { res, body: (await res.json()) as unknown };
    };
    const conforms = (schema: z.ZodType, body: unknown) => {
      const parsed = schema.safeParse(body);
      expect(parsed.success, parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toBe(true);
    };

    it('Show Organization and Search Organizations answer the documented Organization object, with the rate-limit headers', async () => {
      const shown = await get('/api/v2/organizations/360000008814');
      conforms(strict.organization, shown.body);
      conforms(ZdOrganizationResponseSchema, shown.body);
      expect(shown.res.headers.get('x-rate-limit')).toMatch(/^\d+$/);
      expect(shown.res.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
      const found = await get('/api/v2/organizations/search?external_id=cus_01HZX3UMBRELLA');
      conforms(strict.search, found.body);
      conforms(ZdOrganizationSearchResponseSchema, found.body);
    });

    it('Create and Update Organization answer the documented Organization object', async () => {
      const created = await write('POST', '/api/v2/organizations', { organization: { name: 'Pied Piper', external_id: 'cus_PIEDPIPER' } });
      expect(created.res.status).toBe(201);
      conforms(strict.organization, created.body);
      const updated = await write('PUT', '/api/v2/organizations/360000008815', { organization: { organization_fields: { support_tier: 'standard' } } });
      conforms(strict.organization, updated.body);
    });

    it('Show Ticket with ?include=slas answers the documented Ticket object with the slas sideload', async () => {
      const shown = await get('/api/v2/tickets/35001?include=slas');
      conforms(strict.ticket, shown.body);
      conforms(ZdTicketResponseSchema, shown.body);
      expect((shown.body as { ticket: object }).ticket).toHaveProperty('slas');
    });

    it('Create Ticket answers {ticket, audit}', async () => {
      const created = await write('POST', '/api/v2/tickets', { ticket: { subject: 'x', comment: { body: 'y' }, priority: 'low', organization_id: 360000008816, external_id: 'r' } });
      expect(created.res.status).toBe(201);
      conforms(strict.created, created.body);
      conforms(ZdTicketCreatedResponseSchema, created.body);
    });

    it('List Tickets answers offset pagination without page[size], cursor pagination (meta, links) with it', async () => {
      const offset = await get('/api/v2/tickets?external_id=r&include=slas');
      conforms(strict.offsetList, offset.body);
      conforms(ZdTicketListResponseSchema, offset.body);
      const cursor = await get('/api/v2/organizations/360000008813/tickets?page[size]=2&sort=-id&include=slas');
      conforms(strict.cursorList, cursor.body);
      conforms(ZdTicketCursorPageSchema, cursor.body);
      expect((cursor.body as { meta: { has_more: boolean } }).meta.has_more).toBe(true);
    });

    it.each([
      ['401, no credentials', () => fetch(`${sandbox.baseUrl}/api/v2/tickets/35001`), 401, "Couldn't authenticate you"],
      ['404 RecordNotFound', () => sandbox.vendor('/api/v2/tickets/999999'), 404, 'RecordNotFound'],
      [
        '422 RecordInvalid with details',
        () => sandbox.vendor('/api/v2/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: { name: 'Globex GmbH' } }) }),
        422,
        'RecordInvalid',
      ],
      ['429 APIRateLimitExceeded', () => sandbox.vendor('/api/v2/tickets/35001', { headers: { 'x-sandbox-fault': 'rate-limit' } }), 429, 'APIRateLimitExceeded'],
      ['500 {error: {title, message}}', () => sandbox.vendor('/api/v2/tickets/35001', { headers: { 'x-sandbox-fault': 'error500' } }), 500, undefined],
      ['503 {error: {title, message}}', () => sandbox.vendor('/api/v2/tickets/35001', { headers: { 'x-sandbox-fault': 'error503' } }), 503, undefined],
    ] as const)('errors follow the Zendesk envelopes: %s', async (_, send, status, code) => {
      const res = await send();
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: unknown };
      conforms(ZdErrorObjectSchema, body);
      conforms(ZdErrorSchema, body);
      if (code) expect(body.error).toBe(code);
      if (status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });
});
