import type { Redis } from 'ioredis';
import { storeUnavailable } from '../../../shared/redis.js';
import { RUN_RETENTION_MS, type Run } from './run.js';
import type { RunStore } from './run-store.js';

/** Deletes the lease only if the caller still holds it (a lease that expired and was retaken is not ours). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;


/**
 * Keys (owner: process workflows), each with a TTL:
 * `run:<id>` → the run as JSON (RUN_RETENTION_MS after its last change);
 * `run:latest:<subject>` → the subject's latest run id (same retention);
 * `run:lease:<subject>` → the execution holding the subject (its lease);
 * `run:due` → sorted set of failed run ids by next attempt (epoch ms); an id leaves it when its run is
 * saved without one, and entries older than the retention are trimmed on each save.
 */
export const createRedisRunStore = (redis: Redis, options: { keyPrefix?: string } = {}): RunStore => {
  const prefix = options.keyPrefix ?? 'run:';
  const runKey = (id: string) => `${prefix}${id}`;
  const latestKey = (subject: string) => `${prefix}latest:${subject}`;
  const leaseKey = (subject: string) => `${prefix}lease:${subject}`;
  const dueKey = `${prefix}due`;
  return {
    async save(run) {
      const tx = redis
        .multi()
        .set(runKey(run.id), JSON.stringify(run), 'PX', RUN_RETENTION_MS)
        .set(latestKey(run.subject), run.id, 'PX', RUN_RETENTION_MS);
      if (run.nextAttemptAt) tx.zadd(dueKey, Date.parse(run.nextAttemptAt), run.id);
      else tx.zrem(dueKey, run.id);
      // A run whose record expired while due would otherwise stay in the set for ever.
      tx.zremrangebyscore(dueKey, '-inf', Date.parse(run.updatedAt) - RUN_RETENTION_MS);
      await tx
        .exec()
        .then((replies) => {
          const failed = replies?.find(([error]) => error);
          if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
        })
        .catch(storeUnavailable);
    },
    async get(id) {
      const json = await redis.get(runKey(id)).catch(storeUnavailable);
      return json ? (JSON.parse(json) as Run) : undefined;
    },
    async latestFor(subject) {
      return (await redis.get(latestKey(subject)).catch(storeUnavailable)) ?? undefined;
    },
    async due(nowMs, limit) {
      return redis.zrangebyscore(dueKey, '-inf', nowMs, 'LIMIT', 0, limit).catch(storeUnavailable);
    },
    async acquire(subject, owner, leaseMs) {
      return (await redis.set(leaseKey(subject), owner, 'PX', leaseMs, 'NX').catch(storeUnavailable)) === 'OK';
    },
    async release(subject, owner) {
      await redis.eval(RELEASE_SCRIPT, 1, leaseKey(subject), owner).catch(storeUnavailable);
    },
  };
};
