import type { Logger } from 'pino';

/** Who is calling, from a verified access token (policies/oauth). */
export interface Principal {
  readonly clientId: string;
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
  readonly tokenId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** W3C Trace Context for this request: our trace id, and the parent to send to vendors. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  /** Flags byte from the incoming traceparent (or 01 when we start the trace). */
  readonly flags: string;
}

export interface Deadline {
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the response must be sent. */
  readonly expiresAt: number;
}

/** Request-scoped values only. Singletons (Redis, adapters) reach handlers by closure, never here. */
export interface RequestVariables {
  /** The correlation id: equal to the W3C trace id, echoed in every response and problem. */
  requestId: string;
  trace: TraceContext;
  logger: Logger;
  deadline: Deadline;
  principal: Principal | undefined;
}

export type AppEnv = { Variables: RequestVariables };

/**
 * What a port call needs from the request: plain data, never Hono's Context.
 * `traceparent` is the header to send to the vendor (our trace id, a fresh span per call is added by the caller).
 */
export interface CallContext {
  readonly signal: AbortSignal;
  /** Epoch milliseconds. */
  readonly deadlineAt: number;
  readonly requestId: string;
  readonly trace: TraceContext;
  readonly principal?: Principal;
}
