import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import type {
  ChargebeeCustomer,
  ChargebeeInvoice,
  ChargebeeItemPrice,
  ChargebeeSubscription,
  ChargebeeSubscriptionResponse,
} from '../../../../openapi/vendors/chargebee/types.js';
import { SANDBOX_CHARGEBEE_API_KEY } from './config.js';
import { DAY_SECONDS, NET_TERM_DAYS, addMonths, billingPeriodAt, periodInvoice, periodMonthsOf, seedRecords } from './sandbox-data.js';
import { CHARGEBEE_FAULTS, chargebeeError } from './sandbox-faults.js';
import {
  SandboxRefusal,
  listPage,
  optionalBoolean,
  optionalEnum,
  optionalInt,
  optionalJsonObject,
  optionalString,
  parseForm,
  wrongValue,
  type ListSpec,
} from './sandbox-wire.js';

export interface ChargebeeSandboxOptions {
  /** Record timestamps and the seed's "today"; default the system clock. */
  readonly clock?: Clock;
  /** Added to every Chargebee call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  /** The site's API key (HTTP Basic user name). Default `SANDBOX_CHARGEBEE_API_KEY`. */
  readonly apiKey?: string;
  /** Records the site may hold before creates are refused (`resource_limit_exceeded`). Default 10,000. */
  readonly maxRecords?: number;
  /** Caps every list page below the `limit` asked for (default: no cap), to exercise cursor following. */
  readonly maxPageSize?: number;
}

/** What the sandbox keeps of one vendor request, for stats and conformance tests (never the API key). */
export interface RecordedRequest {
  readonly method: string;
  /** Relative to the mount point: `/api/v2/customers/AzZGlobex01`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** A form body's fields, in the order sent. */
  readonly form?: ReadonlyArray<readonly [string, string]>;
  /** Whether the request carried HTTP Basic credentials at all (not whether they were right). */
  readonly basicAuth: boolean;
}

const API = '/api/v2';
const JSON_TYPE = 'application/json;charset=utf-8';
const ID = /^[A-Za-z0-9._@-]{1,50}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

const relativePath = (path: string): string => {
  for (const marker of [`${API}/`, '/__sandbox/']) {
    const at = path.indexOf(marker);
    if (at >= 0) return path.slice(at);
  }
  return path;
};

const describeRequest = async (c: Context): Promise<RecordedRequest> => {
  const contentType = c.req.header('content-type');
  const form = c.req.method === 'POST' && contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') ? [...new URLSearchParams(await c.req.text())] : undefined;
  return {
    method: c.req.method,
    path: relativePath(c.req.path),
    query: c.req.query(),
    ...(contentType ? { contentType } : {}),
    ...(form ? { form } : {}),
    basicAuth: /^Basic \S+$/.test(c.req.header('authorization') ?? ''),
  };
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE } });
const notFound = (param?: string) =>
  chargebeeError(404, 'resource_not_found', 'invalid_request', param ? `${param} : Referenced resource is not present.` : "Sorry, we couldn't find that resource", param ? { param } : {});
const invalidState = (message: string) => chargebeeError(409, 'invalid_state_for_request', 'invalid_request', message);

/** Chargebee-style generated ids (`AzZj5cTdW1f5a3lA`). */
const generatedId = () => `AzZ${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

/**
 * A Chargebee site simulator speaking API v2 with Product Catalog 2.0, as the billing adapter uses it
 * (and as a Chargebee SDK pointed at it would): HTTP Basic with the site API key, form-encoded
 * bodies with bracketed keys, wrapped responses, lists with `field[is]` filters, `sort_by`, `limit`
 * and `next_offset`, Chargebee's error envelope, and the writes the contract uses — customers (the
 * caller may choose the id; a taken id is `400 duplicate_entry`), `subscription_for_items` (with a
 * contract term) and `cancel_for_items`. Seeded from SEED_COMPANIES (`sandbox-data.ts`); state is kept
 * in memory per instance.
 *
 * Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE /__sandbox/stats`,
 * `GET /__sandbox/requests`, `GET /__sandbox/records` (ids and references of every customer and
 * subscription, to prove there is no duplicate), `POST /__sandbox/reset` (re-seeds; clears faults and
 * the request log).
 *
 * @example sandboxServer.route('/chargebee', createChargebeeSandbox()) // then .../chargebee/api/v2/customers/AzZGlobex01
 */
export const createChargebeeSandbox = (options: ChargebeeSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const apiKey = options.apiKey ?? SANDBOX_CHARGEBEE_API_KEY;
  const maxRecords = options.maxRecords ?? 10_000;
  const pageCap = options.maxPageSize;
  const faults = createFaultInjection(CHARGEBEE_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 1_000 });

  let customers = new Map<string, ChargebeeCustomer>();
  let subscriptions = new Map<string, ChargebeeSubscription>();
  let invoices: ChargebeeInvoice[] = [];
  let itemPrices = new Map<string, ChargebeeItemPrice>();
  let seqOf = new WeakMap<object, number>();
  let nextSeq = 1;
  let nextInvoice = 10_001;
  const remember = <T extends object>(record: T): T => {
    seqOf.set(record, nextSeq++);
    return record;
  };
  const seed = () => {
    const records = seedRecords(clock.now());
    seqOf = new WeakMap();
    nextSeq = 1;
    customers = new Map(records.customers.map((r) => [r.id, remember(r)]));
    itemPrices = new Map(records.itemPrices.map((r) => [r.id, remember(r)]));
    subscriptions = new Map(records.subscriptions.map((r) => [r.id, remember(r)]));
    invoices = records.invoices.map(remember);
    nextInvoice = 10_001 + invoices.length;
  };
  seed();
  const seq = (r: object) => seqOf.get(r) ?? 0;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const touch = (r: { updated_at?: number; resource_version?: number }) => {
    r.updated_at = nowSeconds();
    r.resource_version = clock.now();
  };
  const full = () => customers.size + subscriptions.size + invoices.length >= maxRecords;

  const app = new Hono();

  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.get('/__sandbox/records', (c) =>
    c.json({
      customers: [...customers.values()].map((r) => ({ id: r.id, ref: (r.meta_data as { strata_external_ref?: string } | undefined)?.strata_external_ref ?? null })),
      subscriptions: [...subscriptions.values()].map((r) => ({ id: r.id, customerId: r.customer_id, status: r.status, ref: (r.meta_data as { strata_external_ref?: string } | undefined)?.strata_external_ref ?? null })),
    }),
  );
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    seed();
    return c.body(null, 204);
  });

  // Every Chargebee call: recorded, then the base latency, then any fault, then the API key.
  app.use(`${API}/*`, log.record);
  app.use(`${API}/*`, async function baseLatency(_c, next) {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  });
  app.use(`${API}/*`, faults.inject);
  app.use(`${API}/*`, async function basicAuth(c, next) {
    const m = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(c.req.header('authorization') ?? '');
    const user = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':')[0] : undefined;
    if (user !== apiKey) return chargebeeError(401, 'api_authentication_failed', 'untyped', 'Sorry, authentication failed. Invalid api key');
    await next();
  });
  app.onError((error) => {
    if (error instanceof SandboxRefusal) return error.response;
    throw error;
  });

  const customerList: ListSpec<ChargebeeCustomer> = {
    wrapper: 'customer',
    filters: { 'id[is]': (r, v) => r.id === v },
    sortFields: { created_at: (r) => r.created_at, updated_at: (r) => r.updated_at ?? r.created_at },
    defaultSort: { field: 'created_at', direction: 'desc' },
    seq,
    ...(pageCap ? { pageCap } : {}),
  };
  const subscriptionList: ListSpec<ChargebeeSubscription> = {
    wrapper: 'subscription',
    filters: {
      'customer_id[is]': (r, v) => r.customer_id === v,
      'status[is]': (r, v) => r.status === v,
      'item_price_id[is]': (r, v) => (r.subscription_items ?? []).some((i) => i.item_price_id === v),
    },
    sortFields: { created_at: (r) => r.created_at ?? 0, updated_at: (r) => r.updated_at ?? r.created_at ?? 0 },
    companions: (r) => ({ customer: customers.get(r.customer_id) }),
    defaultSort: { field: 'created_at', direction: 'desc' },
    seq,
    ...(pageCap ? { pageCap } : {}),
  };
  const invoiceList: ListSpec<ChargebeeInvoice> = {
    wrapper: 'invoice',
    filters: {
      'customer_id[is]': (r, v) => r.customer_id === v,
      'subscription_id[is]': (r, v) => r.subscription_id === v,
      'status[is]': (r, v) => r.status === v,
    },
    sortFields: { date: (r) => r.date ?? 0, updated_at: (r) => r.updated_at ?? r.date ?? 0 },
    defaultSort: { field: 'date', direction: 'desc' },
    seq,
    ...(pageCap ? { pageCap } : {}),
  };

  app.get(`${API}/customers`, (c) => json(listPage(c.req.query(), [...customers.values()], customerList)));
  app.get(`${API}/customers/:id`, (c) => {
    const customer = customers.get(c.req.param('id'));
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
      created_at: nowSeconds(),
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
    if (customers.has(id)) return chargebeeError(400, 'duplicate_entry', 'invalid_request', `id : The value ${id} is already present.`, { param: 'id' });
    if (full()) return chargebeeError(400, 'resource_limit_exceeded', 'invalid_request', 'The sandbox site holds as many records as it may.');
    touch(customer);
    customers.set(id, remember(customer));
    return json({ customer });
  });

  app.get(`${API}/item_prices/:id`, (c) => {
    const itemPrice = itemPrices.get(c.req.param('id'));
    return itemPrice ? json({ item_price: itemPrice }) : notFound();
  });

  app.get(`${API}/subscriptions`, (c) => json(listPage(c.req.query(), [...subscriptions.values()], subscriptionList)));
  app.get(`${API}/subscriptions/:id`, (c) => {
    const subscription = subscriptions.get(c.req.param('id'));
    return subscription ? json({ subscription, customer: customers.get(subscription.customer_id) }) : notFound();
  });

  app.post(`${API}/customers/:id/subscription_for_items`, async (c) => {
    const form = parseForm(c.req.header('content-type'), await c.req.text(), [
      /^(id|start_date|billing_cycles|auto_collection|po_number|meta_data|contract_term_billing_cycle_on_renewal)$/,
      /^contract_term\[(action_at_term_end|cancellation_cutoff_period)\]$/,
      /^subscription_items\[(item_price_id|quantity|unit_price|billing_cycles)\]\[\d{1,3}\]$/,
    ]);
    const customer = customers.get(c.req.param('id'));
    if (!customer) return notFound();
    for (const key of form.keys()) if (/^subscription_items\[[a-z_]+\]\[(?!0\])/.test(key)) throw wrongValue(key, 'the sandbox takes one item (index 0): the plan.');
    const itemPriceId = optionalString(form, 'subscription_items[item_price_id][0]', 100);
    if (!itemPriceId) throw wrongValue('subscription_items[item_price_id][0]', 'cannot be blank.');
    const price = itemPrices.get(itemPriceId);
    if (!price) return notFound('subscription_items[item_price_id][0]');
    if (price.status !== 'active' || price.item_type !== 'plan') throw wrongValue('subscription_items[item_price_id][0]', 'is not an active plan item price.');
    const id = optionalString(form, 'id', 50, ID) ?? generatedId();
    const quantity = optionalInt(form, 'subscription_items[quantity][0]', 1, 1_000_000) ?? 1;
    const unitPrice = optionalInt(form, 'subscription_items[unit_price][0]', 0, 1e12) ?? price.price ?? 0;
    const billingCycles = optionalInt(form, 'billing_cycles', 0, 1_000);
    const action = optionalEnum(form, 'contract_term[action_at_term_end]', ['renew', 'evergreen', 'cancel', 'renew_once'] as const);
    const renewalCycles = optionalInt(form, 'contract_term_billing_cycle_on_renewal', 1, 100);
    const startDate = optionalInt(form, 'start_date', 0, 253_402_300_799);
    const meta = optionalJsonObject(form, 'meta_data');
    optionalEnum(form, 'auto_collection', ['on', 'off'] as const);
    optionalString(form, 'po_number', 100);
    if (action && !billingCycles) throw wrongValue('billing_cycles', 'is required (the contract term length) when contract_term is given.');
    if (renewalCycles && !action) throw wrongValue('contract_term_billing_cycle_on_renewal', 'applies to contract terms only.');
    if (subscriptions.has(id)) return chargebeeError(400, 'duplicate_entry', 'invalid_request', `id : The value ${id} is already present.`, { param: 'id' });
    if (full()) return chargebeeError(400, 'resource_limit_exceeded', 'invalid_request', 'The sandbox site holds as many records as it may.');

    const now = nowSeconds();
    const months = periodMonthsOf(price);
    const start = startDate ?? now;
    const future = start > now;
    const period = billingPeriodAt(start, months, now);
    const amount = unitPrice * quantity;
    const subscription: ChargebeeSubscription = {
      id,
      customer_id: customer.id,
      currency_code: price.currency_code,
      status: future ? 'future' : 'active',
      start_date: start,
      ...(future ? { next_billing_at: start } : { started_at: start, activated_at: start, current_term_start: period.start, current_term_end: period.end, next_billing_at: period.end }),
      created_at: now,
      ...(billingCycles !== undefined ? { remaining_billing_cycles: billingCycles } : {}),
      has_scheduled_changes: false,
      has_scheduled_advance_invoices: false,
      due_invoices_count: 0,
      mrr: Math.round(amount / months),
      subscription_items: [{ item_price_id: price.id, item_type: 'plan', quantity, unit_price: unitPrice, amount, free_quantity: 0, object: 'subscription_item' }],
      ...(action
        ? {
            contract_term: {
              id: `ct_${id}`.slice(0, 50),
              status: 'active' as const,
              contract_start: start,
              contract_end: addMonths(start, months * billingCycles!),
              billing_cycle: billingCycles!,
              action_at_term_end: action,
              total_contract_value: amount * billingCycles!,
              cancellation_cutoff_period: 0,
              created_at: now,
              subscription_id: id,
              object: 'contract_term' as const,
            },
          }
        : {}),
      ...opt('meta_data', meta),
      deleted: false,
      object: 'subscription',
    };
    touch(subscription);
    subscriptions.set(id, remember(subscription));
    const body: ChargebeeSubscriptionResponse = { subscription, customer };
    if (!future) {
      const line = { itemPriceId: price.id, description: price.name, unitPrice, quantity };
      const netTermDays = customer.net_term_days ?? NET_TERM_DAYS;
      const invoice = periodInvoice(`CB-${nextInvoice++}`, subscription, line, period, { status: netTermDays > 0 ? 'posted' : 'payment_due', first: true });
      invoice.date = now;
      invoice.due_date = now + netTermDays * DAY_SECONDS;
      invoice.net_term_days = netTermDays;
      invoices.push(remember(invoice));
      body.invoice = invoice;
    }
    return json(body);
  });

  app.post(`${API}/subscriptions/:id/cancel_for_items`, async (c) => {
    const form = parseForm(c.req.header('content-type'), await c.req.text(), [/^(end_of_term|cancel_at|contract_term_cancel_option|cancel_reason_code)$/]);
    const subscription = subscriptions.get(c.req.param('id'));
    if (!subscription) return notFound();
    const endOfTerm = optionalBoolean(form, 'end_of_term');
    const option = optionalEnum(form, 'contract_term_cancel_option', ['terminate_immediately', 'end_of_contract_term', 'specific_date', 'end_of_subscription_billing_term'] as const);
    const reason = optionalString(form, 'cancel_reason_code', 100);
    if (form.has('cancel_at') || option === 'specific_date') throw wrongValue('cancel_at', 'cancelling on a specific date is not supported by the sandbox.');
    if (endOfTerm !== undefined && option !== undefined) throw wrongValue('end_of_term', 'cannot be combined with contract_term_cancel_option.');
    if (subscription.status === 'cancelled') return invalidState('The subscription is already cancelled.');
    const contract = subscription.contract_term?.status === 'active' ? subscription.contract_term : undefined;
    if (option !== undefined && !contract) throw wrongValue('contract_term_cancel_option', 'applies to subscriptions with an active contract term only.');
    const now = nowSeconds();
    const atEnd = option === 'end_of_contract_term' || option === 'end_of_subscription_billing_term' || (option === undefined && endOfTerm === true);
    if (atEnd && subscription.status !== 'future') {
      if (subscription.status === 'non_renewing') return invalidState('The subscription is already scheduled to be cancelled.');
      subscription.status = 'non_renewing';
      subscription.cancelled_at = option === 'end_of_contract_term' && contract ? contract.contract_end : (subscription.current_term_end ?? now);
      if (option === 'end_of_contract_term' && contract) contract.action_at_term_end = 'cancel';
    } else {
      subscription.status = 'cancelled';
      subscription.cancelled_at = now;
      subscription.mrr = 0;
      delete subscription.next_billing_at;
      if (contract) contract.status = 'terminated';
    }
    if (reason) subscription.cancel_reason_code = reason;
    touch(subscription);
    const customer = customers.get(subscription.customer_id)!;
    return json({ subscription, customer } satisfies ChargebeeSubscriptionResponse);
  });

  app.get(`${API}/invoices`, (c) => json(listPage(c.req.query(), invoices, invoiceList)));
  app.get(`${API}/invoices/:id`, (c) => {
    const invoice = invoices.find((i) => i.id === c.req.param('id'));
    return invoice ? json({ invoice }) : notFound();
  });

  app.all(`${API}/*`, () => notFound());

  return app;
};

/** `{ key: value }` when the value is there, `{}` otherwise. */
const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
