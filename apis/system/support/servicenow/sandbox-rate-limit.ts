// The ServiceNow sandbox's inbound REST rate-limit rule: an hourly window, `X-RateLimit-*` headers, 429 + Retry-After when enforced.
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../../../shared/clock.js';
import { SANDBOX_RATE_LIMIT_RULE, rateLimitHeaders, snErrorResponse } from './sandbox-faults.js';

export const createRateLimitRule = (clock: Clock, perHour: number, enforce: boolean | undefined): { readonly middleware: MiddlewareHandler; readonly reset: () => void } => {
  let window = { hour: -1, used: 0 };
  const middleware: MiddlewareHandler = async function rateLimitRule(c, next) {
    const now = clock.now();
    const hour = Math.floor(now / 3_600_000);
    if (window.hour !== hour) window = { hour, used: 0 };
    window.used += 1;
    const headers = rateLimitHeaders(perHour, (hour + 1) * 3_600, SANDBOX_RATE_LIMIT_RULE);
    if (enforce && window.used > perHour) {
      return snErrorResponse(429, 'Too Many Requests', 'The rate limit rule for this user has been exceeded', { ...headers, 'retry-after': String(Math.max(1, Math.ceil(((hour + 1) * 3_600_000 - now) / 1000))) });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
  return {
    middleware,
    reset: () => {
      window = { hour: -1, used: 0 };
    },
  };
};
