// The Stripe sandbox's invoice routes: list (by customer, subscription, status, collection method) and retrieve.
import type { Hono } from 'hono';
import { customerOr404 } from './sandbox-customers.js';
import { invalid, noSuch } from './sandbox-errors.js';
import { expandOf, listOf, newestFirst, onlyParams, str } from './sandbox-params.js';
import { EXPANDABLE, renderInvoice } from './sandbox-render.js';
import type { SandboxRouteDeps, StripeSandboxEnv } from './sandbox-state.js';

const LIST_INVOICE_EXPAND = EXPANDABLE.invoice.map((p) => `data.${p}`);

export const registerInvoiceRoutes = (app: Hono<StripeSandboxEnv>, { state }: SandboxRouteDeps) => {
  app.get('/v1/invoices', (c) => {
    const params = c.get('params');
    onlyParams(params, ['customer', 'subscription', 'status', 'collection_method', 'limit', 'starting_after', 'ending_before', 'expand']);
    const expand = new Set([...expandOf(params, LIST_INVOICE_EXPAND)].map((p) => p.slice('data.'.length)));
    const customer = str(params, 'customer');
    if (customer !== undefined) customerOr404(state.account, customer, 'customer', 400);
    const subscription = str(params, 'subscription');
    if (subscription !== undefined && !state.account.subscriptions.has(subscription)) throw noSuch('subscription', subscription, 'subscription', 400);
    const status = str(params, 'status');
    if (status !== undefined && !['draft', 'open', 'paid', 'uncollectible', 'void'].includes(status)) throw invalid('Invalid status', 'status');
    const collection = str(params, 'collection_method');
    const all = [...state.account.invoices.values()]
      .filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (subscription === undefined || i.subscription === subscription) &&
          (status === undefined || i.status === status) &&
          (collection === undefined || i.collectionMethod === collection),
      )
      .sort(newestFirst);
    return c.json(listOf(all, params, '/v1/invoices', (i) => renderInvoice(state.account, i, expand)));
  });

  app.get('/v1/invoices/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    const expand = expandOf(params, EXPANDABLE.invoice);
    const id = c.req.param('id');
    const invoice = state.account.invoices.get(id);
    if (!invoice) throw noSuch('invoice', id, 'id', 404);
    return c.json(renderInvoice(state.account, invoice, expand));
  });
};
