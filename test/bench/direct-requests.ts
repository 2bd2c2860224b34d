import { composeSystem, planVendors, type DomainPorts } from '../../apis/system/compose-system.js';
import type { Domain } from '../../apis/system/vendors.js';
import { systemClock } from '../../shared/clock.js';
import type { HttpClient, HttpRequest } from '../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../shared/vendor-http/undici-http-client.js';
import { SEED_COMPANIES } from '../../shared/sandbox/seed-companies.js';
import { seededIdOf } from '../../apis/system/xref/seed-xref.js';
import { testCallContext } from '../harness/call-context.js';

export interface DirectRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface DomainRead {
  readonly domain: Domain;
  readonly vendor: string;
  /** The gateway route reading one seeded record. */
  readonly gatewayPath: string;
  /** The vendor request(s) the adapter made for it; the first data request is what the sandbox is measured with directly. */
  readonly vendorRequests: readonly DirectRequest[];
}

const GLOBEX = SEED_COMPANIES[0]!;

/** One system read per domain: the route, and what the adapter sends for it. */
const READS: Record<Domain, { path: (id: string) => string; call: (ports: DomainPorts, id: string) => Promise<unknown> }> = {
  erp: { path: (id) => `/system/v1/erp/customers/${id}`, call: (p, id) => p.erp.getCustomer(id, testCallContext()) },
  crm: { path: (id) => `/system/v1/crm/accounts/${id}`, call: (p, id) => p.crm.getAccount(id, testCallContext()) },
  billing: { path: (id) => `/system/v1/billing/customers/${id}`, call: (p, id) => p.billing.getCustomer(id, testCallContext()) },
  support: { path: (id) => `/system/v1/support/organizations/${id}`, call: (p, id) => p.support.getOrganization(id, testCallContext()) },
};

const TOKEN_PATH = /token|oauth/i;

/**
 * Runs each domain's read once through the real adapters (the default vendors) against the sandbox
 * process, recording the vendor requests they send, so the benchmark can replay exactly those
 * requests at the sandbox directly — the same auth header, path and body the adapter used.
 */
export const recordDomainReads = async (sandboxUrl: string): Promise<DomainRead[]> => {
  const recorded = new Map<string, DirectRequest[]>();
  let current: DirectRequest[] = [];
  const recording = (baseUrl: string): HttpClient => {
    const inner = createUndiciHttpClient({ baseUrl });
    return {
      send: (req: HttpRequest) => {
        const { traceparent: _t, ...headers } = req.headers ?? {};
        current.push({ url: baseUrl + req.path, method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
        return inner.send(req);
      },
      close: () => inner.close(),
    };
  };
  const plan = planVendors({});
  const system = composeSystem(plan, { clock: systemClock, sandboxUrl, createHttpClient: recording });
  const reads: DomainRead[] = [];
  for (const domain of Object.keys(READS) as Domain[]) {
    const vendor = plan.vendors[domain];
    const id = seededIdOf(GLOBEX, vendor)!;
    await READS[domain].call(system.ports, id); // first call: fetches the vendor token too
    current = [];
    await READS[domain].call(system.ports, id);
    recorded.set(domain, current.filter((r) => !TOKEN_PATH.test(new URL(r.url).pathname)));
    reads.push({ domain, vendor, gatewayPath: READS[domain].path(id), vendorRequests: recorded.get(domain)! });
  }
  await system.close();
  return reads;
};
