import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Next } from 'hono';
import { z } from 'zod';

/**
 * Fault injection for the NetSuite sandbox (RELIABILITY.md E1–E7): per request with the
 * `x-sandbox-fault` header, or scripted through `POST /__sandbox/faults`.
 */
export const SANDBOX_FAULTS = ['latency', 'error500', 'error503', 'rate-limit', 'timeout', 'malformed', 'html', 'wrong-types', 'redirect', 'trickle'] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];

export const FaultRuleInputSchema = z.strictObject({
  fault: z.enum(SANDBOX_FAULTS),
  /** How many matching requests get the fault; every one until `DELETE /__sandbox/faults` when absent. */
  times: z.number().int().min(1).max(100_000).optional(),
  /** A regular expression tested against the request path; every NetSuite path when absent. */
  pathPattern: z.string().min(1).max(200).optional(),
  /** For `rate-limit`: seconds, or an HTTP-date. Default 30. */
  retryAfter: z.union([z.number().int().min(0).max(86_400), z.string().min(1).max(64)]).optional(),
  /** For `latency` (default 1000), `timeout` (how long before giving up, default 60000), `trickle` (per chunk, default 100). */
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type FaultRuleInput = z.infer<typeof FaultRuleInputSchema>;
export type FaultSpec = Omit<FaultRuleInput, 'times' | 'pathPattern'>;

/** Scripted faults: the first rule whose pattern matches applies, and counts down its `times`. */
export const createFaultStore = () => {
  let rules: { spec: FaultSpec; remaining: number | undefined; pattern: RegExp | undefined }[] = [];
  return {
    add(input: FaultRuleInput): void {
      const { times, pathPattern, ...spec } = input;
      rules.push({ spec, remaining: times, pattern: pathPattern ? new RegExp(pathPattern) : undefined });
    },
    clear(): void {
      rules = [];
    },
    take(path: string): FaultSpec | undefined {
      const rule = rules.find((r) => !r.pattern || r.pattern.test(path));
      if (!rule) return undefined;
      if (rule.remaining !== undefined && --rule.remaining <= 0) rules = rules.filter((r) => r !== rule);
      return rule.spec;
    },
    get size(): number {
      return rules.length;
    },
  };
};

/** The fault asked for by headers (`x-sandbox-fault`, `x-sandbox-retry-after`, `x-sandbox-delay-ms`); 'invalid' for an unknown one. */
export const headerFault = (c: Context): FaultSpec | 'invalid' | undefined => {
  const name = c.req.header('x-sandbox-fault')?.trim();
  if (!name) return undefined;
  const delay = c.req.header('x-sandbox-delay-ms');
  const parsed = FaultRuleInputSchema.safeParse({
    fault: name,
    ...(c.req.header('x-sandbox-retry-after') ? { retryAfter: c.req.header('x-sandbox-retry-after') } : {}),
    ...(delay && /^\d{1,6}$/.test(delay) ? { delayMs: Number(delay) } : {}),
  });
  return parsed.success ? parsed.data : 'invalid';
};

export const NS_ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error; charset=UTF-8';

const STATUS_SECTIONS: Record<number, string> = { 400: '15.5.1', 401: '15.5.2', 404: '15.5.5', 415: '15.5.16', 500: '15.6.1', 503: '15.6.4', 504: '15.6.5' };

/** A NetSuite `nsError` response. */
export const nsErrorResponse = (status: number, title: string, errorCode: string, detail: string, errorPath?: string, headers: Record<string, string> = {}): Response => {
  const type = status === 429 ? 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4' : `https://www.rfc-editor.org/rfc/rfc9110.html#section-${STATUS_SECTIONS[status] ?? '15'}`;
  const body = { type, title, status, 'o:errorDetails': [{ detail, 'o:errorCode': errorCode, ...(errorPath ? { 'o:errorPath': errorPath } : {}) }] };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': NS_ERROR_CONTENT_TYPE, ...headers } });
};

/** Every number (also in a string) becomes a word, every boolean a string: a body of the right shape with wrong types. */
const wrongTypes = (value: unknown): unknown => {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) return 'twelve';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(wrongTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return value;
};

const bodyHeaders = (res: Response, contentType?: string): Headers => {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  if (contentType) headers.set('content-type', contentType);
  return headers;
};

/** Waits `ms`, or less when the client goes away. */
const waitOrAbort = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal, ref: false }).catch(() => undefined);

/** Plays one fault. Faults that corrupt a real answer (`malformed`, `wrong-types`, `trickle`) run the handler first. */
export const runFault = async (c: Context, next: Next, spec: FaultSpec): Promise<Response | void> => {
  const signal = c.req.raw.signal;
  switch (spec.fault) {
    case 'latency':
      await waitOrAbort(spec.delayMs ?? 1_000, signal);
      return next();
    case 'error500':
      return nsErrorResponse(500, 'Internal Server Error', 'UNEXPECTED_ERROR', 'An unexpected error occurred. Error ID: sandbox-7f3a9c for customer accounts@globex.example');
    case 'error503':
      return nsErrorResponse(503, 'Service Unavailable', 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again later.');
    case 'rate-limit':
      return nsErrorResponse(429, 'Too Many Requests', 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.', undefined, {
        'retry-after': String(spec.retryAfter ?? 30),
      });
    case 'timeout':
      // Holds the request until the client gives up (or the long cap passes), like a hung upstream.
      await waitOrAbort(spec.delayMs ?? 60_000, signal);
      return nsErrorResponse(504, 'Gateway Timeout', 'TIMEOUT', 'The request timed out.');
    case 'html':
      return c.html(
        '<!DOCTYPE html><html><head><title>NetSuite - Scheduled Maintenance</title></head><body><h1>NetSuite is being upgraded</h1><p>Account TSTDRV0000000 will be back shortly. Contact billing@globex.example.</p></body></html>',
        200,
      );
    case 'redirect': {
      // To another host (127.0.0.1 ↔ localhost), where a hit would be counted: a client must not follow it.
      const url = new URL(c.req.url);
      url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
      const at = url.pathname.indexOf('/services/');
      url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
      url.search = '';
      return new Response(null, { status: 302, headers: { location: url.href } });
    }
    case 'malformed': {
      await next();
      const text = await c.res.text();
      c.res = new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), { status: 200, headers: bodyHeaders(c.res, 'application/json') });
      return;
    }
    case 'wrong-types': {
      await next();
      const text = await c.res.text();
      let mutated = text;
      try {
        mutated = JSON.stringify(wrongTypes(JSON.parse(text)));
      } catch {
        /* not JSON: leave it */
      }
      c.res = new Response(mutated, { status: c.res.status, headers: bodyHeaders(c.res) });
      return;
    }
    case 'trickle': {
      await next();
      const bytes = new TextEncoder().encode(await c.res.text());
      const delay = spec.delayMs ?? 100;
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (at >= bytes.length) return controller.close();
          await waitOrAbort(delay, signal);
          if (signal.aborted) return controller.close();
          controller.enqueue(bytes.slice(at, at + 16));
          at += 16;
        },
      });
      c.res = new Response(stream, { status: c.res.status, headers: bodyHeaders(c.res) });
      return;
    }
  }
};
