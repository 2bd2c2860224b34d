// The Chargebee sandbox's item price route: retrieve (`/api/v2/item_prices/:id`), the plans subscriptions are on.
import type { Hono } from 'hono';
import { API, json, notFound } from './sandbox-helpers.js';
import type { ChargebeeSandboxState } from './sandbox-state.js';

export const registerChargebeeItemPriceRoutes = (app: Hono, { state }: { state: ChargebeeSandboxState }) => {
  app.get(`${API}/item_prices/:id`, (c) => {
    const itemPrice = state.itemPrices.get(c.req.param('id'));
    return itemPrice ? json({ item_price: itemPrice }) : notFound();
  });
};
