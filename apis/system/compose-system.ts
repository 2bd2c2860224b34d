import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import { ConfigError } from '../../shared/config/gateway-config.js';
import type { OutboundBudget, VendorLimits } from '../../shared/resilience/outbound-budget.js';
import type { HttpClient } from '../../shared/vendor-http/http-client.js';
import { createUndiciHttpClient } from '../../shared/vendor-http/undici-http-client.js';
import type { BillingPort } from './billing/contract.js';
import type { CrmPort } from './crm/contract.js';
import type { ErpPort } from './erp/contract.js';
import type { SupportPort } from './support/contract.js';
import { DEFAULT_VENDORS, DOMAINS, VENDORS, VENDOR_ENV, type Domain, type VendorDefinition } from './vendors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DomainPorts {
  readonly erp: ErpPort;
  readonly crm: CrmPort;
  readonly billing: BillingPort;
  readonly support: SupportPort;
}

/** Which vendor serves each domain, and whether it is the real one (configured) or its sandbox. */
export interface VendorPlan {
  readonly vendors: Readonly<Record<Domain, string>>;
  /** Domains whose vendor is not configured: served by the sandbox. */
  readonly sandboxed: readonly Domain[];
  readonly configs: Readonly<Record<Domain, { readonly baseUrl: string } | undefined>>;
}

type AnyVendor = VendorDefinition<{ readonly baseUrl: string }, unknown>;
const definitionOf = (domain: Domain, vendor: string) => (VENDORS[domain] as unknown as Record<string, AnyVendor>)[vendor]!;

/**
 * Reads `ERP_VENDOR`, `CRM_VENDOR`, `BILLING_VENDOR`, `SUPPORT_VENDOR` (defaults: netsuite, salesforce,
 * stripe, zendesk) and each chosen vendor's own configuration. An unknown vendor, or a vendor whose
 * configuration is incomplete, stops start-up with a message naming the key.
 */
export const planVendors = (env: Env): VendorPlan => {
  const vendors = {} as Record<Domain, string>;
  const configs = {} as Record<Domain, { readonly baseUrl: string } | undefined>;
  for (const domain of DOMAINS) {
    const key = VENDOR_ENV[domain];
    const name = env[key] ?? DEFAULT_VENDORS[domain];
    const supported = Object.keys(VENDORS[domain]);
    if (!supported.includes(name)) throw new ConfigError(`Invalid configuration: ${key}: "${name}" is not supported (supported: ${supported.join(', ')})`);
    vendors[domain] = name;
    configs[domain] = definitionOf(domain, name).load(env);
  }
  return { vendors, configs, sandboxed: DOMAINS.filter((d) => !configs[d]) };
};

export interface ComposeSystemDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Where the sandboxes answer (`http://127.0.0.1:8081`); required when a domain is sandboxed. */
  readonly sandboxUrl?: string;
  /** Builds the shared outbound budget once the limits of the chosen vendors are known. */
  readonly budgetFor?: (limits: Readonly<Record<string, VendorLimits>>) => OutboundBudget;
  /** Limits replacing a vendor's published defaults (`STRATA_CONFIG.vendorLimits`). */
  readonly limitOverrides?: Readonly<Record<string, VendorLimits>>;
  /** The HTTP client for one vendor base URL; default an undici keep-alive pool (the benchmark wraps it to record requests). */
  readonly createHttpClient?: (baseUrl: string) => HttpClient;
}

/**
 * Builds one adapter per domain from the plan, each with its own keep-alive pool (the vendor's
 * bulkhead) and the shared outbound budget. `close()` closes every pool.
 */
export const composeSystem = (plan: VendorPlan, deps: ComposeSystemDeps) => {
  const clients: HttpClient[] = [];
  const resolved = DOMAINS.map((domain) => {
    const definition = definitionOf(domain, plan.vendors[domain]);
    if (!plan.configs[domain] && !deps.sandboxUrl) throw new Error(`composeSystem: ${domain} is sandboxed but no sandbox URL was given`);
    const config = plan.configs[domain] ?? definition.sandbox(`${deps.sandboxUrl}/${plan.vendors[domain]}`);
    return { domain, vendor: plan.vendors[domain], definition, config };
  });
  const limits = Object.fromEntries(resolved.map((r) => [r.vendor, deps.limitOverrides?.[r.vendor] ?? r.definition.limits(r.config)]));
  const budget = deps.budgetFor?.(limits);
  const adapterDeps = {
    clock: deps.clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(budget ? { budget } : {}),
    httpFor: (baseUrl: string) => {
      const client = deps.createHttpClient?.(baseUrl) ?? createUndiciHttpClient({ baseUrl, connections: 16 });
      clients.push(client);
      return client;
    },
  };
  const ports = Object.fromEntries(resolved.map((r) => [r.domain, r.definition.create(r.config, adapterDeps)])) as unknown as DomainPorts;
  return { ports, limits, close: async () => void (await Promise.all(clients.map((c) => c.close()))) };
};
