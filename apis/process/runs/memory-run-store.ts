import type { Clock } from '../../../shared/clock.js';
import { RUN_RETENTION_MS, type Run } from './run.js';
import type { RunStore } from './run-store.js';

/** One-process run store (sandbox mode without REDIS_URL, unit tests). Records are copied in and out, like a real store. */
export const createMemoryRunStore = (clock: Clock): RunStore => {
  const runs = new Map<string, { json: string; expiresAt: number }>();
  const latest = new Map<string, { id: string; expiresAt: number }>();
  const leases = new Map<string, { owner: string; expiresAt: number }>();
  const dueAt = new Map<string, number>();
  const live = <T extends { expiresAt: number }>(entry: T | undefined) => (entry && entry.expiresAt > clock.now() ? entry : undefined);

  return {
    async save(run) {
      const expiresAt = clock.now() + RUN_RETENTION_MS;
      runs.set(run.id, { json: JSON.stringify(run), expiresAt });
      latest.set(run.subject, { id: run.id, expiresAt });
      if (run.nextAttemptAt) dueAt.set(run.id, Date.parse(run.nextAttemptAt));
      else dueAt.delete(run.id);
    },
    async due(nowMs, limit) {
      return [...dueAt]
        .filter(([id, at]) => at <= nowMs && live(runs.get(id)))
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
    async get(id) {
      const entry = live(runs.get(id));
      return entry ? (JSON.parse(entry.json) as Run) : undefined;
    },
    async latestFor(subject) {
      return live(latest.get(subject))?.id;
    },
    async acquire(subject, owner, leaseMs) {
      if (live(leases.get(subject))) return false;
      leases.set(subject, { owner, expiresAt: clock.now() + leaseMs });
      return true;
    },
    async release(subject, owner) {
      if (leases.get(subject)?.owner === owner) leases.delete(subject);
    },
  };
};
