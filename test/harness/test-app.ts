import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../apis/app.js';
import { startSandboxServer, type SandboxServer } from '../../apis/sandbox-server.js';
import { createSalesforceCrmAdapter } from '../../apis/system/crm/salesforce/adapter.js';
import { sandboxSalesforceConfig } from '../../apis/system/crm/salesforce/config.js';
import { createNetsuiteErpAdapter } from '../../apis/system/erp/netsuite/adapter.js';
import { sandboxNetsuiteConfig } from '../../apis/system/erp/netsuite/config.js';
import { createMemoryXref } from '../../apis/system/xref/memory-xref.js';
import { seedSandboxXref } from '../../apis/system/xref/seed-xref.js';
import { createStaticDocs } from '../../apis/static-docs.js';
import { createAccessTokenVerifier } from '../../policies/oauth/verifier.js';
import { createMemoryRateLimitStore } from '../../policies/rate-limit/memory-store.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { loadGatewayConfig, type GatewayConfig } from '../../shared/config/gateway-config.js';
import { createLogger } from '../../shared/logging.js';
import type { HttpClient } from '../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../shared/vendor-http/undici-http-client.js';
import { createTestKeys, type ClaimOverrides, type TestKeys } from './test-tokens.js';

export interface TestAppOptions {
  readonly clock?: Clock;
  /** Replaces parts of the default (sandbox-mode) configuration. */
  readonly config?: Partial<Pick<GatewayConfig, 'rateLimit' | 'versions' | 'corsOrigins' | 'routeDeadlineMs' | 'bodyLimitBytes'>>;
  /** Replaces any dependency, e.g. a Redis rate-limit store or a fake port. */
  readonly deps?: Partial<AppDeps>;
}

export interface TestApp {
  readonly app: ReturnType<typeof createApp>;
  readonly keys: TestKeys;
  readonly sandbox: SandboxServer;
  /** Every log line the gateway wrote, raw. */
  readonly logs: string[];
  /** A valid access token for `client_id` `crm-integration` with the given scopes. */
  token(scope: string, claims?: ClaimOverrides): Promise<string>;
  /** `app.request` with a bearer token carrying `scope`. */
  get(path: string, scope: string, init?: RequestInit): Promise<Response>;
  post(path: string, scope: string, body: unknown, init?: RequestInit): Promise<Response>;
  /** Arms a fault on one vendor sandbox (`POST /__sandbox/faults`). */
  fault(vendor: 'netsuite' | 'salesforce', fault: Record<string, unknown>): Promise<void>;
  /** How many requests the vendor sandbox has seen (token requests included). */
  vendorCalls(vendor: 'netsuite' | 'salesforce'): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real app with the real policy chain: tokens signed by a test key (no auth bypass), adapters
 * talking to the vendor sandboxes over real HTTP on loopback, in-memory state unless `deps` says
 * otherwise. Route tests drive it with `app.request()`.
 */
export const createTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const clock = options.clock ?? systemClock;
  const keys = await createTestKeys({ clock });
  const sandbox = await startSandboxServer({ port: 0 });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const netsuite = sandboxNetsuiteConfig(`${sandbox.url}/netsuite`);
  const salesforce = sandboxSalesforceConfig(`${sandbox.url}/salesforce`);
  const clients: HttpClient[] = [createUndiciHttpClient({ baseUrl: netsuite.baseUrl }), createUndiciHttpClient({ baseUrl: salesforce.baseUrl })];
  const xref = createMemoryXref();
  await seedSandboxXref(xref);
  const base = loadGatewayConfig({});

  const app = createApp({
    config: { ...base, ...options.config },
    logger,
    clock,
    erp: createNetsuiteErpAdapter(netsuite, { http: clients[0]!, clock, logger }),
    crm: createSalesforceCrmAdapter(salesforce, { http: clients[1]!, clock, logger }),
    crmVendor: 'salesforce',
    xref,
    verifier: createAccessTokenVerifier({ issuer: keys.issuer, audience: keys.audience, keys: keys.keySource, clock }),
    rateLimitStore: createMemoryRateLimitStore(clock),
    fallbackRateLimitStore: createMemoryRateLimitStore(clock),
    clientAddress: () => '198.51.100.7',
    docs: createStaticDocs(fileURLToPath(new URL('../../openapi/', import.meta.url))),
    ...options.deps,
  });

  const token = (scope: string, claims: ClaimOverrides = {}) => keys.mint({ scope, client_id: 'crm-integration', sub: 'crm-integration', ...claims });
  const withAuth = async (scope: string, init: RequestInit = {}) => ({
    ...init,
    headers: { authorization: `Bearer ${await token(scope)}`, ...(init.headers as Record<string, string> | undefined) },
  });
  return {
    app,
    keys,
    sandbox,
    logs,
    token,
    get: async (path, scope, init) => app.request(path, await withAuth(scope, init)),
    post: async (path, scope, body, init) =>
      app.request(path, await withAuth(scope, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init, headers: { 'content-type': 'application/json', ...(init?.headers as Record<string, string> | undefined) } })),
    fault: async (vendor, fault) => {
      const r = await fetch(`${sandbox.url}/${vendor}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
      if (!r.ok) throw new Error(`sandbox refused fault ${JSON.stringify(fault)}: ${r.status}`);
    },
    vendorCalls: async (vendor) => {
      const stats = (await (await fetch(`${sandbox.url}/${vendor}/__sandbox/stats`)).json()) as { total: number };
      return stats.total;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
    },
  };
};
