/**
 * Every vendor adapter the system layer ships, per domain: how its configuration is read (or made
 * for its sandbox), its published limits, how its adapter and its sandbox are built. Which vendor
 * serves a domain is configuration (`ERP_VENDOR`, …), chosen in the composition root only; nothing
 * above the system contracts knows the vendor.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import type { OutboundBudget, VendorLimits } from '../../shared/resilience/outbound-budget.js';
import type { HttpClient } from '../../shared/vendor-http/http-client.js';
import type { BillingPort } from './billing/contract.js';
import { createChargebeeBillingAdapter } from './billing/chargebee/adapter.js';
import { chargebeeLimits, loadChargebeeConfig, sandboxChargebeeConfig } from './billing/chargebee/config.js';
import { createChargebeeSandbox } from './billing/chargebee/sandbox.js';
import { createStripeBillingAdapter } from './billing/stripe/adapter.js';
import { loadStripeConfig, sandboxStripeConfig, stripeLimitsFor } from './billing/stripe/config.js';
import { createStripeSandbox } from './billing/stripe/sandbox.js';
import type { CrmPort } from './crm/contract.js';
import { createHubspotCrmAdapter } from './crm/hubspot/adapter.js';
import { HUBSPOT_LIMITS, loadHubspotConfig, sandboxHubspotConfig } from './crm/hubspot/config.js';
import { createHubspotSandbox } from './crm/hubspot/sandbox.js';
import { createSalesforceCrmAdapter } from './crm/salesforce/adapter.js';
import { SALESFORCE_LIMITS, loadSalesforceConfig, sandboxSalesforceConfig } from './crm/salesforce/config.js';
import { createSalesforceSandbox } from './crm/salesforce/sandbox.js';
import type { ErpPort } from './erp/contract.js';
import { createDynamicsBcErpAdapter } from './erp/dynamics-bc/adapter.js';
import { DYNAMICS_BC_LIMITS, loadDynamicsBcConfig, sandboxDynamicsBcConfig, tokenEndpointOf } from './erp/dynamics-bc/config.js';
import { createDynamicsBcSandbox } from './erp/dynamics-bc/sandbox.js';
import { createNetsuiteErpAdapter } from './erp/netsuite/adapter.js';
import { NETSUITE_LIMITS, loadNetsuiteConfig, sandboxNetsuiteConfig } from './erp/netsuite/config.js';
import { createNetsuiteSandbox } from './erp/netsuite/sandbox.js';
import { createSapS4hanaErpAdapter } from './erp/sap-s4hana/adapter.js';
import { SAP_S4HANA_LIMITS, loadSapS4hanaConfig, sandboxSapS4hanaConfig } from './erp/sap-s4hana/config.js';
import { createSapS4hanaSandbox } from './erp/sap-s4hana/sandbox.js';
import type { SupportPort } from './support/contract.js';
import { createServicenowSupportAdapter } from './support/servicenow/adapter.js';
import { SERVICENOW_LIMITS, loadServicenowConfig, sandboxServicenowConfig } from './support/servicenow/config.js';
import { createServicenowSandbox } from './support/servicenow/sandbox.js';
import { createZendeskSupportAdapter } from './support/zendesk/adapter.js';
import { loadZendeskConfig, sandboxZendeskConfig } from './support/zendesk/config.js';
import { createZendeskSandbox } from './support/zendesk/sandbox.js';

export interface AdapterDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly budget?: OutboundBudget;
  /** A keep-alive undici client for one vendor origin (+ path prefix), built once and closed at shutdown. */
  httpFor(baseUrl: string): HttpClient;
}

type Env = Readonly<Record<string, string | undefined>>;

export interface VendorDefinition<Config extends { readonly baseUrl: string }, Port> {
  /** The real vendor's configuration from the environment; undefined when it is not configured. */
  load(env: Env): Config | undefined;
  /** Configuration pointing at this vendor's sandbox under `baseUrl` (`…/<vendor>`). */
  sandbox(baseUrl: string): Config;
  limits(config: Config): VendorLimits;
  create(config: Config, deps: AdapterDeps): Port;
  /** The vendor simulator, speaking its wire format; `publicBaseUrl` is where it is reachable. */
  // Each sandbox is a Hono app with its own (vendor-private) environment type; the server only mounts it.
  sandboxApp(publicBaseUrl: string): Hono<any, any, any>;
}

const vendor = <Config extends { readonly baseUrl: string }, Port>(d: VendorDefinition<Config, Port>) => d;
const direct = (deps: AdapterDeps, config: { baseUrl: string }) => ({
  http: deps.httpFor(config.baseUrl),
  clock: deps.clock,
  ...(deps.logger ? { logger: deps.logger } : {}),
  ...(deps.budget ? { budget: deps.budget } : {}),
});

export const VENDORS = {
  erp: {
    netsuite: vendor<ReturnType<typeof sandboxNetsuiteConfig>, ErpPort>({
      load: loadNetsuiteConfig,
      sandbox: (base) => sandboxNetsuiteConfig(base),
      limits: (c) => c.limits ?? NETSUITE_LIMITS,
      create: (c, deps) => createNetsuiteErpAdapter(c, direct(deps, c)),
      sandboxApp: () => createNetsuiteSandbox({}),
    }),
    'sap-s4hana': vendor<ReturnType<typeof sandboxSapS4hanaConfig>, ErpPort>({
      load: loadSapS4hanaConfig,
      sandbox: (base) => sandboxSapS4hanaConfig(base),
      limits: () => SAP_S4HANA_LIMITS,
      create: (c, deps) => createSapS4hanaErpAdapter(c, direct(deps, c)),
      sandboxApp: () => createSapS4hanaSandbox({}),
    }),
    'dynamics-bc': vendor<ReturnType<typeof sandboxDynamicsBcConfig>, ErpPort>({
      load: loadDynamicsBcConfig,
      sandbox: (base) => sandboxDynamicsBcConfig(base),
      limits: () => DYNAMICS_BC_LIMITS,
      create: (c, deps) => {
        // Entra's token endpoint lives on another host than the API, unless it sits under the base (sandbox).
        const token = tokenEndpointOf(c);
        return createDynamicsBcErpAdapter(c, { ...direct(deps, c), ...(token.sharesApiClient ? {} : { tokenHttp: deps.httpFor(token.origin) }) });
      },
      sandboxApp: () => createDynamicsBcSandbox({}),
    }),
  },
  crm: {
    salesforce: vendor<ReturnType<typeof sandboxSalesforceConfig>, CrmPort>({
      load: loadSalesforceConfig,
      sandbox: (base) => sandboxSalesforceConfig(base),
      limits: () => SALESFORCE_LIMITS,
      create: (c, deps) => createSalesforceCrmAdapter(c, direct(deps, c)),
      sandboxApp: (publicBaseUrl) => createSalesforceSandbox({ publicBaseUrl }),
    }),
    hubspot: vendor<ReturnType<typeof sandboxHubspotConfig>, CrmPort>({
      load: loadHubspotConfig,
      sandbox: (base) => sandboxHubspotConfig(base),
      limits: () => HUBSPOT_LIMITS,
      create: (c, deps) => createHubspotCrmAdapter(c, direct(deps, c)),
      sandboxApp: () => createHubspotSandbox({}),
    }),
  },
  billing: {
    stripe: vendor<ReturnType<typeof sandboxStripeConfig>, BillingPort>({
      load: loadStripeConfig,
      sandbox: (base) => sandboxStripeConfig(base),
      limits: (c) => stripeLimitsFor(c),
      create: (c, deps) => createStripeBillingAdapter(c, direct(deps, c)),
      sandboxApp: () => createStripeSandbox({}),
    }),
    chargebee: vendor<ReturnType<typeof sandboxChargebeeConfig>, BillingPort>({
      load: loadChargebeeConfig,
      sandbox: (base) => sandboxChargebeeConfig(base),
      limits: (c) => chargebeeLimits(c.plan),
      create: (c, deps) => createChargebeeBillingAdapter(c, direct(deps, c)),
      sandboxApp: () => createChargebeeSandbox({}),
    }),
  },
  support: {
    zendesk: vendor<ReturnType<typeof sandboxZendeskConfig>, SupportPort>({
      load: loadZendeskConfig,
      sandbox: (base) => sandboxZendeskConfig(base),
      limits: (c) => c.limits,
      create: (c, deps) => createZendeskSupportAdapter(c, direct(deps, c)),
      sandboxApp: () => createZendeskSandbox({}),
    }),
    servicenow: vendor<ReturnType<typeof sandboxServicenowConfig>, SupportPort>({
      load: loadServicenowConfig,
      sandbox: (base) => sandboxServicenowConfig(base),
      limits: (c) => c.limits ?? SERVICENOW_LIMITS,
      create: (c, deps) => createServicenowSupportAdapter(c, direct(deps, c)),
      sandboxApp: () => createServicenowSandbox({}),
    }),
  },
} as const;

export type Domain = keyof typeof VENDORS;
export const DOMAINS = Object.keys(VENDORS) as Domain[];
export const DEFAULT_VENDORS: Record<Domain, string> = { erp: 'netsuite', crm: 'salesforce', billing: 'stripe', support: 'zendesk' };
export const VENDOR_ENV: Record<Domain, string> = { erp: 'ERP_VENDOR', crm: 'CRM_VENDOR', billing: 'BILLING_VENDOR', support: 'SUPPORT_VENDOR' };
