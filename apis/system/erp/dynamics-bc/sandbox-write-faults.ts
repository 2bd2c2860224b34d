// The Business Central sandbox's write faults: rules for creates (POST) set through `POST /__sandbox/write-faults`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { DYNAMICS_BC_FAULTS } from './sandbox-faults.js';

type WriteFaultKind = 'slow-commit' | 'error500' | 'error503' | 'hang';

const WriteFaultSchema = z.strictObject({
  kind: z.enum(['slow-commit', 'error500', 'error503', 'hang']),
  delayMs: z.number().int().min(1).max(60_000).optional(),
  times: z.number().int().min(1).max(1000).optional(),
  pathPattern: z.string().min(1).max(200).optional(),
});

/**
 * `slow-commit` (the record is written, then the response held — a write that lands while the client
 * times out, RELIABILITY.md E2), `hang` (held, nothing written), `error500` / `error503` (nothing written).
 */
export const createWriteFaults = () => {
  let writeFaults: { kind: WriteFaultKind; delayMs: number; remaining: number | undefined; pattern: RegExp | undefined }[] = [];

  /** The control route adding a rule. */
  const register = (app: Hono) => {
    app.post('/__sandbox/write-faults', async (c) => {
      const parsed = WriteFaultSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: 'invalid write fault rule' }, 400);
      const { kind, delayMs, times, pathPattern } = parsed.data;
      writeFaults.push({ kind, delayMs: delayMs ?? 1_000, remaining: times, pattern: pathPattern ? new RegExp(pathPattern) : undefined });
      return c.json({ writeFaults: writeFaults.length }, 201);
    });
  };

  const inject: MiddlewareHandler = async function injectWriteFaults(c, next) {
    const rule = c.req.method === 'POST' ? writeFaults.find((r) => !r.pattern || r.pattern.test(c.req.path)) : undefined;
    if (!rule) return next();
    if (rule.remaining !== undefined && --rule.remaining <= 0) writeFaults = writeFaults.filter((r) => r !== rule);
    if (rule.kind === 'error500' || rule.kind === 'error503') return DYNAMICS_BC_FAULTS.errorResponse(rule.kind, rule.kind === 'error500' ? 500 : 503, {});
    if (rule.kind === 'hang') {
      // Nothing is written: held until the client gives up (or the hold ends), then too late.
      await sleep(rule.delayMs, undefined, { signal: c.req.raw.signal, ref: false }).catch(() => undefined);
      return DYNAMICS_BC_FAULTS.errorResponse('timeout', 504, {});
    }
    await next();
    // slow-commit: written already; the client may give up meanwhile, the record stays.
    if (c.res.status === 201) await sleep(rule.delayMs, undefined, { ref: false });
  };

  return {
    register,
    inject,
    clear: () => {
      writeFaults = [];
    },
  };
};
