// The Zendesk sandbox's ticket-list rendering: `sort`, the `slas` sideload, cursor and offset pagination.
import type { Context } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import { ZD_MAX_PAGE_SIZE, ZD_STATUSES, ZD_TICKET_SORTS } from '../../../../openapi/vendors/zendesk/types.js';
import { ticketWire, type StoredTicket } from './sandbox-data.js';
import { badRequest, baseUrlOf, json } from './sandbox-http.js';

const SORTS: Record<string, (a: StoredTicket, b: StoredTicket) => number> = {
  id: (a, b) => a.id - b.id,
  status: (a, b) => ZD_STATUSES.indexOf(a.status) - ZD_STATUSES.indexOf(b.status) || a.id - b.id,
  updated_at: (a, b) => a.updatedAt - b.updatedAt || a.id - b.id,
};
const cursorOf = (index: number) => Buffer.from(`sbx:${index}`).toString('base64url');
const indexOf = (cursor: string): number | undefined => {
  const m = /^sbx:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

/** A ticket list in the pagination the request asks for: cursor with `page[size]`/`page[after]`, else offset. */
export const ticketList = (c: Context, clock: Clock, selected: StoredTicket[], listPath: string): Response => {
  const q = c.req.query();
  const sort = q.sort ?? 'id';
  if (!(ZD_TICKET_SORTS as readonly string[]).includes(sort)) return badRequest('InvalidPaginationParameter', 'sort is not valid');
  const compare = SORTS[sort.replace(/^-/, '')]!;
  const sorted = [...selected].sort(sort.startsWith('-') ? (a, b) => compare(b, a) : compare);
  const base = baseUrlOf(c);
  const now = clock.now();
  const slas = (q.include ?? '').split(',').includes('slas');
  const render = (t: StoredTicket) => ticketWire(t, base, { slas, now });

  if ('page[size]' in q || 'page[after]' in q || 'page[before]' in q) {
    const size = q['page[size]'] === undefined ? ZD_MAX_PAGE_SIZE : /^\d{1,3}$/.test(q['page[size]']) ? Number(q['page[size]']) : NaN;
    if (!(size >= 1 && size <= ZD_MAX_PAGE_SIZE)) return badRequest('InvalidPaginationParameter', 'page[size] must be between 1 and 100');
    const start = q['page[after]'] !== undefined ? indexOf(q['page[after]']) : 0;
    if (start === undefined) return badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
    const page = sorted.slice(start, start + size);
    const hasMore = start + page.length < sorted.length;
    const link = (params: Record<string, string>) => `${base}${listPath}.json?${new URLSearchParams({ ...params, 'page[size]': String(size), ...(q.sort ? { sort: q.sort } : {}) })}`;
    return json({
      tickets: page.map(render),
      meta: { has_more: hasMore, after_cursor: page.length > 0 ? cursorOf(start + page.length) : null, before_cursor: page.length > 0 ? cursorOf(start) : null },
      links: { prev: start > 0 ? link({ 'page[before]': cursorOf(start) }) : null, next: hasMore ? link({ 'page[after]': cursorOf(start + page.length) }) : null },
    });
  }
  const perPage = q.per_page === undefined ? ZD_MAX_PAGE_SIZE : Number(q.per_page);
  const pageNumber = q.page === undefined ? 1 : Number(q.page);
  if (!(Number.isInteger(perPage) && perPage >= 1 && perPage <= ZD_MAX_PAGE_SIZE) || !(Number.isInteger(pageNumber) && pageNumber >= 1)) {
    return badRequest('InvalidPaginationParameter', 'per_page must be between 1 and 100 and page at least 1');
  }
  const start = (pageNumber - 1) * perPage;
  const page = sorted.slice(start, start + perPage);
  const offsetLink = (n: number) => `${base}${listPath}.json?${new URLSearchParams({ page: String(n), per_page: String(perPage) })}`;
  return json({
    tickets: page.map(render),
    next_page: start + perPage < sorted.length ? offsetLink(pageNumber + 1) : null,
    previous_page: pageNumber > 1 ? offsetLink(pageNumber - 1) : null,
    count: sorted.length,
  });
};
