/**
 * The composition root: env → configuration → Redis → adapters → createApp → serve. Everything
 * with state or I/O is built here, once; handlers get what they need by closure.
 *
 * Sandbox mode is the default: every piece that production configuration does not replace is
 * simulated — vendors by their sandboxes, the OAuth issuer by an embedded oidc-provider, state in
 * memory — each independently of the others.
 */
import { fileURLToPath } from 'node:url';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serve } from '@hono/node-server';
import type { Redis } from 'ioredis';
import { createApp, createStaticDocs } from './app.js';
import { startSandboxServer, type SandboxServer } from './sandbox-server.js';
import { ConfigError, loadGatewayConfig } from '../shared/config/gateway-config.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logging.js';
import { createRedis, waitForRedis } from '../shared/redis.js';
import { createAccessTokenVerifier } from '../policies/oauth/verifier.js';
import { createRemoteKeySource } from '../policies/oauth/remote-key-source.js';
import { createMemoryRateLimitStore } from '../policies/rate-limit/memory-store.js';
import { createRedisRateLimitStore } from '../policies/rate-limit/redis-store.js';
import { startEmbeddedIssuer } from '../shared/sandbox/oauth-issuer.js';
import { DEMO_CLIENTS, SANDBOX_AUDIENCE } from '../shared/sandbox/demo-clients.js';
import { createProcessRuns } from './process/process-runs.js';
import { createMemoryRunStore } from './process/runs/memory-run-store.js';
import { createRedisRunStore } from './process/runs/redis-run-store.js';
import { composeSystem, planVendors } from './system/compose-system.js';
import { createMemoryOutboundBudget, createRedisOutboundBudget } from './system/outbound/outbound-budget.js';
import { createMemoryXref } from './system/xref/memory-xref.js';
import { createRedisXref } from './system/xref/redis-xref.js';
import { seedSandboxXref } from './system/xref/seed-xref.js';

const OPENAPI_DIR = fileURLToPath(new URL('../openapi/', import.meta.url));
/** How long SIGTERM waits for in-flight requests before closing anyway. */
const DRAIN_MS = 10_000;

const main = async () => {
  const env = process.env;
  const config = loadGatewayConfig(env);
  const plan = planVendors(env);
  const logger = createLogger({ level: config.logLevel });
  const clock = systemClock;
  const closers: (() => Promise<unknown>)[] = [];

  // Vendors: configured ones are real; the others are served by the sandboxes (in-process, or an
  // already running sandbox process when SANDBOX_URL is set — the benchmark does that).
  let sandbox: SandboxServer | undefined;
  let sandboxUrl = env.SANDBOX_URL;
  if (plan.sandboxed.length > 0 && !sandboxUrl) {
    sandbox = await startSandboxServer({ port: config.sandboxPort });
    sandboxUrl = sandbox.url;
    closers.push(() => sandbox!.close());
  }

  // OAuth: an external issuer when configured, else the embedded one with the demo clients.
  let oauth = config.oauth;
  if (!oauth) {
    const issuer = await startEmbeddedIssuer({ port: config.issuerPort, audience: SANDBOX_AUDIENCE, clients: DEMO_CLIENTS });
    closers.push(() => issuer.close());
    oauth = { issuer: issuer.issuer, audience: SANDBOX_AUDIENCE, jwksUri: issuer.jwksUri };
  }

  // State: Redis when configured, else memory for one process, said loudly.
  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = createRedis(config.redisUrl);
    redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
    await waitForRedis(redis);
    closers.push(() => redis!.quit());
  } else {
    logger.warn('REDIS_URL is not set: rate limits, the cross-reference and process runs are IN MEMORY — one process only, lost on restart');
  }
  const xref = redis ? createRedisXref(redis) : createMemoryXref();
  await seedSandboxXref(xref, Object.fromEntries(plan.sandboxed.map((domain) => [domain, plan.vendors[domain]])));

  const system = composeSystem(plan, {
    clock,
    logger,
    limitOverrides: config.vendorLimits,
    ...(sandboxUrl ? { sandboxUrl } : {}),
    budgetFor: (limits) => (redis ? createRedisOutboundBudget(redis, limits, clock, logger) : createMemoryOutboundBudget(limits, clock)),
  });
  closers.push(() => system.close());

  // Recorded workflows: their failed runs are resumed in the background, on every gateway process.
  const runs = redis ? createRedisRunStore(redis) : createMemoryRunStore(clock);
  const processRuns = createProcessRuns({ ...system.ports, xref, vendors: plan.vendors, runs, clock, logger });
  processRuns.sweeper.start();
  closers.push(() => processRuns.sweeper.stop());

  let ready = true;
  const app = createApp({
    config,
    logger,
    clock,
    ...system.ports,
    vendors: plan.vendors,
    xref,
    runs,
    processRuns,
    verifier: createAccessTokenVerifier({ issuer: oauth.issuer, audience: oauth.audience, keys: createRemoteKeySource({ jwksUri: oauth.jwksUri, clock }), clock }),
    rateLimitStore: redis ? createRedisRateLimitStore(redis) : createMemoryRateLimitStore(clock),
    fallbackRateLimitStore: createMemoryRateLimitStore(clock),
    clientAddress: (c) => getConnInfo(c).remote.address ?? 'unknown',
    docs: createStaticDocs(OPENAPI_DIR),
    isReady: () => ready,
  });

  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: {
      // Slow-loris defence (RELIABILITY.md B10): Node's default requestTimeout is 300 s.
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
  });
  server.once('listening', () =>
    logger.info(
      {
        url: `http://${config.host}:${config.port}`,
        mode: { vendors: plan.vendors, sandboxed: plan.sandboxed, ...(sandboxUrl ? { sandbox: sandboxUrl } : {}), oauth: config.oauth ? 'external issuer' : `embedded issuer at ${oauth.issuer}`, state: redis ? 'redis' : 'memory' },
      },
      'strata gateway listening',
    ),
  );

  const shutdown = (signal: string) => {
    if (!ready) return;
    ready = false;
    logger.info({ signal }, 'draining');
    const force = setTimeout(() => process.exit(1), DRAIN_MS).unref();
    server.close(async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      clearTimeout(force);
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open; in-flight requests finish first.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('start-up failed:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
