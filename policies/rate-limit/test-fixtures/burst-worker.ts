/**
 * TEST FIXTURE ONLY (C2): one "gateway process" with its own ioredis client. Loads the script, prints
 * `ready`, waits for a line on stdin, fires `count` concurrent consumes for one key, prints
 * `{"allowed":n,"rejected":m}` and exits.
 * argv: redisUrl keyPrefix key limit windowSeconds count
 */
import { createRedis, waitForRedis } from '../../../shared/redis.js';
import { createRedisRateLimitStore } from '../redis-store.js';

const [url, keyPrefix, key, limit, windowSeconds, count] = process.argv.slice(2) as [string, string, string, string, string, string];
const plan = { limit: Number(limit), windowSeconds: Number(windowSeconds) };
// A generous command timeout: three processes on two cores must not turn slowness into "errors".
const redis = createRedis(url, { commandTimeoutMs: 5_000 });
await waitForRedis(redis);
const store = createRedisRateLimitStore(redis, { keyPrefix });
await store.peek(key, plan); // loads the script on this connection; a peek writes nothing
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void Promise.all(Array.from({ length: Number(count) }, () => store.consume(key, plan))).then((decisions) => {
    const allowed = decisions.filter((d) => d.allowed).length;
    process.stdout.write(`${JSON.stringify({ allowed, rejected: decisions.length - allowed })}\n`);
    redis.disconnect();
    process.stdin.pause();
  });
});
