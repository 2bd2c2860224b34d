/**
 * Fault injection for the vendor sandboxes (RELIABILITY.md E1–E7), one mechanism for every vendor:
 * a fault per request (`x-sandbox-fault: error503`, with `x-sandbox-retry-after` / `x-sandbox-delay-ms`)
 * or scripted through the control API (`POST|GET|DELETE /__sandbox/faults`). The vendor supplies only
 * what its wire format decides: its error body, its wrongly typed body, its HTML page, its own faults.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';

export const SANDBOX_FAULTS = ['latency', 'error500', 'error503', 'rate-limit', 'timeout', 'malformed', 'html', 'wrong-types', 'redirect', 'trickle'] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];
/** The faults answered with the vendor's own error response. */
export type ErrorFault = 'error500' | 'error503' | 'rate-limit' | 'timeout';

/** Body of `POST /__sandbox/faults`; `Extra` names the vendor's own faults. */
export interface FaultRule<Extra extends string = never> {
  readonly fault: SandboxFault | Extra;
  /** How many matching requests get the fault; every one until `DELETE /__sandbox/faults` when absent. */
  readonly times?: number;
  /** A regular expression tested (unanchored) against the request path; every vendor path when absent. */
  readonly pathPattern?: string;
  /** Only requests with this method (a write, but not the read of the same path); every method when absent. */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `rate-limit`: the Retry-After value, delay-seconds or an HTTP-date. Default 30. */
  readonly retryAfter?: number | string;
  /** `latency`: added delay (default 1000); `timeout`: how long to hold before giving up (default 60000); `trickle`: pause between chunks (default 100). */
  readonly delayMs?: number;
  /** `redirect`: where the Location header points. */
  readonly location?: string;
}

/** What one vendor's sandbox decides about its faults. */
export interface VendorFaultProfile<Extra extends string = never> {
  /** The vendor's error response for `fault` with this `status`; `headers` (Retry-After) must be on it. */
  readonly errorResponse: (fault: ErrorFault, status: 429 | 500 | 503 | 504, headers: Readonly<Record<string, string>>) => Response;
  /** The `wrong-types` body: the real JSON body, the same shape, types the vendor's clients must reject. */
  readonly wrongTypes: (body: unknown) => unknown;
  /** The page the `html` fault serves with a 200. */
  readonly htmlPage: string;
  /** Faults only this vendor has, each answered in its wire format. */
  readonly extraFaults?: Readonly<Record<Extra, () => Response>>;
  /** Where `redirect` points when the rule names no `location`. Default: this sandbox's `/__sandbox/redirect-target` on the other loopback host name. */
  readonly redirectLocation?: (c: Context) => string;
}

const HOLD_DEFAULTS = { latency: 1_000, timeout: 60_000, trickle: 100 } as const;
const TRICKLE_CHUNK_BYTES = 16;

const validRegExp = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

/** Waits `ms`; false when the client went away first. Unref'd: a held request never keeps a test process alive. */
const pause = (ms: number, signal: AbortSignal) =>
  sleep(ms, undefined, { signal, ref: false }).then(
    () => true,
    () => false,
  );

/**
 * `redirect` by default points at the same sandbox under the other loopback name (127.0.0.1 ↔
 * localhost), where `/__sandbox/redirect-target` answers: a hit there means a client followed it.
 */
const otherHostRedirectTarget = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/services/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

/** The response again with a new body, minus the length that no longer holds. */
const withBody = (res: Response, body: ConstructorParameters<typeof Response>[0]): Response => {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(body, { status: res.status, headers });
};

const trickle = (text: string, interval: number, signal: AbortSignal) => {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length || !(await pause(interval, signal))) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + TRICKLE_CHUNK_BYTES));
      offset += TRICKLE_CHUNK_BYTES;
    },
  });
};

/**
 * Fault injection for one vendor sandbox: `inject` goes on the vendor paths, `routes` is the control
 * API to mount at `/__sandbox` (`/faults`, and `/redirect-target` for the default redirect), `rules`
 * lets the sandbox clear them on a reset. Faults that corrupt a real answer (`malformed`,
 * `wrong-types`, `trickle`) run the handler first; a scripted rule counts down its `times`.
 *
 * @example
 * const faults = createFaultInjection({ errorResponse, wrongTypes, htmlPage });
 * app.route('/__sandbox', faults.routes);
 * app.use('/services/*', faults.inject);
 */
export const createFaultInjection = <Extra extends string = never>(profile: VendorFaultProfile<Extra>) => {
  const extraFaults: Readonly<Record<string, () => Response>> = profile.extraFaults ?? {};
  const extraNames = Object.keys(extraFaults) as Extra[];
  const clash = extraNames.find((name) => (SANDBOX_FAULTS as readonly string[]).includes(name));
  if (clash) throw new Error(`extra sandbox fault ${clash} would shadow the shared one`);
  const redirectLocation = profile.redirectLocation ?? otherHostRedirectTarget;

  const schema = z.strictObject({
    fault: z.enum([...SANDBOX_FAULTS, ...extraNames]),
    times: z.number().int().min(1).max(100_000).optional(),
    pathPattern: z.string().min(1).max(200).refine(validRegExp, 'must be a valid regular expression').optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    retryAfter: z.union([z.number().int().min(0).max(86_400), z.string().min(1).max(64)]).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    location: z.url().optional(),
  }) satisfies z.ZodType<FaultRule<Extra>>;

  // Scripted rules: the first whose pattern matches applies; a spent one is removed.
  let rules: { readonly rule: FaultRule<Extra>; readonly pattern: RegExp | undefined; remaining: number | undefined }[] = [];
  const store = {
    add(rule: FaultRule<Extra>): void {
      rules.push({ rule, pattern: rule.pathPattern ? new RegExp(rule.pathPattern) : undefined, remaining: rule.times });
    },
    clear(): void {
      rules = [];
    },
    take(method: string, path: string): FaultRule<Extra> | undefined {
      const entry = rules.find((r) => (!r.rule.method || r.rule.method === method) && (!r.pattern || r.pattern.test(path)));
      if (!entry) return undefined;
      if (entry.remaining !== undefined && --entry.remaining <= 0) rules = rules.filter((r) => r !== entry);
      return entry.rule;
    },
    list: () => rules.map((r) => ({ ...r.rule, remaining: r.remaining ?? null })),
  };

  /** The fault the request's headers ask for; 'invalid' when they name an unknown one or a bad value. */
  const fromHeaders = (c: Context): FaultRule<Extra> | 'invalid' | undefined => {
    const fault = c.req.header('x-sandbox-fault')?.trim();
    if (!fault) return undefined;
    const retryAfter = c.req.header('x-sandbox-retry-after');
    const delay = c.req.header('x-sandbox-delay-ms');
    const parsed = schema.safeParse({
      fault,
      ...(retryAfter ? { retryAfter } : {}),
      ...(delay && /^\d{1,6}$/.test(delay) ? { delayMs: Number(delay) } : {}),
    });
    return parsed.success ? parsed.data : 'invalid';
  };

  const inject: MiddlewareHandler = async function injectFaults(c, next) {
    const rule = fromHeaders(c) ?? store.take(c.req.method, c.req.path);
    if (rule === 'invalid') return c.json({ error: 'unknown x-sandbox-fault' }, 400);
    if (!rule) return next();
    const signal = c.req.raw.signal;
    const extra = Object.hasOwn(extraFaults, rule.fault) ? extraFaults[rule.fault] : undefined;
    if (extra) return extra();
    switch (rule.fault) {
      case 'latency':
        if (!(await pause(rule.delayMs ?? HOLD_DEFAULTS.latency, signal))) return new Response(null, { status: 499 }); // client gone
        return next();
      case 'error500':
        return profile.errorResponse('error500', 500, {});
      case 'error503':
        return profile.errorResponse('error503', 503, {});
      case 'rate-limit':
        return profile.errorResponse('rate-limit', 429, { 'retry-after': String(rule.retryAfter ?? 30) });
      case 'timeout':
        // Holds the request until the client gives up (or the hold ends), like a hung upstream; then answers too late.
        await pause(rule.delayMs ?? HOLD_DEFAULTS.timeout, signal);
        return profile.errorResponse('timeout', 504, {});
      case 'html':
        return c.html(profile.htmlPage, 200);
      case 'redirect':
        return c.body(null, 302, { location: rule.location ?? redirectLocation(c) });
      default:
        break;
    }
    await next();
    const real = c.res;
    const text = await real.text();
    c.res = undefined; // Hono's setter would otherwise copy the old headers onto the new response
    if (rule.fault === 'malformed') {
      c.res = withBody(real, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    } else if (rule.fault === 'wrong-types') {
      let body = text;
      try {
        body = JSON.stringify(profile.wrongTypes(JSON.parse(text)));
      } catch {
        // not JSON: leave it
      }
      c.res = withBody(real, body);
    } else {
      // trickle: the headers at once, then the body a few bytes at a time.
      c.res = withBody(real, trickle(text, rule.delayMs ?? HOLD_DEFAULTS.trickle, signal));
    }
  };

  // The control API: not part of the vendor surface, so neither faulted nor (unless the sandbox says so) recorded.
  const routes = new Hono();
  routes.post('/faults', async (c) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid fault rule', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 400);
    store.add(parsed.data);
    return c.json({ faults: store.list() }, 201);
  });
  routes.get('/faults', (c) => c.json({ faults: store.list() }));
  routes.delete('/faults', (c) => {
    store.clear();
    return c.body(null, 204);
  });
  routes.all('/redirect-target', (c) => c.json({ followed: true }));

  return { inject, routes, rules: store };
};

export type FaultInjection<Extra extends string = never> = ReturnType<typeof createFaultInjection<Extra>>;
