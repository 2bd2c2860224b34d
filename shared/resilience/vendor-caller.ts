import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { CallContext } from '../http/app-env.js';
import { formatTraceparent, newSpanId } from '../http/trace-context.js';
import { err, ok, type DomainError, type Result } from '../result.js';
import { TransportError, type HttpClient, type HttpMethod, type HttpResponse } from '../vendor-http/http-client.js';
import { createCircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { OutboundBudget } from './outbound-budget.js';
import { parseRetryAfter } from './retry-after.js';

export interface VendorCallerOptions {
  /** Vendor name for logs, e.g. `netsuite`. */
  readonly vendor: string;
  /** Domain named in problems (`vendor: "erp"`): clients learn which system failed, not which product. */
  readonly domain: string;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Budget for one attempt, always cut to what is left of the caller's deadline. */
  readonly attemptTimeoutMs?: number;
  /** Extra attempts for calls marked `retry` (reads, or writes the vendor de-duplicates). */
  readonly retries?: number;
  /** Base of the jittered exponential backoff. */
  readonly backoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
  /** Time kept back from the deadline to write the response after the last attempt. */
  readonly responseReserveMs?: number;
  /** The vendor's published limits, shared across gateway processes; unlimited when absent. */
  readonly budget?: OutboundBudget;
  /** Pause after a 429 that names no Retry-After: the vendor's own window (HubSpot: 10 s). Default 5 s. */
  readonly defaultRetryAfterSeconds?: number;
}

export interface VendorCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Safe to send again after a timeout or 5xx. Only reads, or writes the vendor de-duplicates. */
  readonly retry: boolean;
}

/**
 * `retryNow`: worth another attempt within this call (a timeout or a 5xx). `error.retryable`: worth a
 * retry by the client later (e.g. after a vendor's Retry-After) — not the same thing.
 */
type Attempt = { readonly kind: 'response'; readonly response: HttpResponse } | { readonly kind: 'fault'; readonly error: DomainError; readonly retryNow: boolean };

/**
 * The single way adapters reach a vendor: deadline, per-attempt timeout, bounded jittered retries for
 * safe calls, `Retry-After` honoured, circuit breaker, trace propagation, and faults mapped to stable
 * codes (RELIABILITY.md E1–E7). 2xx and 4xx (but 429) come back as responses for the adapter to read;
 * everything else comes back as a DomainError. The vendor's body is never part of an error.
 */
export const createVendorCaller = (options: VendorCallerOptions) => {
  const { vendor, domain, http, clock, logger } = options;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 2_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 50;
  const reserveMs = options.responseReserveMs ?? 25;
  const defaultRetryAfterSeconds = options.defaultRetryAfterSeconds ?? 5;
  const breaker = createCircuitBreaker(clock, options.breaker);

  const fault = (code: DomainError['code'], retryNow: boolean, retryable = retryNow, retryAfterSeconds?: number): Attempt => ({
    kind: 'fault',
    retryNow,
    error: { code, retryable, vendor: domain, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) },
  });

  const attempt = async (call: VendorCall, ctx: CallContext, budgetMs: number): Promise<Attempt> => {
    // Our own share of the vendor's limits first: refusing here says nothing about the vendor's health.
    let slot: { release(): void } | undefined;
    if (options.budget) {
      const granted = await options.budget.acquire(vendor, ctx);
      if (!granted.ok) return { kind: 'fault', retryNow: false, error: { ...granted.error, vendor: domain } };
      slot = granted.value;
    }
    const decision = breaker.acquire();
    if (!decision.allowed) {
      slot?.release();
      // Refused locally (open breaker, or the vendor asked us to pause): answer at once, no backoff.
      const code = decision.retryAfterMs > 0 && breaker.state === 'closed' ? 'vendor.rate_limited' : 'vendor.circuit_open';
      return fault(code, false, true, Math.ceil(decision.retryAfterMs / 1000));
    }
    // A plain timer, not AbortSignal.timeout(): inside AbortSignal.any() Node 20 holds the timeout
    // signal weakly, and a GC during the call can drop it so the attempt never times out.
    const attemptTimeout = new AbortController();
    const timer = setTimeout(() => attemptTimeout.abort(new DOMException('vendor attempt timed out', 'TimeoutError')), budgetMs);
    const signal = AbortSignal.any([ctx.signal, attemptTimeout.signal]);
    const started = clock.now();
    try {
      const response = await http.send({
        method: call.method,
        path: call.path,
        headers: { ...call.headers, traceparent: formatTraceparent(ctx.trace, newSpanId()) },
        ...(call.body !== undefined ? { body: call.body } : {}),
        signal,
      });
      const status = response.status;
      logger?.debug({ vendor, method: call.method, status, ms: clock.now() - started, traceId: ctx.trace.traceId }, 'vendor call');
      if (status === 429) {
        const seconds = parseRetryAfter(response.headers['retry-after'], clock.now()) ?? defaultRetryAfterSeconds;
        breaker.pause(seconds * 1000);
        return fault('vendor.rate_limited', false, true, seconds);
      }
      if (status >= 500) {
        breaker.failure();
        return fault('vendor.error', true);
      }
      breaker.success();
      // A redirect is never followed: credentials must not travel to another host.
      if (status >= 300 && status < 400) return fault('vendor.error', false);
      return { kind: 'response', response };
    } catch (cause) {
      if (!(cause instanceof TransportError)) throw cause;
      breaker.failure();
      logger?.warn({ vendor, method: call.method, failure: cause.kind, ms: clock.now() - started, traceId: ctx.trace.traceId }, 'vendor transport failure');
      if (cause.kind === 'too_large') return fault('vendor.invalid_response', false);
      return fault(cause.kind === 'timeout' ? 'vendor.timeout' : 'vendor.error', true);
    } finally {
      clearTimeout(timer);
      slot?.release();
    }
  };

  return {
    vendor,
    domain,
    breaker,
    async call(call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> {
      let last: Attempt | undefined;
      const attempts = call.retry ? retries + 1 : 1;
      for (let n = 0; n < attempts; n++) {
        const remaining = ctx.deadlineAt - clock.now() - reserveMs;
        if (remaining <= 0 || ctx.signal.aborted) break;
        last = await attempt(call, ctx, Math.min(attemptTimeoutMs, remaining));
        if (last.kind === 'response') return ok(last.response);
        if (!last.retryNow || n === attempts - 1) break;
        // Full jitter (AWS architecture blog): spreads retries of many callers across the window.
        const delay = Math.round(Math.random() * backoffMs * 2 ** n);
        if (clock.now() + delay >= ctx.deadlineAt - reserveMs) break;
        await sleep(delay, undefined, { signal: ctx.signal }).catch(() => undefined);
      }
      if (last?.kind === 'fault') return err(last.error);
      return err({ code: 'vendor.timeout', retryable: true, vendor: domain });
    },
  };
};

export type VendorCaller = ReturnType<typeof createVendorCaller>;
