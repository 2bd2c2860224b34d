/**
 * A run record: one execution of a multi-step process workflow (customer onboarding, …), persisted
 * before its first vendor write and after every step, so a half-done process is never silent
 * (RELIABILITY.md E9). Operators read it as an operation; a failed or parked run is resumed from its
 * first unfinished step — finished steps are never executed twice.
 */
import type { ErrorCode } from '../../../shared/errors.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'parked';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'parked';

export interface StepError {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly vendor?: string;
  readonly retryAfterSeconds?: number;
  /** Parked steps: what a person must do before the run can be resumed (our text, never a vendor's). */
  readonly remediation?: string;
}

export interface RunStep {
  readonly name: string;
  /** The system the step writes to (`erp`, `billing`, …) and its vendor. */
  readonly system: string;
  vendor: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** The record the step created or matched, in the vendor's ids. */
  ref?: string;
  outcome?: 'created' | 'matched' | 'updated';
  error?: StepError;
}

export interface Run<Input = unknown> {
  readonly id: string;
  readonly workflow: string;
  /** What the run is about (`crm:salesforce:001…`): one run at a time per subject. */
  readonly subject: string;
  /** The client that started it: only it (or an operator) may read or resume it. */
  readonly clientId: string;
  status: RunStatus;
  input: Input;
  /** Values steps hand to later steps (canonical id, vendor ids). */
  results: Record<string, string>;
  steps: RunStep[];
  /** Executions (the first, then each resume). */
  executions: number;
  /** The trace of the latest execution: it reaches every vendor call and log line of that execution. */
  traceId: string;
  readonly createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Failed runs: when the sweeper resumes it on its own; absent once automatic attempts are spent. */
  nextAttemptAt?: string;
}

/** How long a run record is kept after its last change (documented retention; no unbounded growth). */
export const RUN_RETENTION_MS = 30 * 86_400_000;

/** Automatic resumes of a failed run: after 30 s, 1, 2, 4, 8 min…, at most this many executions in all. */
export const MAX_AUTOMATIC_EXECUTIONS = 6;
export const FIRST_RETRY_DELAY_MS = 30_000;

/** When a run that failed after `executions` executions is next resumed on its own; undefined when it is left to a person. */
export const nextAttemptDelayMs = (executions: number, retryAfterSeconds = 0): number | undefined =>
  executions >= MAX_AUTOMATIC_EXECUTIONS ? undefined : Math.max(FIRST_RETRY_DELAY_MS * 2 ** (executions - 1), retryAfterSeconds * 1000);

/** How long an execution holds its subject; a crashed process's lease expires and the run can be resumed. */
export const RUN_LEASE_MS = 60_000;
