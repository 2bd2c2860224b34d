// The Stripe sandbox's `Idempotency-Key` handling on POST: replay, conflict, or run and remember.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import { invalid, StripeHttpError } from './sandbox-errors.js';
import { relativePath } from './sandbox-request.js';
import type { StripeSandboxEnv, StripeSandboxState } from './sandbox-state.js';

/**
 * The same key with the same parameters replays the first answer (`Idempotent-Replayed: true`), with
 * other parameters is a 400 `idempotency_error`, while the first is still running a 409. Errors
 * before execution (4xx) are not stored; keys are forgotten after `ttlMs`.
 */
export const idempotencyKeys = (deps: { readonly state: StripeSandboxState; readonly clock: Clock; readonly ttlMs: number }): MiddlewareHandler<StripeSandboxEnv> => {
  const { state, clock, ttlMs } = deps;
  return async function idempotencyKeys(c, next) {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 255) throw invalid('Idempotency-Key must be 1 to 255 characters.');
    const now = clock.now();
    for (const [k, stored] of state.idempotency) if (now - stored.storedAt > ttlMs) state.idempotency.delete(k);
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${relativePath(c.req.path)}\n${[...(await c.req.text()).split('&')].sort().join('&')}`)
      .digest('hex');
    const stored = state.idempotency.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new StripeHttpError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key.slice(0, 60)}' if you meant to execute a different request.`,
        );
      }
      return c.body(stored.body, stored.status as 200, {
        'content-type': 'application/json',
        'idempotent-replayed': 'true',
        'original-request': stored.requestId,
        'idempotency-key': key,
      });
    }
    if (state.inFlight.has(key)) {
      throw new StripeHttpError(409, 'idempotency_error', 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.', {
        code: 'idempotency_key_in_use',
      });
    }
    state.inFlight.add(key);
    try {
      await next();
    } catch (error) {
      state.inFlight.delete(key);
      throw error;
    }
    state.inFlight.delete(key);
    const status = c.res.status;
    if (status < 400 || status >= 500) {
      state.idempotency.set(key, { fingerprint, status, body: await c.res.clone().text(), requestId: c.get('requestId'), storedAt: now });
    }
    c.res.headers.set('idempotency-key', key);
  };
};
