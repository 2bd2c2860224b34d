/**
 * Benchmark fixture: the same layer routers and adapters as the gateway, with the policy chain off
 * (only the request context the handlers need, and the error handler), plus a bare Hono route.
 * It is the baseline the whole chain is measured against; it is never part of the product.
 */
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { createLayerRouters } from '../../apis/layers.js';
import { createMemoryRunStore } from '../../apis/process/runs/memory-run-store.js';
import { composeSystem, planVendors } from '../../apis/system/compose-system.js';
import { createMemoryXref } from '../../apis/system/xref/memory-xref.js';
import { seedSandboxXref } from '../../apis/system/xref/seed-xref.js';
import { createMemoryOutboundBudget, createRedisOutboundBudget } from '../../apis/system/outbound/outbound-budget.js';
import { createRedis, waitForRedis } from '../../shared/redis.js';
import { LAYER_VERSIONS } from '../../openapi/documents.js';
import { requestContext } from '../../policies/request-context/request-context.js';
import { systemClock } from '../../shared/clock.js';
import { loadGatewayConfig } from '../../shared/config/gateway-config.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { notFound, onError } from '../../shared/http/on-error.js';
import { createLogger } from '../../shared/logging.js';

const sandboxUrl = process.env.SANDBOX_URL!;
const port = Number(process.env.PORT);
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const clock = systemClock;
// The same vendors as the gateway's (the defaults), against the same sandbox process, and the same
// outbound budget (it belongs to the adapters, not to the policy chain).
const plan = planVendors({});
const redis = process.env.REDIS_URL ? createRedis(process.env.REDIS_URL) : undefined;
if (redis) await waitForRedis(redis);
const system = composeSystem(plan, {
  clock,
  logger,
  sandboxUrl,
  limitOverrides: loadGatewayConfig(process.env).vendorLimits,
  budgetFor: (limits) => (redis ? createRedisOutboundBudget(redis, limits, clock, logger) : createMemoryOutboundBudget(limits, clock)),
});
const xref = createMemoryXref();
await seedSandboxXref(xref, plan.vendors);
const layers = createLayerRouters({ ...system.ports, xref, runs: createMemoryRunStore(clock), vendors: plan.vendors, clock });

const app = new OpenAPIHono<AppEnv>();
app.onError(onError);
app.notFound(notFound);
app.get('/bare', (c) => c.json({ ok: true }));
app.use('*', requestContext({ logger, clock, deadlineMs: 5_000 }));
for (const lv of LAYER_VERSIONS) app.route(`/${lv}`, layers[lv]);

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.error(JSON.stringify({ msg: 'policy-free server listening', port })));
process.on('SIGTERM', () => process.exit(0));
