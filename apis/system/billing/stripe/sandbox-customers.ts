// The Stripe sandbox's customer routes: search, list, create, retrieve, update.
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { ParsedForm } from './form.js';
import type { SandboxAccount, SandboxCustomer } from './sandbox-data.js';
import { invalid, noSuch } from './sandbox-errors.js';
import { expandOf, listOf, metadataOf, newestFirst, onlyParams, searchPage, str } from './sandbox-params.js';
import { renderCustomer, renderDeletedCustomer } from './sandbox-render.js';
import { parseSearchQuery, type SearchRecord } from './sandbox-search.js';
import { isSearchable, randomId, seconds, type SandboxRouteDeps, type StripeSandboxEnv } from './sandbox-state.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const CUSTOMER_WRITE_PARAMS = ['name', 'email', 'phone', 'description', 'metadata', 'expand'] as const;

/** A live (not deleted) customer, or Stripe's `resource_missing` on `param`. */
export const customerOr404 = (account: SandboxAccount, id: string, param = 'id', status: 400 | 404 = 404): SandboxCustomer => {
  const customer = account.customers.get(id);
  if (!customer || customer.deleted) throw noSuch('customer', id, param, status);
  return customer;
};
const customerSearchRecord = (c: SandboxCustomer): SearchRecord => ({ fields: { email: c.email, name: c.name, phone: c.phone }, metadata: c.metadata });
const applyCustomerFields = (customer: SandboxCustomer, params: ParsedForm) => {
  const name = str(params, 'name', 256);
  const email = str(params, 'email', 512);
  const phone = str(params, 'phone', 20);
  const description = str(params, 'description', 350);
  if (email !== undefined && email !== '' && !EMAIL.test(email)) throw invalid(`Invalid email address: ${email.slice(0, 60)}`, 'email', 'email_invalid');
  if (name !== undefined) customer.name = name || null;
  if (email !== undefined) customer.email = email || null;
  if (phone !== undefined) customer.phone = phone || null;
  if (description !== undefined) customer.description = description || null;
  const metadata = metadataOf(params);
  if (metadata !== undefined) {
    const merged = params.metadata === '' ? {} : { ...customer.metadata, ...metadata };
    for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
    customer.metadata = merged;
  }
};

export const registerCustomerRoutes = (app: Hono<StripeSandboxEnv>, deps: SandboxRouteDeps) => {
  const { state, clock } = deps;

  app.get('/v1/customers/search', (c) => {
    const params = c.get('params');
    onlyParams(params, ['query', 'limit', 'page', 'expand']);
    expandOf(params, []);
    const query = str(params, 'query');
    if (query === undefined) throw invalid('Missing required param: query.', 'query', 'parameter_missing');
    const matches = parseSearchQuery(query, ['email', 'name', 'phone']);
    const { account } = state;
    const found = [...account.customers.values()].filter((x) => !x.deleted && isSearchable(deps, x.id) && matches(customerSearchRecord(x))).sort(newestFirst);
    return c.json(searchPage(found, params, '/v1/customers/search', (x) => renderCustomer(account, x)));
  });

  app.get('/v1/customers', (c) => {
    const params = c.get('params');
    onlyParams(params, ['email', 'limit', 'starting_after', 'ending_before', 'expand']);
    expandOf(params, []);
    const email = str(params, 'email', 512);
    const { account } = state;
    const all = [...account.customers.values()].filter((x) => !x.deleted && (email === undefined || x.email === email)).sort(newestFirst);
    return c.json(listOf(all, params, '/v1/customers', (x) => renderCustomer(account, x)));
  });

  app.post('/v1/customers', (c) => {
    const params = c.get('params');
    onlyParams(params, CUSTOMER_WRITE_PARAMS);
    expandOf(params, []);
    const customer: SandboxCustomer = {
      id: randomId('cus'),
      name: null,
      email: null,
      phone: null,
      description: null,
      currency: null,
      address: null,
      metadata: {},
      created: seconds(clock.now()),
      invoicePrefix: randomBytes(4).toString('hex').toUpperCase(),
      nextInvoiceSequence: 1,
      deleted: false,
    };
    applyCustomerFields(customer, params);
    state.account.customers.set(customer.id, customer);
    state.searchableAt.set(customer.id, clock.now() + deps.searchLagMs);
    return c.json(renderCustomer(state.account, customer));
  });

  app.get('/v1/customers/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    expandOf(params, []);
    const id = c.req.param('id');
    const customer = state.account.customers.get(id);
    if (!customer) throw noSuch('customer', id, 'id', 404);
    return c.json(customer.deleted ? renderDeletedCustomer(id) : renderCustomer(state.account, customer));
  });

  app.post('/v1/customers/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, CUSTOMER_WRITE_PARAMS);
    expandOf(params, []);
    const customer = customerOr404(state.account, c.req.param('id'));
    applyCustomerFields(customer, params);
    return c.json(renderCustomer(state.account, customer));
  });
};
