// The Stripe sandbox's subscription routes: search, list, create, retrieve, update (cancel at period end / `cancel_at`), cancel now.
import type { Hono } from 'hono';
import { customerOr404 } from './sandbox-customers.js';
import type { SandboxSubscription } from './sandbox-data.js';
import { invalid, noSuch } from './sandbox-errors.js';
import { bool, expandOf, int, listOf, metadataOf, newestFirst, onlyParams, searchPage, str } from './sandbox-params.js';
import { EXPANDABLE, renderSubscription } from './sandbox-render.js';
import { parseSearchQuery } from './sandbox-search.js';
import { CREATE_SUBSCRIPTION_PARAMS, createSandboxSubscription } from './sandbox-subscription-create.js';
import { isSearchable, seconds, type SandboxRouteDeps, type StripeSandboxEnv } from './sandbox-state.js';

const LIST_SUBSCRIPTION_EXPAND = EXPANDABLE.subscription.map((p) => `data.${p}`);
const SUBSCRIPTION_STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];

export const registerSubscriptionRoutes = (app: Hono<StripeSandboxEnv>, deps: SandboxRouteDeps) => {
  const { state, clock } = deps;
  const subscriptionOr404 = (id: string): SandboxSubscription => {
    const subscription = state.account.subscriptions.get(id);
    if (!subscription) throw noSuch('subscription', id, 'id', 404);
    return subscription;
  };

  app.get('/v1/subscriptions/search', (c) => {
    const params = c.get('params');
    onlyParams(params, ['query', 'limit', 'page', 'expand']);
    const expand = new Set([...expandOf(params, LIST_SUBSCRIPTION_EXPAND)].map((p) => p.slice('data.'.length)));
    const query = str(params, 'query');
    if (query === undefined) throw invalid('Missing required param: query.', 'query', 'parameter_missing');
    const matches = parseSearchQuery(query, ['status']);
    const found = [...state.account.subscriptions.values()].filter((s) => isSearchable(deps, s.id) && matches({ fields: { status: s.status }, metadata: s.metadata })).sort(newestFirst);
    return c.json(searchPage(found, params, '/v1/subscriptions/search', (s) => renderSubscription(state.account, s, expand)));
  });

  app.get('/v1/subscriptions', (c) => {
    const params = c.get('params');
    onlyParams(params, ['customer', 'price', 'status', 'limit', 'starting_after', 'ending_before', 'expand', 'collection_method']);
    const expand = new Set([...expandOf(params, LIST_SUBSCRIPTION_EXPAND)].map((p) => p.slice('data.'.length)));
    const customer = str(params, 'customer');
    if (customer !== undefined) customerOr404(state.account, customer, 'customer', 400);
    const price = str(params, 'price');
    const status = str(params, 'status');
    if (status !== undefined && !SUBSCRIPTION_STATUSES.includes(status)) throw invalid(`Invalid status: must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`, 'status');
    const collection = str(params, 'collection_method');
    const wanted = (s: SandboxSubscription) =>
      status === 'all' ? true : status === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : status !== undefined ? s.status === status : s.status !== 'canceled' && s.status !== 'incomplete_expired';
    const all = [...state.account.subscriptions.values()]
      .filter((s) => (customer === undefined || s.customer === customer) && (price === undefined || s.item.price === price) && (collection === undefined || s.collectionMethod === collection) && wanted(s))
      .sort(newestFirst);
    return c.json(listOf(all, params, '/v1/subscriptions', (s) => renderSubscription(state.account, s, expand)));
  });

  app.post('/v1/subscriptions', (c) => {
    const params = c.get('params');
    onlyParams(params, CREATE_SUBSCRIPTION_PARAMS);
    const expand = expandOf(params, EXPANDABLE.subscription);
    return c.json(renderSubscription(state.account, createSandboxSubscription(deps, params), expand));
  });

  app.get('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    return c.json(renderSubscription(state.account, subscriptionOr404(c.req.param('id')), expand));
  });

  app.post('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['cancel_at_period_end', 'cancel_at', 'metadata', 'expand', 'proration_behavior', 'cancellation_details']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    const subscription = subscriptionOr404(c.req.param('id'));
    const atPeriodEnd = bool(params.cancel_at_period_end, 'cancel_at_period_end');
    const cancelAt = params.cancel_at === '' ? null : int(params.cancel_at, 'cancel_at');
    if (atPeriodEnd !== undefined && cancelAt !== undefined) throw invalid('You may only specify one of these parameters: cancel_at, cancel_at_period_end.', 'cancel_at');
    const changesBilling = atPeriodEnd !== undefined || cancelAt !== undefined || params.proration_behavior !== undefined;
    if (subscription.status === 'canceled' && changesBilling) throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
    if (typeof cancelAt === 'number' && cancelAt <= seconds(clock.now())) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'cancel_at');
    if (atPeriodEnd !== undefined) {
      // Stripe shows a period-end cancellation in `cancel_at` as well.
      subscription.cancelAtPeriodEnd = atPeriodEnd;
      subscription.cancelAt = atPeriodEnd ? subscription.currentPeriodEnd : null;
    }
    if (cancelAt !== undefined) {
      subscription.cancelAtPeriodEnd = false;
      subscription.cancelAt = cancelAt;
    }
    if (atPeriodEnd === true || typeof cancelAt === 'number') subscription.canceledAt = seconds(clock.now());
    if (atPeriodEnd === false || cancelAt === null) subscription.canceledAt = null;
    const metadata = metadataOf(params);
    if (metadata !== undefined) {
      const merged = params.metadata === '' ? {} : { ...subscription.metadata, ...metadata };
      for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
      subscription.metadata = merged;
    }
    return c.json(renderSubscription(state.account, subscription, expand));
  });

  app.delete('/v1/subscriptions/:id', (c) => {
    const params = c.get('params');
    onlyParams(params, ['expand', 'invoice_now', 'prorate', 'cancellation_details']);
    const expand = expandOf(params, EXPANDABLE.subscription);
    bool(params.invoice_now, 'invoice_now');
    bool(params.prorate, 'prorate');
    const subscription = subscriptionOr404(c.req.param('id'));
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') throw invalid('This subscription has already been canceled.');
    const now = seconds(clock.now());
    subscription.status = 'canceled';
    subscription.canceledAt = now;
    subscription.endedAt = now;
    subscription.cancelAtPeriodEnd = false;
    subscription.cancelAt = null;
    return c.json(renderSubscription(state.account, subscription, expand));
  });
};
