// The Zendesk sandbox's ticket routes: an organization's tickets, list by external id, show, create (with its audit).
import type { Hono } from 'hono';
import { ZD_PRIORITIES, ZD_STATUSES, type ZdAuditWire } from '../../../../openapi/vendors/zendesk/types.js';
import { SANDBOX_API_USER_ID, organizationTier, slaFor, ticketWire, zendeskTime, type StoredOrganization, type StoredTicket } from './sandbox-data.js';
import { recordInvalid, recordNotFound } from './sandbox-faults.js';
import { ID, ID_ONLY, baseUrlOf, idParam, isObject, isStringArray, json, paths, readWrapped, type Json, type ZendeskSandboxState } from './sandbox-http.js';
import { ticketList } from './sandbox-ticket-pages.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[a-z]{2,}$/i;

export const registerTicketRoutes = (app: Hono, { clock, account }: ZendeskSandboxState): void => {
  app.on('GET', paths(`/api/v2/organizations/${ID_ONLY}/tickets`), (c) => {
    const id = idParam(c);
    if (!account().organizations.has(id)) return recordNotFound();
    return ticketList(c, clock, [...account().tickets.values()].filter((t) => t.organizationId === id), `/api/v2/organizations/${id}/tickets`);
  });

  app.on('GET', paths('/api/v2/tickets'), (c) => {
    const externalId = c.req.query('external_id');
    const selected = [...account().tickets.values()].filter((t) => externalId === undefined || t.externalId === externalId);
    return ticketList(c, clock, selected, '/api/v2/tickets');
  });

  app.get(`/api/v2/tickets/${ID}`, (c) => {
    const ticket = account().tickets.get(idParam(c));
    if (!ticket) return recordNotFound();
    return json({ ticket: ticketWire(ticket, baseUrlOf(c), { slas: (c.req.query('include') ?? '').split(',').includes('slas'), now: clock.now() }) });
  });

  app.on('POST', paths('/api/v2/tickets'), async (c) => {
    const input = await readWrapped(c, 'ticket');
    if (input instanceof Response) return input;
    const store = account();
    const errors: Record<string, [string, string][]> = {};
    const add = (field: string, error: string, description: string) => (errors[field] ??= []).push([error, description]);
    const comment = input.comment;
    if (!isObject(comment) || typeof comment.body !== 'string' || comment.body.trim() === '') add('description', 'BlankValue', 'Description: cannot be blank');
    if ('subject' in input && typeof input.subject !== 'string') add('subject', 'InvalidValue', 'Subject: is invalid');
    if ('priority' in input && !(ZD_PRIORITIES as readonly unknown[]).includes(input.priority)) add('priority', 'InvalidValue', 'Priority: is not valid');
    if ('status' in input && !(ZD_STATUSES as readonly unknown[]).includes(input.status)) add('status', 'InvalidValue', 'Status: is not valid');
    if ('external_id' in input && input.external_id !== null && typeof input.external_id !== 'string') add('external_id', 'InvalidValue', 'External: is invalid');
    let organization: StoredOrganization | undefined;
    if ('organization_id' in input && input.organization_id !== null) {
      organization = typeof input.organization_id === 'number' ? store.organizations.get(input.organization_id) : undefined;
      if (!organization) add('organization_id', 'InvalidValue', 'Organization: is invalid');
    }
    let requesterId = SANDBOX_API_USER_ID;
    if ('requester' in input) {
      const requester = input.requester;
      if (!isObject(requester) || typeof requester.email !== 'string' || !EMAIL.test(requester.email)) add('requester', 'InvalidValue', 'Requester: Email is invalid');
      else {
        const key = requester.email.toLowerCase();
        if (!store.users.has(key)) store.users.set(key, store.nextUserId++);
        requesterId = store.users.get(key)!;
      }
    }
    if (Object.keys(errors).length > 0) return recordInvalid(errors);

    const now = clock.now();
    const priority = (input.priority as StoredTicket['priority'] | undefined) ?? null;
    const sla = slaFor(organizationTier(organization), priority, now);
    const subject = typeof input.subject === 'string' ? input.subject : ((comment as Json).body as string).slice(0, 80);
    const ticket: StoredTicket = {
      id: store.nextTicketId++,
      externalId: typeof input.external_id === 'string' ? input.external_id : null,
      subject,
      description: (comment as Json).body as string,
      priority,
      status: (input.status as StoredTicket['status'] | undefined) ?? 'new',
      requesterId,
      organizationId: organization?.id ?? null,
      tags: isStringArray(input.tags) ? [...new Set(input.tags)] : [],
      createdAt: now,
      updatedAt: now,
      ...(sla ? { sla } : {}),
      channel: 'api',
    };
    store.tickets.set(ticket.id, ticket);
    const base = baseUrlOf(c);
    const audit: ZdAuditWire = {
      id: store.nextAuditId++,
      ticket_id: ticket.id,
      created_at: zendeskTime(now),
      author_id: SANDBOX_API_USER_ID,
      metadata: { system: {}, custom: {} },
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      events: [{ id: store.nextAuditId++, type: 'Comment', author_id: requesterId, body: ticket.description, public: true }],
    };
    return json({ ticket: ticketWire(ticket, base, { slas: false, now }), audit }, 201, { location: `${base}/api/v2/tickets/${ticket.id}.json` });
  });
};
