// The Chargebee sandbox's customer routes: list, retrieve and create (`/api/v2/customers`).
import type { Hono } from 'hono';
import type { ChargebeeCustomer } from '../../../../openapi/vendors/chargebee/types.js';
import { API, EMAIL, ID, duplicateEntry, generatedId, json, notFound, opt, resourceLimitExceeded } from './sandbox-helpers.js';
import type { ChargebeeSandboxState } from './sandbox-state.js';
import { listPage, optionalBoolean, optionalEnum, optionalInt, optionalJsonObject, optionalString, parseForm, type ListSpec } from './sandbox-wire.js';

export const registerChargebeeCustomerRoutes = (app: Hono, { state, pageCap }: { state: ChargebeeSandboxState; pageCap: number | undefined }) => {
  const customerList: ListSpec<ChargebeeCustomer> = {
    wrapper: 'customer',
    filters: { 'id[is]': (r, v) => r.id === v },
    sortFields: { created_at: (r) => r.created_at, updated_at: (r) => r.updated_at ?? r.created_at },
    defaultSort: { field: 'created_at', direction: 'desc' },
    seq: state.seq,
    ...(pageCap ? { pageCap } : {}),
  };

  app.get(`${API}/customers`, (c) => json(listPage(c.req.query(), [...state.customers.values()], customerList)));
  app.get(`${API}/customers/:id`, (c) => {
    const customer = state.customers.get(c.req.param('id'));
    return customer ? json({ customer }) : notFound();
  });

  app.post(`${API}/customers`, async (c) => {
    const form = parseForm(c.req.header('content-type'), await c.req.text(), [
      /^(id|first_name|last_name|email|phone|company|auto_collection|net_term_days|allow_direct_debit|vat_number|taxability|meta_data|preferred_currency_code|invoice_notes)$/,
      /^billing_address\[(first_name|last_name|email|company|phone|line1|line2|line3|city|state_code|state|country|zip)\]$/,
    ]);
    const id = optionalString(form, 'id', 50, ID) ?? generatedId();
    const email = optionalString(form, 'email', 70, EMAIL);
    const customer: ChargebeeCustomer = {
      id,
      ...opt('first_name', optionalString(form, 'first_name', 150)),
      ...opt('last_name', optionalString(form, 'last_name', 150)),
      ...opt('email', email),
      ...opt('phone', optionalString(form, 'phone', 50)),
      ...opt('company', optionalString(form, 'company', 250)),
      ...opt('vat_number', optionalString(form, 'vat_number', 20)),
      auto_collection: optionalEnum(form, 'auto_collection', ['on', 'off'] as const) ?? 'on',
      net_term_days: optionalInt(form, 'net_term_days', 0, 365) ?? 0,
      allow_direct_debit: optionalBoolean(form, 'allow_direct_debit') ?? false,
      taxability: optionalEnum(form, 'taxability', ['taxable', 'exempt'] as const) ?? 'taxable',
      ...opt('preferred_currency_code', optionalString(form, 'preferred_currency_code', 3, /^[A-Z]{3}$/)),
      ...opt('meta_data', optionalJsonObject(form, 'meta_data')),
      ...opt('invoice_notes', optionalString(form, 'invoice_notes', 2000)),
      created_at: state.nowSeconds(),
      card_status: 'no_card',
      account_credits: 0,
      promotional_credits: 0,
      refundable_credits: 0,
      excess_payments: 0,
      unbilled_charges: 0,
      deleted: false,
      object: 'customer',
    };
    const address = [...form].filter(([k]) => k.startsWith('billing_address['));
    if (address.length > 0) customer.billing_address = Object.fromEntries(address.map(([k, v]) => [k.slice('billing_address['.length, -1), v]));
    if (state.customers.has(id)) return duplicateEntry(id);
    if (state.full()) return resourceLimitExceeded();
    state.touch(customer);
    state.customers.set(id, state.remember(customer));
    return json({ customer });
  });
};
