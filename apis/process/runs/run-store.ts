import type { Run } from './run.js';

/**
 * Where run records live: Redis in production, memory in one-process mode. Every method throws
 * `AppError('dependency.unavailable')` when the store cannot be reached — a workflow that cannot
 * record its steps does not start them.
 */
export interface RunStore {
  /**
   * Writes the run (whole record) and makes it the latest run of its subject; kept RUN_RETENTION_MS.
   * A run with `nextAttemptAt` is due then; any other is due never.
   */
  save(run: Run): Promise<void>;
  get(id: string): Promise<Run | undefined>;
  /** The id of the latest run saved for a subject, while it is retained. */
  latestFor(subject: string): Promise<string | undefined>;
  /** Ids of failed runs whose `nextAttemptAt` has come (oldest first), at most `limit`. */
  due(nowMs: number, limit: number): Promise<string[]>;
  /** Takes the subject's lease for `owner` (atomic; `SET NX PX`); false when another holder has it. */
  acquire(subject: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Gives the lease back, only if `owner` still holds it. */
  release(subject: string, owner: string): Promise<void>;
}
