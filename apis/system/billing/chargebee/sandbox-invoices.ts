// The Chargebee sandbox's invoice routes: list and retrieve (`/api/v2/invoices`).
import type { Hono } from 'hono';
import type { ChargebeeInvoice } from '../../../../openapi/vendors/chargebee/types.js';
import { API, json, notFound } from './sandbox-helpers.js';
import type { ChargebeeSandboxState } from './sandbox-state.js';
import { listPage, type ListSpec } from './sandbox-wire.js';

export const registerChargebeeInvoiceRoutes = (app: Hono, { state, pageCap }: { state: ChargebeeSandboxState; pageCap: number | undefined }) => {
  const invoiceList: ListSpec<ChargebeeInvoice> = {
    wrapper: 'invoice',
    filters: {
      'customer_id[is]': (r, v) => r.customer_id === v,
      'subscription_id[is]': (r, v) => r.subscription_id === v,
      'status[is]': (r, v) => r.status === v,
    },
    sortFields: { date: (r) => r.date ?? 0, updated_at: (r) => r.updated_at ?? r.date ?? 0 },
    defaultSort: { field: 'date', direction: 'desc' },
    seq: state.seq,
    ...(pageCap ? { pageCap } : {}),
  };

  app.get(`${API}/invoices`, (c) => json(listPage(c.req.query(), state.invoices, invoiceList)));
  app.get(`${API}/invoices/:id`, (c) => {
    const invoice = state.invoices.find((i) => i.id === c.req.param('id'));
    return invoice ? json({ invoice }) : notFound();
  });
};
