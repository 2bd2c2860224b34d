/**
 * Fault injection for the Salesforce sandbox, set per request (`x-sandbox-fault: error503`) or by the
 * control API (`POST /__sandbox/faults`), covering RELIABILITY.md E1–E7: latency, 5xx, 429 with
 * Retry-After, Salesforce's own `REQUEST_LIMIT_EXCEEDED` 403, an expired session, a hung or trickling
 * response, malformed / HTML / wrongly typed bodies and a redirect to another host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';

export const FAULTS = [
  'latency',
  'error500',
  'error503',
  'rate-limit',
  'request-limit',
  'invalid-session',
  'timeout',
  'malformed',
  'html',
  'wrong-types',
  'redirect',
  'trickle',
] as const;
export type FaultName = (typeof FAULTS)[number];

/** Body of `POST /__sandbox/faults`. */
export const FaultRuleSchema = z.strictObject({
  fault: z.enum(FAULTS),
  /** How many matching requests get the fault; unlimited when absent. */
  times: z.number().int().min(1).max(10_000).optional(),
  /** A regular expression tested (unanchored) against the request path; every vendor path when absent. */
  pathPattern: z
    .string()
    .min(1)
    .max(200)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression')
    .optional(),
  /** `rate-limit`: the Retry-After value, delay-seconds or an HTTP-date. */
  retryAfter: z.union([z.number().int().min(0).max(86_400), z.string().min(1).max(64)]).optional(),
  /** `latency`: added delay; `timeout`: how long to hold before giving up; `trickle`: pause between chunks. */
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** `redirect`: where the Location header points. */
  location: z.url().optional(),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

/** Canary text in the HTML fault page, so tests can prove it never reaches a log or a client. */
export const HTML_FAULT_CANARY = 'sandbox-maintenance-canary-7f3a';

const sfErrors = (errorCode: string, message: string) => JSON.stringify([{ message, errorCode }]);
const JSON_TYPE = 'application/json;charset=UTF-8';

/** The rules set through the control API, consumed in order. */
export const createFaultRegistry = () => {
  let rules: { rule: FaultRule; pattern?: RegExp; remaining: number }[] = [];
  return {
    add(rule: FaultRule): void {
      rules.push({ rule, ...(rule.pathPattern ? { pattern: new RegExp(rule.pathPattern) } : {}), remaining: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear(): void {
      rules = [];
    },
    /** The first rule matching `path` with uses left; using it counts down. */
    take(path: string): FaultRule | undefined {
      const entry = rules.find((r) => r.remaining > 0 && (!r.pattern || r.pattern.test(path)));
      if (!entry) return undefined;
      entry.remaining -= 1;
      return entry.rule;
    },
    list: () => rules.map((r) => ({ ...r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null })),
  };
};
export type FaultRegistry = ReturnType<typeof createFaultRegistry>;

const fromHeaders = (c: Context): FaultRule | undefined => {
  const fault = c.req.header('x-sandbox-fault');
  if (!fault) return undefined;
  const delay = c.req.header('x-sandbox-delay-ms');
  const parsed = FaultRuleSchema.safeParse({
    fault,
    ...(c.req.header('x-sandbox-retry-after') ? { retryAfter: c.req.header('x-sandbox-retry-after') } : {}),
    ...(delay && /^\d+$/.test(delay) ? { delayMs: Number(delay) } : {}),
  });
  return parsed.success ? parsed.data : undefined;
};

/** Every string becomes a number and every number or boolean a string: right shape, wrong types. */
const scramble = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scramble);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'attributes' ? v : scramble(v)]));
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
};

const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).then(
  () => true,
  () => false,
);

/**
 * Middleware for the vendor paths: answers with the fault instead of the real response, or shapes
 * the real response (`malformed`, `wrong-types`, `trickle`) after the handler ran.
 */
export const injectFaults = (registry: FaultRegistry): MiddlewareHandler =>
  async function injectFaults(c, next) {
    const rule = fromHeaders(c) ?? registry.take(c.req.path);
    if (!rule) return next();
    const signal = c.req.raw.signal;
    switch (rule.fault) {
      case 'error500':
        return c.body(sfErrors('UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1882031567-12345 (sandbox)'), 500, { 'content-type': JSON_TYPE });
      case 'error503':
        return c.body(sfErrors('SERVER_UNAVAILABLE', 'Server temporarily unavailable (sandbox).'), 503, { 'content-type': JSON_TYPE });
      case 'rate-limit':
        return c.body(sfErrors('REQUEST_LIMIT_EXCEEDED', 'Too many requests (sandbox).'), 429, { 'content-type': JSON_TYPE, 'retry-after': String(rule.retryAfter ?? 30) });
      case 'request-limit':
        return c.body(sfErrors('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), 403, { 'content-type': JSON_TYPE });
      case 'invalid-session':
        return c.body(sfErrors('INVALID_SESSION_ID', 'Session expired or invalid'), 401, { 'content-type': JSON_TYPE });
      case 'html':
        return c.body(`<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body><p>${HTML_FAULT_CANARY}</p></body></html>`, 200, { 'content-type': 'text/html;charset=UTF-8' });
      case 'redirect':
        return c.body(null, 302, { location: rule.location ?? 'https://login.salesforce.example/' });
      case 'timeout':
        // Hold the request until the client gives up (or the hold time ends), then answer too late.
        await pause(rule.delayMs ?? 30_000, signal);
        return c.body(sfErrors('REQUEST_RUNNING_TOO_LONG', 'Your request was running for too long (sandbox).'), 504, { 'content-type': JSON_TYPE });
      case 'latency':
        if (!(await pause(rule.delayMs ?? 1_000, signal))) return new Response(null, { status: 499 }); // client gone
        return next();
      default:
        break;
    }
    await next();
    const text = await c.res.text();
    const status = c.res.status;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = undefined; // Hono's setter would otherwise copy the old headers onto the new response
    if (rule.fault === 'malformed') {
      c.res = new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), { status, headers });
    } else if (rule.fault === 'wrong-types') {
      let body = text;
      try {
        body = JSON.stringify(scramble(JSON.parse(text)));
      } catch {
        // not JSON: leave it
      }
      c.res = new Response(body, { status, headers });
    } else {
      // trickle: headers at once, then the body a few bytes at a time.
      const bytes = new TextEncoder().encode(text);
      const interval = rule.delayMs ?? 100;
      let offset = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (offset >= bytes.length) return controller.close();
          if (!(await pause(interval, signal))) return controller.close();
          controller.enqueue(bytes.slice(offset, offset + 4));
          offset += 4;
        },
      });
      c.res = new Response(stream, { status, headers });
    }
  };
