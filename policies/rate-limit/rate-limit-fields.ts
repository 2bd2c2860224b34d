import type { RatePlan } from '../../shared/config/rate-plan.js';
import type { Decision } from './store.js';

/** Policy names go out as sf-strings; keep them to a safe, PII-free alphabet (ratelimit-11 §6.1). */
export const POLICY_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** `RateLimit-Policy: "default";q=600;w=60` (draft-ietf-httpapi-ratelimit-headers, structured field). */
export const formatRateLimitPolicy = (name: string, plan: RatePlan): string => `"${name}";q=${plan.limit};w=${plan.windowSeconds}`;

/** `RateLimit: "default";r=599;t=1` — `t` is the full reset, in whole seconds. */
export const formatRateLimit = (name: string, decision: Decision): string => `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`;
