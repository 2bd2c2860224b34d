import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { AppEnv } from '../shared/http/app-env.js';
import { createRouter } from '../shared/http/create-router.js';
import type { LayerVersion } from '../openapi/documents.js';
import { createCrmWidgetsRouter } from './experience/crm-widgets/router.js';
import { createAccountSnapshot } from './process/account-snapshot/workflow.js';
import { createCreditCheck } from './process/credit-check/workflow.js';
import { createProcessRuns, type ProcessRuns } from './process/process-runs.js';
import type { RunStore } from './process/runs/run-store.js';
import { createProcessRouter } from './process/router.js';
import { createBillingRouter } from './system/billing/router.js';
import type { DomainPorts } from './system/compose-system.js';
import { createCrmRouter } from './system/crm/router.js';
import { createErpRouter } from './system/erp/router.js';
import { createSupportRouter } from './system/support/router.js';
import type { IdentityXref, XrefDomain } from './system/xref/contract.js';

/** The system ports, as built by the composition root. */
export interface SystemPorts extends DomainPorts {
  readonly xref: IdentityXref;
  /** Which vendor serves each domain (its ids are what the cross-reference links; CRM ids are what callers send). */
  readonly vendors: Readonly<Record<XrefDomain, string>>;
  /** Process run records (Redis, or memory in one-process mode). */
  readonly runs: RunStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** The run workflows, when the composition root built them (to start their sweeper); else built here. */
  readonly processRuns?: ProcessRuns;
}

/**
 * One router per layer and version, wired to the ports. Layers call each other in-process through
 * the contracts: experience → process → system contract → adapter (DESIGN.md §1).
 */
export const createLayerRouters = (ports: SystemPorts): Record<LayerVersion, OpenAPIHono<AppEnv>> => {
  const system = createRouter();
  system.route('/erp', createErpRouter({ erp: ports.erp }));
  system.route('/crm', createCrmRouter({ crm: ports.crm }));
  system.route('/billing', createBillingRouter({ billing: ports.billing }));
  system.route('/support', createSupportRouter({ support: ports.support }));

  const crmVendor = ports.vendors.crm;
  const creditCheck = createCreditCheck({ erp: ports.erp, xref: ports.xref, clock: ports.clock, crmVendor });
  const snapshot = createAccountSnapshot({ crm: ports.crm, erp: ports.erp, xref: ports.xref, crmVendor });
  const { onboarding, operations } = ports.processRuns ?? createProcessRuns(ports);

  return {
    'system/v1': system,
    'process/v1': createProcessRouter({ creditCheck, onboarding, operations }),
    'experience/v1': createCrmWidgetsRouter({ snapshot }),
  };
};
