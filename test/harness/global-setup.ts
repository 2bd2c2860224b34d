import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Redis for the integration suites: started here on a free port, or REDIS_URL when given. */
    redisUrl: string;
  }
}

/** One private redis-server for the whole run; suites isolate themselves by key prefix or FLUSHDB on their own DB index. */
export default async function setup(project: TestProject) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  const redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
