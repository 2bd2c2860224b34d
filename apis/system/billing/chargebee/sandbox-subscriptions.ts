// The Chargebee sandbox's subscription routes: list, retrieve, create for a customer (`subscription_for_items`) and `cancel_for_items`.
import type { Hono } from 'hono';
import type { ChargebeeSubscription, ChargebeeSubscriptionResponse } from '../../../../openapi/vendors/chargebee/types.js';
import { DAY_SECONDS, NET_TERM_DAYS, addMonths, billingPeriodAt, periodInvoice, periodMonthsOf } from './sandbox-data.js';
import { API, ID, duplicateEntry, generatedId, invalidState, json, notFound, opt, resourceLimitExceeded } from './sandbox-helpers.js';
import type { ChargebeeSandboxState } from './sandbox-state.js';
import { listPage, optionalBoolean, optionalEnum, optionalInt, optionalJsonObject, optionalString, parseForm, wrongValue, type ListSpec } from './sandbox-wire.js';

export const registerChargebeeSubscriptionRoutes = (app: Hono, { state, pageCap }: { state: ChargebeeSandboxState; pageCap: number | undefined }) => {
  const subscriptionList: ListSpec<ChargebeeSubscription> = {
    wrapper: 'subscription',
    filters: {
      'customer_id[is]': (r, v) => r.customer_id === v,
      'status[is]': (r, v) => r.status === v,
      'item_price_id[is]': (r, v) => (r.subscription_items ?? []).some((i) => i.item_price_id === v),
    },
    sortFields: { created_at: (r) => r.created_at ?? 0, updated_at: (r) => r.updated_at ?? r.created_at ?? 0 },
    companions: (r) => ({ customer: state.customers.get(r.customer_id) }),
    defaultSort: { field: 'created_at', direction: 'desc' },
    seq: state.seq,
    ...(pageCap ? { pageCap } : {}),
  };

  app.get(`${API}/subscriptions`, (c) => json(listPage(c.req.query(), [...state.subscriptions.values()], subscriptionList)));
  app.get(`${API}/subscriptions/:id`, (c) => {
    const subscription = state.subscriptions.get(c.req.param('id'));
    return subscription ? json({ subscription, customer: state.customers.get(subscription.customer_id) }) : notFound();
  });

  app.post(`${API}/customers/:id/subscription_for_items`, async (c) => {
    const form = parseForm(c.req.header('content-type'), await c.req.text(), [
      /^(id|start_date|billing_cycles|auto_collection|po_number|meta_data|contract_term_billing_cycle_on_renewal)$/,
      /^contract_term\[(action_at_term_end|cancellation_cutoff_period)\]$/,
      /^subscription_items\[(item_price_id|quantity|unit_price|billing_cycles)\]\[\d{1,3}\]$/,
    ]);
    const customer = state.customers.get(c.req.param('id'));
    if (!customer) return notFound();
    for (const key of form.keys()) if (/^subscription_items\[[a-z_]+\]\[(?!0\])/.test(key)) throw wrongValue(key, 'the sandbox takes one item (index 0): the plan.');
    const itemPriceId = optionalString(form, 'subscription_items[item_price_id][0]', 100);
    if (!itemPriceId) throw wrongValue('subscription_items[item_price_id][0]', 'cannot be blank.');
    const price = state.itemPrices.get(itemPriceId);
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
    if (state.subscriptions.has(id)) return duplicateEntry(id);
    if (state.full()) return resourceLimitExceeded();

    const now = state.nowSeconds();
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
    state.touch(subscription);
    state.subscriptions.set(id, state.remember(subscription));
    const body: ChargebeeSubscriptionResponse = { subscription, customer };
    if (!future) {
      const line = { itemPriceId: price.id, description: price.name, unitPrice, quantity };
      const netTermDays = customer.net_term_days ?? NET_TERM_DAYS;
      const invoice = periodInvoice(`CB-${state.nextInvoiceNumber()}`, subscription, line, period, { status: netTermDays > 0 ? 'posted' : 'payment_due', first: true });
      invoice.date = now;
      invoice.due_date = now + netTermDays * DAY_SECONDS;
      invoice.net_term_days = netTermDays;
      state.invoices.push(state.remember(invoice));
      body.invoice = invoice;
    }
    return json(body);
  });

  app.post(`${API}/subscriptions/:id/cancel_for_items`, async (c) => {
    const form = parseForm(c.req.header('content-type'), await c.req.text(), [/^(end_of_term|cancel_at|contract_term_cancel_option|cancel_reason_code)$/]);
    const subscription = state.subscriptions.get(c.req.param('id'));
    if (!subscription) return notFound();
    const endOfTerm = optionalBoolean(form, 'end_of_term');
    const option = optionalEnum(form, 'contract_term_cancel_option', ['terminate_immediately', 'end_of_contract_term', 'specific_date', 'end_of_subscription_billing_term'] as const);
    const reason = optionalString(form, 'cancel_reason_code', 100);
    if (form.has('cancel_at') || option === 'specific_date') throw wrongValue('cancel_at', 'cancelling on a specific date is not supported by the sandbox.');
    if (endOfTerm !== undefined && option !== undefined) throw wrongValue('end_of_term', 'cannot be combined with contract_term_cancel_option.');
    if (subscription.status === 'cancelled') return invalidState('The subscription is already cancelled.');
    const contract = subscription.contract_term?.status === 'active' ? subscription.contract_term : undefined;
    if (option !== undefined && !contract) throw wrongValue('contract_term_cancel_option', 'applies to subscriptions with an active contract term only.');
    const now = state.nowSeconds();
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
    state.touch(subscription);
    const customer = state.customers.get(subscription.customer_id)!;
    return json({ subscription, customer } satisfies ChargebeeSubscriptionResponse);
  });
};
