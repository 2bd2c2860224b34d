import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import type { GatewayConfig } from '../../shared/config/gateway-config.js';
import type { RatePlan } from '../../shared/config/rate-plan.js';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { assertFailMode, resolveFailMode, withinMs, type FailModeOption } from './fail-mode.js';
import { assertPlan } from './gcra.js';
import { formatRateLimit, formatRateLimitPolicy, POLICY_NAME } from './rate-limit-fields.js';
import type { Decision, RateLimitStore } from './store.js';

export interface RateLimitOptions {
  /** The shared store (Redis) every gateway process decides with. */
  readonly store: RateLimitStore;
  /** The local limiter used while `store` fails and the fail mode is `open`. */
  readonly fallbackStore: RateLimitStore;
  readonly plans: GatewayConfig['rateLimit'];
  readonly failMode: FailModeOption;
  /** Receives the "store unavailable" alert, at most once per `alertIntervalMs`. */
  readonly logger: Logger;
  readonly clock: Clock;
  /** Guard on a store call on top of the client's own timeout. Default 500 ms. */
  readonly storeTimeoutMs?: number;
  /** Default 10 s. */
  readonly alertIntervalMs?: number;
}

const DEFAULT_POLICY = 'default';

interface NamedPlan {
  readonly name: string;
  readonly plan: RatePlan;
  /** Precomputed `RateLimit-Policy` value. */
  readonly policy: string;
}

/**
 * Bucket key: policy name + a hash of the verified client id. Hashed so a client id that happens to be
 * an email never lands in Redis or a log (RELIABILITY.md H6), and keys stay short.
 */
const bucketKey = (policy: string, clientId: string): string =>
  `client:${policy}:${createHash('sha256').update(clientId).digest('base64url').slice(0, 22)}`;

/**
 * Per-client, per-plan rate limit (RELIABILITY.md C1–C7, F1/F2). Runs after the OAuth policy: the key is
 * the *verified* `principal.clientId`, never a raw header (C4). Requests without a principal (public
 * routes) are not limited here. Admitted responses carry `RateLimit-Policy` and `RateLimit`; a rejected
 * request is a 429 quota-exceeded problem with the same fields, `violated-policies` and `Retry-After`
 * equal to the advertised `t` (so never earlier than it). When the store fails, `failMode` picks between
 * the local `fallbackStore` (with a throttled warning: the alert) and a 503.
 *
 * @example
 * app.use('/process/*', rateLimit({
 *   store: createRedisRateLimitStore(redis),
 *   fallbackStore: createMemoryRateLimitStore(systemClock),
 *   plans: config.rateLimit,
 *   failMode: (c) => (c.req.method === 'GET' ? 'open' : 'closed'),
 *   logger,
 *   clock: systemClock,
 * }))
 */
export const rateLimit = (options: RateLimitOptions): MiddlewareHandler<AppEnv> => {
  const { store, fallbackStore, plans, failMode, logger, clock } = options;
  const storeTimeoutMs = options.storeTimeoutMs ?? 500;
  const alertIntervalMs = options.alertIntervalMs ?? 10_000;
  if (!store || !fallbackStore) throw new Error('rateLimit: store and fallbackStore are required');
  if (!(storeTimeoutMs > 0)) throw new Error('rateLimit: storeTimeoutMs must be positive');
  if (!(alertIntervalMs >= 0)) throw new Error('rateLimit: alertIntervalMs must not be negative');
  assertFailMode(failMode, 'rateLimit');

  const named = (name: string, plan: RatePlan): NamedPlan => {
    if (!POLICY_NAME.test(name)) throw new Error(`rateLimit: plan name "${name}" must match ${POLICY_NAME}`);
    assertPlan(plan, name);
    return { name, plan, policy: formatRateLimitPolicy(name, plan) };
  };
  const defaultPlan = named(DEFAULT_POLICY, plans.defaultPlan);
  const namedPlans = new Map<string, NamedPlan>();
  for (const [name, plan] of Object.entries(plans.plans)) {
    // Two different plans sharing the name "default" would share buckets and headers.
    if (name === DEFAULT_POLICY) throw new Error('rateLimit: the plan name "default" is reserved for the default plan');
    namedPlans.set(name, named(name, plan));
  }
  const clientPlans = new Map<string, NamedPlan>();
  for (const [clientId, planName] of Object.entries(plans.clients)) {
    const plan = namedPlans.get(planName);
    if (!plan) throw new Error(`rateLimit: client "${clientId}" is mapped to unknown plan "${planName}"`);
    clientPlans.set(clientId, plan);
  }

  const bucketKeys = new Map<string, string>();
  let lastAlertAt = Number.NEGATIVE_INFINITY;
  let suppressedAlerts = 0;
  const alert = (error: unknown) => {
    const now = clock.now();
    if (now - lastAlertAt < alertIntervalMs) {
      suppressedAlerts += 1;
      return;
    }
    logger.warn(
      { alert: 'rate_limit_store_unavailable', cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error), suppressedSinceLast: suppressedAlerts },
      'rate-limit store unavailable: failing open with the local limiter',
    );
    lastAlertAt = now;
    suppressedAlerts = 0;
  };

  return async function rateLimit(c, next) {
    const principal = c.get('principal');
    if (!principal) return next();
    const { name, plan, policy } = clientPlans.get(principal.clientId) ?? defaultPlan;
    let key = bucketKeys.get(principal.clientId);
    if (key === undefined) {
      // Client ids are few (one per integration): hash each once.
      key = bucketKey(name, principal.clientId);
      if (bucketKeys.size < 10_000) bucketKeys.set(principal.clientId, key);
    }

    let decision: Decision;
    try {
      decision = await withinMs(store.consume(key, plan), storeTimeoutMs);
    } catch (error) {
      if (resolveFailMode(failMode, c) === 'closed') throw new AppError('dependency.unavailable', { retryAfterSeconds: 5, cause: error });
      alert(error);
      decision = await fallbackStore.consume(key, plan);
    }

    const fields = { 'RateLimit-Policy': policy, RateLimit: formatRateLimit(name, decision) };
    if (!decision.allowed) {
      throw new AppError('rate_limit.quota_exceeded', {
        // `t` is the full reset, so Retry-After = t is never earlier than t (C1); a client honouring it gets q per w.
        retryAfterSeconds: Math.max(decision.resetSeconds, decision.retryAfterSeconds),
        headers: fields,
        extensions: { 'violated-policies': [name] },
      });
    }
    await next();
    // After next(): also lands on error responses (a 502 still spent a unit), which onError built by now.
    c.header('RateLimit-Policy', fields['RateLimit-Policy']);
    c.header('RateLimit', fields.RateLimit);
  };
};
