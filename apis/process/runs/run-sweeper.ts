import type { Logger } from 'pino';
import type { Clock } from '../../../shared/clock.js';
import { AppError } from '../../../shared/errors.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import { traceFrom } from '../../../shared/http/trace-context.js';
import type { Run } from './run.js';
import type { RunStore } from './run-store.js';

export type Resumer = (run: Run<never>, ctx: CallContext) => Promise<Run>;

export interface RunSweeperDeps {
  readonly store: RunStore;
  readonly resumers: Readonly<Record<string, Resumer>>;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Deadline of one background execution (a request's is shorter: nobody is waiting here). */
  readonly deadlineMs?: number;
  /** Runs resumed per sweep, one after the other (vendor budgets still apply to each call). */
  readonly batch?: number;
}

/** A fresh trace per background execution, so its vendor calls and log lines can be followed. */
const backgroundContext = (clock: Clock, deadlineMs: number): CallContext => {
  const trace = traceFrom(undefined);
  return { signal: AbortSignal.timeout(deadlineMs), deadlineAt: clock.now() + deadlineMs, requestId: trace.traceId, trace };
};

/**
 * Resumes failed runs on their own once their `nextAttemptAt` has come, so a half-done process does
 * not wait for someone to notice it (RELIABILITY.md E9). Any number of gateway processes may sweep:
 * the subject's lease lets one of them execute a run, and the others skip it.
 */
export const createRunSweeper = (deps: RunSweeperDeps) => {
  const sweepOnce = async (): Promise<number> => {
    let resumed = 0;
    for (const id of await deps.store.due(deps.clock.now(), deps.batch ?? 10)) {
      const run = await deps.store.get(id);
      const resumer = run ? deps.resumers[run.workflow] : undefined;
      if (!run || run.status !== 'failed' || !resumer) continue;
      const after = await resumer(run as Run<never>, backgroundContext(deps.clock, deps.deadlineMs ?? 30_000)).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'process.in_progress') return undefined; // another execution has it
        deps.logger?.error({ operationId: id, err: error }, 'background resume failed');
        return undefined;
      });
      if (after) {
        resumed += 1;
        deps.logger?.[after.status === 'succeeded' ? 'info' : 'warn']({ operationId: id, status: after.status, nextAttemptAt: after.nextAttemptAt }, 'run resumed in the background');
      }
    }
    return resumed;
  };

  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  return {
    sweepOnce,
    /** Sweeps every `intervalMs` until `stop()`; a store outage only skips sweeps. */
    start(intervalMs = 5_000) {
      timer ??= setInterval(() => {
        sweeping = sweeping.then(sweepOnce).catch((error: unknown) => deps.logger?.warn({ err: error instanceof Error ? error.message : error }, 'run sweep skipped'));
      }, intervalMs).unref();
    },
    /** Stops sweeping and waits for the sweep under way. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
};

export type RunSweeper = ReturnType<typeof createRunSweeper>;
