/**
 * Benchmark fixture: the same layer routers and adapters as the gateway, with the policy chain off
 * (only the request context the handlers need, and the error handler), plus a bare Hono route.
 * It is the baseline the whole chain is measured against; it is never part of the product.
 */
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { createLayerRouters } from '../../apis/layers.js';
import { createSalesforceCrmAdapter } from '../../apis/system/crm/salesforce/adapter.js';
import { sandboxSalesforceConfig } from '../../apis/system/crm/salesforce/config.js';
import { createNetsuiteErpAdapter } from '../../apis/system/erp/netsuite/adapter.js';
import { sandboxNetsuiteConfig } from '../../apis/system/erp/netsuite/config.js';
import { createMemoryXref } from '../../apis/system/xref/memory-xref.js';
import { seedSandboxXref } from '../../apis/system/xref/seed-xref.js';
import { LAYER_VERSIONS } from '../../openapi/documents.js';
import { requestContext } from '../../policies/request-context/request-context.js';
import { systemClock } from '../../shared/clock.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { notFound, onError } from '../../shared/http/on-error.js';
import { createLogger } from '../../shared/logging.js';
import { createUndiciHttpClient } from '../../shared/vendor-http/undici-http-client.js';

const sandboxUrl = process.env.SANDBOX_URL!;
const port = Number(process.env.PORT);
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const clock = systemClock;
const xref = createMemoryXref();
await seedSandboxXref(xref);

const netsuite = sandboxNetsuiteConfig(`${sandboxUrl}/netsuite`);
const salesforce = sandboxSalesforceConfig(`${sandboxUrl}/salesforce`);
const layers = createLayerRouters({
  erp: createNetsuiteErpAdapter(netsuite, { http: createUndiciHttpClient({ baseUrl: netsuite.baseUrl, connections: 16 }), clock, logger }),
  crm: createSalesforceCrmAdapter(salesforce, { http: createUndiciHttpClient({ baseUrl: salesforce.baseUrl, connections: 16 }), clock, logger }),
  xref,
  crmVendor: 'salesforce',
  clock,
});

const app = new OpenAPIHono<AppEnv>();
app.onError(onError);
app.notFound(notFound);
app.get('/bare', (c) => c.json({ ok: true }));
app.use('*', requestContext({ logger, clock, deadlineMs: 5_000 }));
for (const lv of LAYER_VERSIONS) app.route(`/${lv}`, layers[lv]);

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.error(JSON.stringify({ msg: 'policy-free server listening', port })));
process.on('SIGTERM', () => process.exit(0));
