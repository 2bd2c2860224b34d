// The Stripe sandbox app: options, error rendering, control routes, the per-call middleware chain, and the resource routes.
import { Hono, type MiddlewareHandler } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SANDBOX_STRIPE_SECRET_KEY } from './config.js';
import { FormError } from './form.js';
import { registerCustomerRoutes } from './sandbox-customers.js';
import { StripeHttpError } from './sandbox-errors.js';
import { STRIPE_FAULTS, stripeErrorBody } from './sandbox-faults.js';
import { idempotencyKeys } from './sandbox-idempotency.js';
import { registerInvoiceRoutes } from './sandbox-invoices.js';
import { authenticate, parameters, requestIdAndVersion } from './sandbox-middleware.js';
import { describeRequest } from './sandbox-request.js';
import { SearchQueryError } from './sandbox-search.js';
import { freshSandboxState, rollOver, type SandboxRouteDeps, type StripeSandboxEnv } from './sandbox-state.js';
import { registerSubscriptionRoutes } from './sandbox-subscriptions.js';

export type { RecordedRequest } from './sandbox-request.js';

export interface StripeSandboxOptions {
  /** Seeds are relative to this clock's today; periods, trials and idempotency keys age with it. */
  readonly clock?: Clock;
  /** The secret key the sandbox accepts (Bearer, or Basic with the key as user name). */
  readonly secretKey?: string;
  /**
   * How long a created record stays invisible to Search. Stripe: "data is searchable in less than a
   * minute" — search is not read-after-write. Default 0 (visible at once).
   */
  readonly searchLagMs?: number;
  /** How long an idempotency key is remembered. Stripe: at least 24 hours. */
  readonly idempotencyTtlMs?: number;
}

const MAX_RECORDED = 1_000;

/**
 * A Stripe account simulator speaking Stripe's REST wire format for the Billing objects Strata
 * uses, seeded from the shared seed companies (sandbox-data.ts):
 * - customers: `GET/POST /v1/customers`, `GET/POST /v1/customers/{id}`, `GET /v1/customers/search`;
 * - subscriptions: `GET/POST /v1/subscriptions`, `GET /v1/subscriptions/search`,
 *   `GET/POST/DELETE /v1/subscriptions/{id}` (cancel now, `cancel_at_period_end`, `cancel_at`);
 * - invoices: `GET /v1/invoices` (`customer`, `subscription`, `status`), `GET /v1/invoices/{id}`.
 * Form-encoded bodies with bracket notation; `expand[]`; cursor pagination (`limit`,
 * `starting_after`, `ending_before`, `has_more`) and search pages (`page`, `next_page`); Stripe's
 * error envelope with `doc_url`; unknown parameters refused (`parameter_unknown`); `Request-Id` and
 * `Stripe-Version` on every answer; the secret key checked (Bearer, or Basic with the key as user).
 * `Idempotency-Key` on POSTs: the same key with the same parameters replays the first answer
 * (`Idempotent-Replayed: true`), with other parameters is a 400 `idempotency_error`, while the first
 * is still running a 409. Search lags writes by `searchLagMs` (Stripe's search is eventually
 * consistent). Billing periods roll over on the sandbox's clock. Writes live in memory until
 * `POST /__sandbox/reset`. Faults and request log: shared/sandbox (`/__sandbox/faults`,
 * `/__sandbox/stats`, `/__sandbox/requests`).
 *
 * Deliberate limits: one item per subscription; prices are the seeded ones (no `price_data`); no
 * payments — a new subscription is `active` (its first invoice paid) or `trialing` (`trial_end`);
 * no proration or new invoices when a period rolls over; no webhooks.
 *
 * @example sandboxServer.route('/stripe', createStripeSandbox()) // then …/stripe/v1/customers/cus_QGlobex0000001
 */
export const createStripeSandbox = (options: StripeSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const secretKey = options.secretKey ?? SANDBOX_STRIPE_SECRET_KEY;
  const searchLagMs = options.searchLagMs ?? 0;
  const idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 3_600_000;
  const faults = createFaultInjection(STRIPE_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: MAX_RECORDED });

  const state = freshSandboxState(clock);
  const deps: SandboxRouteDeps = { state, clock, searchLagMs };
  const app = new Hono<StripeSandboxEnv>();

  app.onError((error, c) => {
    if (error instanceof StripeHttpError) return c.json(stripeErrorBody(error.type, error.message, error.extra), error.status);
    if (error instanceof FormError) return c.json(stripeErrorBody('invalid_request_error', error.message, error.param ? { param: error.param } : {}), 400);
    if (error instanceof SearchQueryError) return c.json(stripeErrorBody('invalid_request_error', error.message, { param: 'query' }), 400);
    return c.json(stripeErrorBody('api_error', 'An unknown error occurred.'), 500);
  });

  // Control API: not part of the vendor surface, so neither recorded nor faulted — except a hit on
  // the `redirect` fault's target, which means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    Object.assign(state, freshSandboxState(clock));
    return c.body(null, 204);
  });

  // Every Stripe call: recorded, given a Request-Id, then any fault, then authenticated, its parameters
  // read (periods rolled over), and an Idempotency-Key on POST honoured.
  app.use('/v1/*', log.record);
  app.use('/v1/*', requestIdAndVersion);
  app.use('/v1/*', faults.inject);
  app.use('/v1/*', authenticate(secretKey));
  app.use('/v1/*', parameters(() => rollOver(state.account, clock)));
  app.use('/v1/*', idempotencyKeys({ state, clock, ttlMs: idempotencyTtlMs }));

  registerCustomerRoutes(app, deps);
  registerSubscriptionRoutes(app, deps);
  registerInvoiceRoutes(app, deps);

  app.all('/v1/*', () => {
    throw new StripeHttpError(404, 'invalid_request_error', 'Unrecognized request URL. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.');
  });
  return app;
};

export type StripeSandbox = ReturnType<typeof createStripeSandbox>;
/** A middleware type re-export for the sandbox server's own wiring. */
export type StripeSandboxMiddleware = MiddlewareHandler<StripeSandboxEnv>;
