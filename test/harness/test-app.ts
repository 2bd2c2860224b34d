import { request as httpRequestRaw } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { expect } from 'vitest';
import { createApp, type AppDeps } from '../../apis/app.js';
import { startSandboxServer, type SandboxServer } from '../../apis/sandbox-server.js';
import { createProcessRuns, type ProcessRuns } from '../../apis/process/process-runs.js';
import { createMemoryRunStore } from '../../apis/process/runs/memory-run-store.js';
import { composeSystem, planVendors } from '../../apis/system/compose-system.js';
import { createMemoryOutboundBudget } from '../../apis/system/outbound/outbound-budget.js';
import { createMemoryXref } from '../../apis/system/xref/memory-xref.js';
import { seedSandboxXref } from '../../apis/system/xref/seed-xref.js';
import { createStaticDocs } from '../../apis/static-docs.js';
import { createAccessTokenVerifier } from '../../policies/oauth/verifier.js';
import { createMemoryRateLimitStore } from '../../policies/rate-limit/memory-store.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { loadGatewayConfig, type GatewayConfig } from '../../shared/config/gateway-config.js';
import { createLogger } from '../../shared/logging.js';
import type { VendorLimits } from '../../shared/resilience/outbound-budget.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.js';
import { createTestKeys, type ClaimOverrides, type TestKeys } from './test-tokens.js';

export interface TestAppOptions {
  readonly clock?: Clock;
  /** Replaces parts of the default (sandbox-mode) configuration. */
  readonly config?: Partial<Pick<GatewayConfig, 'rateLimit' | 'versions' | 'corsOrigins' | 'routeDeadlineMs' | 'bodyLimitBytes'>>;
  /** Replaces any dependency, e.g. a Redis rate-limit store or a fake port. */
  readonly deps?: Partial<AppDeps>;
  /** Vendor choice per domain, as the gateway reads it (`{ ERP_VENDOR: 'sap-s4hana' }`); defaults otherwise. */
  readonly vendors?: Readonly<Record<string, string>>;
  /** Outbound limits replacing vendors' published ones (`STRATA_CONFIG.vendorLimits`). */
  readonly vendorLimits?: Readonly<Record<string, VendorLimits>>;
}

export type SandboxVendor = 'netsuite' | 'salesforce' | 'sap-s4hana' | 'dynamics-bc' | 'hubspot' | 'stripe' | 'chargebee' | 'zendesk' | 'servicenow';

/** What a vendor sandbox recorded of one request (NetSuite keeps selected headers; Salesforce none). */
export interface VendorRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The app served over real HTTP on loopback (for what `app.request` cannot send: TRACE, duplicate headers, a socket peer). */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface TestApp {
  readonly app: ReturnType<typeof createApp>;
  readonly keys: TestKeys;
  readonly sandbox: SandboxServer;
  /** The app's recorded workflows; `processRuns.sweeper.sweepOnce()` resumes the failed runs that are due. */
  readonly processRuns: ProcessRuns;
  /** Every log line the gateway wrote, raw. */
  readonly logs: string[];
  /** A valid access token for `client_id` `crm-integration` with the given scopes. */
  token(scope: string, claims?: ClaimOverrides): Promise<string>;
  /** `app.request` with a bearer token carrying `scope`. */
  get(path: string, scope: string, init?: RequestInit): Promise<Response>;
  post(path: string, scope: string, body: unknown, init?: RequestInit): Promise<Response>;
  /** Arms a fault on one vendor sandbox (`POST /__sandbox/faults`). */
  fault(vendor: SandboxVendor, fault: Record<string, unknown>): Promise<void>;
  /** How many requests the vendor sandbox has seen (token requests included). */
  vendorCalls(vendor: SandboxVendor): Promise<number>;
  /** Requests per vendor path (`/services/rest/record/v1/customer/8812` → 1). */
  vendorCallsByPath(vendor: SandboxVendor): Promise<Record<string, number>>;
  /** The requests the vendor sandbox recorded, oldest first. */
  vendorRequests(vendor: SandboxVendor): Promise<VendorRequest[]>;
  /** Disarms every fault on the given sandboxes (`DELETE /__sandbox/faults`); both when none is named. */
  clearFaults(...vendors: SandboxVendor[]): Promise<void>;
  /** Serves the app over real HTTP on 127.0.0.1 (closed with the test app). */
  listen(): Promise<TestServer>;
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
  // Only the vendor choice is read from `vendors`: every vendor is its sandbox.
  const plan = planVendors(options.vendors ?? {});
  const system = composeSystem(plan, {
    clock,
    logger,
    sandboxUrl: sandbox.url,
    budgetFor: (limits) => createMemoryOutboundBudget(limits, clock),
    ...(options.vendorLimits ? { limitOverrides: options.vendorLimits } : {}),
  });
  const xref = createMemoryXref();
  await seedSandboxXref(xref, plan.vendors);
  const runs = options.deps?.runs ?? createMemoryRunStore(clock);
  // Built here so that tests can sweep failed runs (the server starts the sweeper on a timer).
  const processRuns = createProcessRuns({ ...system.ports, xref, vendors: plan.vendors, runs, clock, logger });
  const base = loadGatewayConfig({});
  const servers: TestServer[] = [];

  const app = createApp({
    // As in loadGatewayConfig, the v1 of every layer exists unless the override says otherwise.
    config: { ...base, ...options.config, versions: { ...base.versions, ...options.config?.versions } },
    logger,
    clock,
    ...system.ports,
    vendors: plan.vendors,
    runs,
    processRuns,
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
    processRuns,
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
    vendorCallsByPath: async (vendor) => {
      const stats = (await (await fetch(`${sandbox.url}/${vendor}/__sandbox/stats`)).json()) as { byPath: Record<string, number> };
      return stats.byPath;
    },
    vendorRequests: async (vendor) => {
      const r = await fetch(`${sandbox.url}/${vendor}/__sandbox/requests`);
      if (!r.ok) throw new Error(`sandbox ${vendor} has no request log: ${r.status}`);
      return ((await r.json()) as { requests: VendorRequest[] }).requests;
    },
    clearFaults: async (...vendors) => {
      for (const vendor of vendors.length > 0 ? vendors : (['netsuite', 'salesforce'] as const)) {
        const r = await fetch(`${sandbox.url}/${vendor}/__sandbox/faults`, { method: 'DELETE' });
        if (!r.ok) throw new Error(`sandbox refused to clear faults: ${r.status}`);
      }
    },
    listen: async () => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const handle: TestServer = {
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((resolve) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => resolve());
          }),
      };
      servers.push(handle);
      return handle;
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await system.close();
      await sandbox.close();
    },
  };
};

/**
 * The TCP peer as the production composition root reads it (`getConnInfo`); for apps driven through
 * `listen()`: `createTestApp({ deps: { clientAddress: socketPeerAddress } })`.
 */
export const socketPeerAddress = (c: Context<AppEnv>): string => getConnInfo(c).remote.address ?? 'unknown';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One request with node:http, which (unlike fetch) sends any method (TRACE), repeated headers as given
 * (`[['authorization', a], ['authorization', b]]`) and can pick its source address on loopback.
 */
export const rawRequest = (
  url: string,
  options: { method?: string; headers?: readonly (readonly [string, string])[]; body?: string; localAddress?: string } = {},
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequestRaw(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        // Raw header lists are sent as given, so Host has to be in them.
        headers: [['host', target.host] as const, ...(options.headers ?? [])].flatMap(([name, value]) => [name, value]),
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

/**
 * Asserts an RFC 9457 problem: status, `application/problem+json`, `code`, `type` (when given), a
 * `traceId` equal to the `x-request-id` header, and `Cache-Control: no-store`. Returns the parsed body
 * and its raw text (for "never echoed" checks).
 */
export const expectProblem = async (res: Response, status: number, code: string, type?: string): Promise<{ body: Record<string, unknown>; text: string }> => {
  const text = await res.text();
  expect({ status: res.status, contentType: res.headers.get('content-type') }).toEqual({ status, contentType: PROBLEM_CONTENT_TYPE });
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  if (type !== undefined) expect(body.type).toBe(type);
  expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(body.traceId).toBe(res.headers.get('x-request-id'));
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { body, text };
};

/** Problem `type` URIs, spelled out so a changed catalogue entry fails a test. */
export const strataType = (slug: string): string => `https://strata.dev/problems/${slug}`;
export const ianaType = (slug: string): string => `https://iana.org/assignments/http-problem-types#${slug}`;
