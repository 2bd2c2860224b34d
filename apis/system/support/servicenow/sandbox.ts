// The ServiceNow sandbox's assembly: its options, the control API, and the vendor routes in order (auth, rate limit, Table API).
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SN_TOKEN_PATH } from '../../../../openapi/vendors/servicenow/types.js';
import { SANDBOX_SERVICENOW_CREDENTIALS } from './config.js';
import { SERVICENOW_FAULTS, invalidUri } from './sandbox-faults.js';
import { bearerAuthOf, createTokenStore, registerTokenEndpoint } from './sandbox-oauth.js';
import { createRateLimitRule } from './sandbox-rate-limit.js';
import { createServicenowSandboxState } from './sandbox-state.js';
import { registerTableReads } from './sandbox-table-reads.js';
import { registerTableWrites } from './sandbox-table-writes.js';
import { describeRequest } from './sandbox-wire.js';

export type { RecordedRequest } from './sandbox-wire.js';

export interface ServicenowSandboxOptions {
  /** Record times, SLA clocks, token expiry and the rate-limit window; default the system clock. */
  readonly clock?: Clock;
  /** Added to every ServiceNow call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** The integration user the password grant accepts. */
  readonly username?: string;
  readonly password?: string;
  /** The application registry's access token lifespan. Default 1,800 s. */
  readonly tokenLifespanSeconds?: number;
  /** The integration user's inbound REST rate-limit rule, requests per hour (`X-RateLimit-Limit`). Default 5,000. */
  readonly requestsPerHour?: number;
  /** Answer 429 once the hour's requests are spent, as the rule does. Default false (benchmarks drive far more). */
  readonly enforceRateLimit?: boolean;
  /**
   * Whether `core_company` has Strata's custom columns (`u_external_ref`, `u_support_tier`). Default
   * true; false is an instance nobody prepared, to show the adapter noticing.
   */
  readonly customColumns?: boolean;
  /** A query condition on a column the table lacks: refused (default, stricter than ServiceNow) or ignored (what an instance does). */
  readonly unknownColumns?: 'reject' | 'ignore';
}

/**
 * A ServiceNow instance simulator speaking the Table API wire format the adapter uses: the OAuth 2.0
 * token endpoint `/oauth_token.do` (client credentials, password and refresh-token grants, form
 * encoded) and bearer tokens; `GET /api/now/table/{table}` with `sysparm_query` (an encoded-query
 * subset, sandbox-query.ts), `sysparm_fields`, `sysparm_limit` / `sysparm_offset` paging with
 * `Link` (first, prev, next, last) and `X-Total-Count`, `sysparm_display_value=false`,
 * `sysparm_exclude_reference_link`; `GET` and `PATCH /api/now/table/{table}/{sys_id}`; `POST
 * /api/now/table/{table}` (201 + Location) — for `core_company` and `incident`, seeded from
 * SEED_COMPANIES, writes kept in memory per instance; ServiceNow's error envelope; an inbound REST
 * rate-limit rule with `X-RateLimit-*` headers (429 + Retry-After when enforced); the SLA engine
 * clearing `made_sla` when a first-response target passes; the instance's priority lookup
 * (impact × urgency). Routes live in sandbox-oauth.ts, sandbox-rate-limit.ts, sandbox-table-reads.ts
 * and sandbox-table-writes.ts; the shared state in sandbox-state.ts.
 *
 * Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE
 * /__sandbox/stats`, `GET /__sandbox/requests`, `DELETE /__sandbox/tokens` (expires every token),
 * `POST /__sandbox/reset` (faults, log, tokens and data back to the seed).
 *
 * @example sandboxServer.route('/servicenow', createServicenowSandbox()) // then …/servicenow/api/now/table/core_company/a1b2…8812
 */
export const createServicenowSandbox = (options: ServicenowSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const credentials = {
    clientId: options.clientId ?? SANDBOX_SERVICENOW_CREDENTIALS.clientId,
    clientSecret: options.clientSecret ?? SANDBOX_SERVICENOW_CREDENTIALS.clientSecret,
    username: options.username ?? SANDBOX_SERVICENOW_CREDENTIALS.username,
    password: options.password ?? SANDBOX_SERVICENOW_CREDENTIALS.password,
  };
  const faults = createFaultInjection(SERVICENOW_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 1_000 });
  const tokens = createTokenStore(clock, options.tokenLifespanSeconds ?? 1_800);
  const rateLimit = createRateLimitRule(clock, options.requestsPerHour ?? 5_000, options.enforceRateLimit);
  const state = createServicenowSandboxState(clock, options.customColumns ?? true, options.unknownColumns ?? 'reject');

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // redirect fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.delete('/__sandbox/tokens', (c) => {
    tokens.expireAccessTokens();
    return c.body(null, 204);
  });
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    tokens.clear();
    state.reset();
    rateLimit.reset();
    return c.body(null, 204);
  });

  // Every ServiceNow call: recorded, the base latency, then any fault.
  for (const path of ['/api/*', SN_TOKEN_PATH]) {
    app.use(path, log.record);
    app.use(path, async function baseLatency(_c, next) {
      if (latencyMs > 0) await sleep(latencyMs);
      await next();
    });
    app.use(path, faults.inject);
  }

  registerTokenEndpoint(app, tokens, credentials);
  app.use('/api/*', bearerAuthOf(tokens, clock));
  app.use('/api/*', rateLimit.middleware);
  registerTableReads(app, state);
  registerTableWrites(app, state);

  app.all('/api/*', () => invalidUri());
  return app;
};
