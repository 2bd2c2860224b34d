// The Business Central sandbox app: options, control API, per-call middleware (log, latency, faults), auth, and the routes.
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { BC_MAX_PAGE_SIZE } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { handleApi } from './sandbox-api.js';
import { registerEntraTokenRoute, type IssuedTokens } from './sandbox-entra.js';
import { DYNAMICS_BC_FAULTS, bcError, unauthorized } from './sandbox-faults.js';
import { ODataQueryError } from './sandbox-odata.js';
import { describeRequest } from './sandbox-recording.js';
import { seedStore } from './sandbox-store.js';
import { BcResponse, badRequest } from './sandbox-wire.js';
import { createWriteFaults } from './sandbox-write-faults.js';

export type { RecordedRequest } from './sandbox-recording.js';

export interface DynamicsBcSandboxOptions {
  /** Token expiry and "today" for the seeded ledger; default the system clock. */
  readonly clock?: Clock;
  /** Added to every Business Central call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  /** Largest page answered (BC's own is 20,000); `Prefer: odata.maxpagesize=N` asks for less. */
  readonly maxPageSize?: number;
}

/**
 * A Business Central (API v2.0) simulator: Entra ID client-credentials tokens for the sandbox app
 * (`POST /{tenant}/oauth2/v2.0/token`, scope `https://api.businesscentral.dynamics.com/.default`), and
 * `/v2.0/{tenant}/{environment}/api/v2.0/companies({id})/…` with customers (+ customerFinancialDetail),
 * salesOrders (+ salesOrderLines, deep insert), salesInvoices, customerPayments and
 * customerPaymentJournals, currencyExchangeRates; `$filter`/`$select`/`$expand`/`$orderby`/`$top`/`$skip`, server-driven
 * paging with `@odata.nextLink` (`Prefer: odata.maxpagesize`), ETags and `If-Match` on PATCH/DELETE,
 * 201 on create, BC's `{"error": {code, message}}` envelope. Seeded from SEED_COMPANIES; writes stay
 * in memory (`POST /__sandbox/reset` restores the seed).
 *
 * Control API under `/__sandbox`: `faults` (shared fault injection: `x-sandbox-fault` header or
 * scripted rules, any method), `stats` / `requests` (request log), `DELETE tokens`, `reset`, and
 * `POST write-faults {kind, delayMs?, times?, pathPattern?}` for creates (POST) only: `slow-commit`
 * (the record is written, then the response held — a write that lands while the client times out,
 * RELIABILITY.md E2), `hang` (held, nothing written), `error500` / `error503` (nothing written).
 *
 * @example sandboxServer.route('/dynamics-bc', createDynamicsBcSandbox()) // then …/dynamics-bc/v2.0/{tenant}/production/api/v2.0/companies({id})/customers
 */
export const createDynamicsBcSandbox = (options: DynamicsBcSandboxOptions = {}) => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const maxPageSize = Math.min(options.maxPageSize ?? BC_MAX_PAGE_SIZE, BC_MAX_PAGE_SIZE);
  const faults = createFaultInjection(DYNAMICS_BC_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 500 });
  const tokens: IssuedTokens = new Map();
  const writeFaults = createWriteFaults();
  let store = seedStore(clock.now());

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // `redirect` fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/tokens', (c) => {
    tokens.clear();
    return c.body(null, 204);
  });
  writeFaults.register(app);
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    tokens.clear();
    writeFaults.clear();
    store = seedStore(clock.now());
    return c.body(null, 204);
  });

  // Every vendor call: recorded, then the base latency, then any fault (and, for creates, any write fault).
  for (const pattern of ['/v2.0/*', '/:tenant/oauth2/*']) {
    app.use(pattern, log.record);
    app.use(pattern, async function baseLatency(_c, next) {
      if (latencyMs > 0) await sleep(latencyMs);
      await next();
    });
    app.use(pattern, faults.inject);
  }
  app.use('/v2.0/*', writeFaults.inject);

  registerEntraTokenRoute(app, { clock, tokens });

  // Business Central API v2.0: a bearer token this sandbox issued for the tenant, then the entity sets.
  app.all('/v2.0/:tenant/:environment/api/v2.0/*', async (c) => {
    const tenant = c.req.param('tenant');
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(c.req.header('authorization') ?? '');
    const issued = m ? tokens.get(m[1]!) : undefined;
    if (!issued || issued.expiresAt <= clock.now() || issued.tenant !== tenant) return unauthorized();
    if (c.req.param('environment') !== SANDBOX_DYNAMICS_BC.environment) return bcError(404, 'BadRequest_NotFound', `Environment '${c.req.param('environment')}' not found.`);
    try {
      return await handleApi(c, { store, now: () => clock.now(), maxPageSize });
    } catch (cause) {
      if (cause instanceof BcResponse) return cause.response;
      if (cause instanceof ODataQueryError) return badRequest(cause.message);
      throw cause;
    }
  });

  return app;
};
