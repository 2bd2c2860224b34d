import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../shared/clock.js';
import { AppError } from '../../../shared/errors.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { createMemoryRunStore } from './memory-run-store.js';
import { MAX_AUTOMATIC_EXECUTIONS, type Run } from './run.js';
import { createRunExecutor, pendingSteps, type StepDefinition, type StepResult } from './run-steps.js';
import type { RunStore } from './run-store.js';

/** Steps that record what they saw and answer from a script. */
const scripted = (store: RunStore, script: Record<string, (() => StepResult | Promise<StepResult>)[]>) => {
  const executed: string[] = [];
  const statusSeen: string[] = [];
  const steps: StepDefinition<unknown>[] = Object.keys(script).map((name) => ({
    name,
    system: name.split('.')[0]!,
    vendor: 'acme',
    async execute(run) {
      executed.push(name);
      // What the store holds while the step's vendor write is under way.
      const saved = await store.get(run.id);
      statusSeen.push(`${saved?.status}/${saved?.steps.find((s) => s.name === name)?.status}`);
      const next = script[name]!.shift();
      if (!next) throw new Error(`step ${name} ran more often than scripted`);
      return next();
    },
  }));
  return { steps, executed, statusSeen };
};

const newRun = (steps: StepDefinition<unknown>[], id = 'op_1'): Run => ({
  id,
  workflow: 'test',
  subject: 'subject-1',
  clientId: 'client-a',
  status: 'running',
  input: {},
  results: {},
  steps: pendingSteps(steps),
  executions: 0,
  traceId: 'none',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

const done = (ref: string): StepResult => ({ ok: true, ref, results: { [ref]: ref } });
const vendorDown: StepResult = { ok: false, error: { code: 'vendor.error', retryable: true, vendor: 'billing' } };

describe('run executor', () => {
  it('saves the run before each step runs, so a crash mid-write leaves a record that says so', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps, statusSeen } = scripted(store, { 'erp.customer': [() => done('e1')], 'billing.customer': [() => done('b1')] });
    const run = await createRunExecutor({ store, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext());
    expect(statusSeen).toEqual(['running/running', 'running/running']);
    expect(run).toMatchObject({ status: 'succeeded', executions: 1, results: { e1: 'e1', b1: 'b1' } });
    expect(await store.get('op_1')).toEqual(run);
  });

  it('stops at the first failed step, leaves later steps pending, and records the error', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps, executed } = scripted(store, { 'erp.customer': [() => done('e1')], 'billing.customer': [() => vendorDown], 'support.organization': [] });
    const run = await createRunExecutor({ store, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext());
    expect(executed).toEqual(['erp.customer', 'billing.customer']);
    expect(run.status).toBe('failed');
    expect(run.steps.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['failed', 1], ['pending', 0]]);
    expect(run.steps[1]!.error).toEqual({ code: 'vendor.error', retryable: true, vendor: 'billing' });
    expect((await store.get('op_1'))?.status).toBe('failed');
  });

  it('on resume, executes only the unfinished steps', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps, executed } = scripted(store, { 'erp.customer': [() => done('e1')], 'billing.customer': [() => vendorDown, () => done('b1')], 'support.organization': [() => done('s1')] });
    const executor = createRunExecutor({ store, clock: createManualClock() });
    const failed = await executor.execute(newRun(steps), steps, testCallContext());
    const resumed = await executor.execute(failed, steps, testCallContext());
    expect(executed).toEqual(['erp.customer', 'billing.customer', 'billing.customer', 'support.organization']);
    expect(resumed).toMatchObject({ status: 'succeeded', executions: 2 });
    expect(resumed.steps.map((s) => s.attempts)).toEqual([1, 2, 1]);
    expect(resumed.steps[1]!.error).toBeUndefined();
  });

  it('schedules a failed run’s next automatic attempt, backing off, honouring Retry-After, and gives up after the last', async () => {
    const clock = createManualClock(Date.parse('2026-11-01T00:00:00.000Z'));
    const store = createMemoryRunStore(clock);
    const failures = Array.from({ length: MAX_AUTOMATIC_EXECUTIONS }, () => () => vendorDown);
    const { steps } = scripted(store, { 'billing.customer': [() => ({ ok: false, error: { ...vendorDown.error, retryAfterSeconds: 120 } } as StepResult), ...failures] });
    const executor = createRunExecutor({ store, clock });
    let run = await executor.execute(newRun(steps), steps, testCallContext());
    expect(run.nextAttemptAt).toBe('2026-11-01T00:02:00.000Z'); // Retry-After 120 s beats the first 30 s
    run = await executor.execute(run, steps, testCallContext());
    expect(run.nextAttemptAt).toBe('2026-11-01T00:01:00.000Z'); // second failure: 60 s
    expect(await store.due(clock.now() + 60_000, 10)).toEqual(['op_1']);
    while (run.executions < MAX_AUTOMATIC_EXECUTIONS) run = await executor.execute(run, steps, testCallContext());
    expect([run.status, run.nextAttemptAt]).toEqual(['failed', undefined]);
    expect(await store.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('parks the run when a step needs a person, and a retryable flag never rides along', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps } = scripted(store, { 'erp.customer': [() => ({ ok: false, error: { code: 'erp.duplicate_customer', retryable: true }, remediation: 'Merge them.' })] });
    const run = await createRunExecutor({ store, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext());
    expect(run.status).toBe('parked');
    expect(run.steps[0]).toMatchObject({ status: 'parked', error: { code: 'erp.duplicate_customer', retryable: false, remediation: 'Merge them.' } });
    expect(run.nextAttemptAt).toBeUndefined(); // a person acts first: nothing resumes it on its own
  });

  it('turns a dependency failure thrown by a step (the cross-reference down) into a retryable step failure', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps } = scripted(store, { 'erp.customer': [() => Promise.reject(new AppError('dependency.unavailable'))] });
    const run = await createRunExecutor({ store, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext());
    expect(run.steps[0]).toMatchObject({ status: 'failed', error: { code: 'dependency.unavailable', retryable: true } });
  });

  it('records a step that throws (a bug) as failed with internal, not retried on its own, and releases the subject', async () => {
    const store = createMemoryRunStore(createManualClock());
    const { steps } = scripted(store, { 'erp.customer': [() => Promise.reject(new TypeError('undefined is not a function'))] });
    const run = await createRunExecutor({ store, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext());
    expect(run).toMatchObject({ status: 'failed', steps: [{ status: 'failed', error: { code: 'internal', retryable: false } }] });
    expect(run.nextAttemptAt).toBeUndefined();
    expect(await store.acquire('subject-1', 'op_2', 1_000)).toBe(true);
  });

  it('refuses a second execution of the same subject while the first holds the lease (409, Retry-After 1), and lets it run after', async () => {
    const store = createMemoryRunStore(createManualClock());
    let release!: () => void;
    const gate = new Promise<StepResult>((resolve) => (release = () => resolve(done('e1'))));
    const { steps, executed } = scripted(store, { 'erp.customer': [() => gate] });
    const executor = createRunExecutor({ store, clock: createManualClock() });
    const first = executor.execute(newRun(steps, 'op_1'), steps, testCallContext());
    await new Promise((r) => setImmediate(r));
    const second = await executor.execute(newRun(steps, 'op_2'), steps, testCallContext()).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(AppError);
    expect([(second as AppError).code, (second as AppError).options.retryAfterSeconds]).toEqual(['process.in_progress', 1]);
    expect(await store.get('op_2')).toBeUndefined(); // refused before anything was recorded
    release();
    expect((await first).status).toBe('succeeded');
    expect(executed).toEqual(['erp.customer']);
    expect(await store.acquire('subject-1', 'op_3', 1_000)).toBe(true); // released
  });

  it('when the store cannot record the run, no step runs', async () => {
    const store = createMemoryRunStore(createManualClock());
    const down: RunStore = { ...store, save: () => Promise.reject(new AppError('dependency.unavailable')) };
    const { steps, executed } = scripted(store, { 'erp.customer': [] });
    const error = await createRunExecutor({ store: down, clock: createManualClock() }).execute(newRun(steps), steps, testCallContext()).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('dependency.unavailable');
    expect(executed).toEqual([]);
    expect(await store.acquire('subject-1', 'op_9', 1_000)).toBe(true); // the lease was given back
  });
});
