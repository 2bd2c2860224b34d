// The Chargebee sandbox app: options, seeded state, control routes, auth/latency/fault middleware, and the resource routes.
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SANDBOX_CHARGEBEE_API_KEY } from './config.js';
import { registerChargebeeCustomerRoutes } from './sandbox-customers.js';
import { CHARGEBEE_FAULTS, chargebeeError } from './sandbox-faults.js';
import { API, notFound } from './sandbox-helpers.js';
import { registerChargebeeInvoiceRoutes } from './sandbox-invoices.js';
import { registerChargebeeItemPriceRoutes } from './sandbox-item-prices.js';
import { describeRequest } from './sandbox-requests.js';
import { createChargebeeSandboxState } from './sandbox-state.js';
import { registerChargebeeSubscriptionRoutes } from './sandbox-subscriptions.js';
import { SandboxRefusal } from './sandbox-wire.js';

export type { RecordedRequest } from './sandbox-requests.js';

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

  const state = createChargebeeSandboxState(clock, maxRecords);

  const app = new Hono();

  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.get('/__sandbox/records', (c) =>
    c.json({
      customers: [...state.customers.values()].map((r) => ({ id: r.id, ref: (r.meta_data as { strata_external_ref?: string } | undefined)?.strata_external_ref ?? null })),
      subscriptions: [...state.subscriptions.values()].map((r) => ({ id: r.id, customerId: r.customer_id, status: r.status, ref: (r.meta_data as { strata_external_ref?: string } | undefined)?.strata_external_ref ?? null })),
    }),
  );
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    state.seed();
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

  registerChargebeeCustomerRoutes(app, { state, pageCap });
  registerChargebeeItemPriceRoutes(app, { state });
  registerChargebeeSubscriptionRoutes(app, { state, pageCap });
  registerChargebeeInvoiceRoutes(app, { state, pageCap });

  app.all(`${API}/*`, () => notFound());

  return app;
};
