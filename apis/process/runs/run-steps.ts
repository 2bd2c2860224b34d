import type { Logger } from 'pino';
import type { Clock } from '../../../shared/clock.js';
import { AppError } from '../../../shared/errors.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import type { DomainError } from '../../../shared/result.js';
import { nextAttemptDelayMs, RUN_LEASE_MS, type Run, type RunStep } from './run.js';
import type { RunStore } from './run-store.js';

/** What one step did: its record (and values for later steps), or why it stopped the run. */
export type StepResult =
  | { readonly ok: true; readonly ref?: string; readonly outcome?: RunStep['outcome']; readonly results?: Readonly<Record<string, string>> }
  /** `remediation` parks the run as a business exception: retrying alone will not help, a person must act. */
  | { readonly ok: false; readonly error: DomainError; readonly remediation?: string };

export interface StepDefinition<Input> {
  readonly name: string;
  readonly system: string;
  readonly vendor: string;
  /**
   * Must be idempotent: a step whose vendor write succeeded but whose record was not saved (a crash,
   * a lost answer) runs again on resume and must find its record, not create a second one.
   */
  execute(run: Readonly<Run<Input>>, ctx: CallContext): Promise<StepResult>;
}

export const pendingSteps = <Input>(definitions: readonly StepDefinition<Input>[]): RunStep[] =>
  definitions.map((d) => ({ name: d.name, system: d.system, vendor: d.vendor, status: 'pending', attempts: 0 }));

export interface RunExecutorDeps {
  readonly store: RunStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly leaseMs?: number;
}

/**
 * Executes a run's unfinished steps in order, saving the record before and after each one, under
 * the subject's lease (one execution per subject across every gateway process). Stops at the first
 * step that fails (retryable: `failed`) or needs a person (`parked`); steps already succeeded are
 * never executed again.
 */
export const createRunExecutor = (deps: RunExecutorDeps) => {
  const iso = () => new Date(deps.clock.now()).toISOString();

  const executeSteps = async <Input>(run: Run<Input>, definitions: readonly StepDefinition<Input>[], ctx: CallContext): Promise<Run<Input>> => {
    const log = deps.logger?.child({ operationId: run.id, workflow: run.workflow, traceId: ctx.trace.traceId });
    run.status = 'running';
    run.executions += 1;
    run.traceId = ctx.trace.traceId;
    delete run.finishedAt;
    delete run.nextAttemptAt;
    run.updatedAt = iso();
    await deps.store.save(run);

    for (const definition of definitions) {
      const step = run.steps.find((s) => s.name === definition.name);
      if (!step) throw new Error(`run ${run.id} has no step ${definition.name}`);
      if (step.status === 'succeeded') continue;

      step.status = 'running';
      step.vendor = definition.vendor; // the vendor configured now, should it have changed since the last execution
      step.attempts += 1;
      step.startedAt = iso();
      delete step.error;
      delete step.finishedAt;
      run.updatedAt = step.startedAt;
      await deps.store.save(run);

      const result = await definition.execute(run, ctx).catch((error: unknown): StepResult => {
        // The cross-reference or another dependency being down is a retryable step failure.
        if (error instanceof AppError) return { ok: false, error: { code: error.code, retryable: error.status >= 500 } };
        // A bug: recorded as such (the run says where it stopped), logged with its cause, not retried on its own.
        log?.error({ step: definition.name, err: error }, 'run step threw');
        return { ok: false, error: { code: 'internal', retryable: false } };
      });
      step.finishedAt = iso();
      run.updatedAt = step.finishedAt;
      if (result.ok) {
        step.status = 'succeeded';
        if (result.ref !== undefined) step.ref = result.ref;
        if (result.outcome) step.outcome = result.outcome;
        Object.assign(run.results, result.results);
        await deps.store.save(run);
        log?.info({ step: step.name, vendor: step.vendor, outcome: step.outcome }, 'run step succeeded');
        continue;
      }
      const parked = result.remediation !== undefined;
      step.status = parked ? 'parked' : 'failed';
      step.error = {
        code: result.error.code,
        retryable: !parked && result.error.retryable,
        ...(result.error.vendor ? { vendor: result.error.vendor } : {}),
        ...(!parked && result.error.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.error.retryAfterSeconds } : {}),
        ...(parked ? { remediation: result.remediation } : {}),
      };
      run.status = step.status;
      run.finishedAt = step.finishedAt;
      const delay = parked || !step.error.retryable ? undefined : nextAttemptDelayMs(run.executions, result.error.retryAfterSeconds);
      if (delay !== undefined) run.nextAttemptAt = new Date(deps.clock.now() + delay).toISOString();
      await deps.store.save(run);
      log?.warn({ step: step.name, vendor: step.vendor, code: step.error.code, status: run.status }, 'run stopped');
      return run;
    }

    run.status = 'succeeded';
    run.finishedAt = iso();
    run.updatedAt = run.finishedAt;
    await deps.store.save(run);
    log?.info('run succeeded');
    return run;
  };

  return {
    /**
     * Executes the run while holding its subject's lease; `process.in_progress` (409, Retry-After 1)
     * when another execution holds it. A crashed holder's lease expires after `leaseMs`.
     */
    async execute<Input>(run: Run<Input>, definitions: readonly StepDefinition<Input>[], ctx: CallContext): Promise<Run<Input>> {
      if (!(await deps.store.acquire(run.subject, run.id, deps.leaseMs ?? RUN_LEASE_MS))) {
        throw new AppError('process.in_progress', { retryAfterSeconds: 1 });
      }
      try {
        return await executeSteps(run, definitions, ctx);
      } finally {
        await deps.store.release(run.subject, run.id).catch(() => undefined); // expires on its own
      }
    },
  };
};

export type RunExecutor = ReturnType<typeof createRunExecutor>;
