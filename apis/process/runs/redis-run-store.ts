import type { Redis } from 'ioredis';
import { AppError } from '../../../shared/errors.js';
import { RUN_RETENTION_MS, type Run } from './run.js';
import type { RunStore } from './run-store.js';

/** Deletes the lease only if the caller still holds it (a lease that expired and was retaken is not ours). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const unavailable = (cause: unknown): never => {
  throw new AppError('dependency.unavailable', { retryAfterSeconds: 5, cause });
};

/**
 * Keys (owner: process workflows), each with a TTL:
 * `run:<id>` → the run as JSON (RUN_RETENTION_MS after its last change);
 * `run:latest:<subject>` → the subject's latest run id (same retention);
 * `run:lease:<subject>` → the execution holding the subject (its lease).
 */
export const createRedisRunStore = (redis: Redis, options: { keyPrefix?: string } = {}): RunStore => {
  const prefix = options.keyPrefix ?? 'run:';
  const runKey = (id: string) => `${prefix}${id}`;
  const latestKey = (subject: string) => `${prefix}latest:${subject}`;
  const leaseKey = (subject: string) => `${prefix}lease:${subject}`;
  return {
    async save(run) {
      await redis
        .multi()
        .set(runKey(run.id), JSON.stringify(run), 'PX', RUN_RETENTION_MS)
        .set(latestKey(run.subject), run.id, 'PX', RUN_RETENTION_MS)
        .exec()
        .then((replies) => {
          const failed = replies?.find(([error]) => error);
          if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
        })
        .catch(unavailable);
    },
    async get(id) {
      const json = await redis.get(runKey(id)).catch(unavailable);
      return json ? (JSON.parse(json) as Run) : undefined;
    },
    async latestFor(subject) {
      return (await redis.get(latestKey(subject)).catch(unavailable)) ?? undefined;
    },
    async acquire(subject, owner, leaseMs) {
      return (await redis.set(leaseKey(subject), owner, 'PX', leaseMs, 'NX').catch(unavailable)) === 'OK';
    },
    async release(subject, owner) {
      await redis.eval(RELEASE_SCRIPT, 1, leaseKey(subject), owner).catch(unavailable);
    },
  };
};
