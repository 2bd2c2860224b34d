// The Zendesk sandbox's assembly: options, the control API, auth and rate-limit middleware, and its routes.
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { createFaultInjection } from '../../../../shared/sandbox/fault-injection.js';
import { createRequestLog } from '../../../../shared/sandbox/request-log.js';
import { SANDBOX_ZENDESK_CREDENTIALS, ZENDESK_PLAN_REQUESTS_PER_MINUTE } from './config.js';
import { buildSandboxAccount, type SandboxAccount } from './sandbox-data.js';
import { ZENDESK_FAULTS, couldNotAuthenticate } from './sandbox-faults.js';
import { basicUser, describeRequest, invalidEndpoint, sameSecret, type ZendeskSandboxState } from './sandbox-http.js';
import { registerOrganizationRoutes } from './sandbox-organizations.js';
import { registerTicketRoutes } from './sandbox-tickets.js';

export type { RecordedRequest } from './sandbox-http.js';

export interface ZendeskSandboxOptions {
  /** Case dates, SLA clocks and the rate-limit window; default the system clock. */
  readonly clock?: Clock;
  /** Added to every Zendesk call, to look like a real network. Default 0. */
  readonly latencyMs?: number;
  readonly email?: string;
  readonly apiToken?: string;
  /** The account's limit shown in `X-Rate-Limit`. Default 700 (Enterprise). */
  readonly requestsPerMinute?: number;
  /** Answer 429 once the minute's requests are spent, as Zendesk does. Default false (benchmarks drive far more). */
  readonly enforceRateLimit?: boolean;
}

/**
 * A Zendesk Support account simulator speaking the v2 wire format the adapter uses: API-token Basic
 * auth (`{email}/token:{api_token}`), organizations (show, create, update, search by external id or
 * name), tickets (show, create, list by external id, an organization's tickets) with cursor
 * (`page[size]`, `page[after]`, `meta.has_more`, `links.next`) and offset pagination, `sort`, the
 * `slas` sideload, Zendesk's error envelopes, `X-Rate-Limit` / `X-Rate-Limit-Remaining` on every
 * answer (and 429 + Retry-After past the minute's limit, when enforced). Seeded from
 * SEED_COMPANIES; writes stay in memory per instance. Like Zendesk, an organization's external id
 * and name are unique (422 `DuplicateValue`), a ticket's external id is not.
 *
 * Control API (sandbox only, no auth): `POST|GET|DELETE /__sandbox/faults`, `GET|DELETE
 * /__sandbox/stats`, `GET /__sandbox/requests`, `POST /__sandbox/reset` (faults, log and data back
 * to the seed).
 *
 * @example sandboxServer.route('/zendesk', createZendeskSandbox()) // then …/zendesk/api/v2/organizations/360000008812
 */
export const createZendeskSandbox = (options: ZendeskSandboxOptions = {}): Hono => {
  const clock = options.clock ?? systemClock;
  const latencyMs = options.latencyMs ?? 0;
  const email = options.email ?? SANDBOX_ZENDESK_CREDENTIALS.email;
  const apiToken = options.apiToken ?? SANDBOX_ZENDESK_CREDENTIALS.apiToken;
  const perMinute = options.requestsPerMinute ?? ZENDESK_PLAN_REQUESTS_PER_MINUTE.enterprise;
  const faults = createFaultInjection(ZENDESK_FAULTS);
  const log = createRequestLog({ describe: describeRequest, limit: 1_000 });
  let account: SandboxAccount = buildSandboxAccount(clock.now());
  let window = { minute: -1, used: 0 };

  const app = new Hono();

  // Control API: not part of the vendor surface, so neither recorded nor faulted — but a hit on the
  // redirect fault's target is recorded: it means a client followed the redirect.
  app.use('/__sandbox/redirect-target', log.record);
  app.route('/__sandbox', faults.routes);
  app.route('/__sandbox', log.routes);
  app.post('/__sandbox/reset', (c) => {
    faults.rules.clear();
    log.clear();
    account = buildSandboxAccount(clock.now());
    window = { minute: -1, used: 0 };
    return c.body(null, 204);
  });

  // Every Zendesk call: recorded, the base latency, any fault, then auth and the account's rate limit.
  app.use('/api/*', log.record);
  app.use('/api/*', async function baseLatency(_c, next) {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  });
  app.use('/api/*', faults.inject);
  app.use('/api/*', async function apiTokenAuth(c, next) {
    const user = basicUser(c) ?? '';
    const at = user.indexOf('/token:');
    if (at < 0 || user.slice(0, at).toLowerCase() !== email.toLowerCase() || !sameSecret(user.slice(at + '/token:'.length), apiToken)) return couldNotAuthenticate();
    await next();
  });
  app.use('/api/*', async function rateLimit(c, next) {
    const now = clock.now();
    const minute = Math.floor(now / 60_000);
    if (window.minute !== minute) window = { minute, used: 0 };
    window.used += 1;
    const headers = { 'x-rate-limit': String(perMinute), 'x-rate-limit-remaining': String(Math.max(0, perMinute - window.used)) };
    if (options.enforceRateLimit && window.used > perMinute) {
      return ZENDESK_FAULTS.errorResponse('rate-limit', 429, { ...headers, 'retry-after': String(Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000))) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });

  const state: ZendeskSandboxState = { clock, account: () => account };
  registerOrganizationRoutes(app, state);
  registerTicketRoutes(app, state);

  app.all('/api/*', () => invalidEndpoint());
  return app;
};
