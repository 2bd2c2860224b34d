import { OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../shared/clock.js';
import type { AppEnv } from '../shared/http/app-env.js';
import { createRouter } from '../shared/http/create-router.js';
import type { LayerVersion } from '../openapi/documents.js';
import { createCrmWidgetsRouter } from './experience/crm-widgets/router.js';
import { createAccountSnapshot } from './process/account-snapshot/workflow.js';
import { createCreditCheck } from './process/credit-check/workflow.js';
import { createProcessRouter } from './process/router.js';
import { createBillingRouter } from './system/billing/router.js';
import type { DomainPorts } from './system/compose-system.js';
import { createCrmRouter } from './system/crm/router.js';
import { createErpRouter } from './system/erp/router.js';
import { createSupportRouter } from './system/support/router.js';
import type { IdentityXref } from './system/xref/contract.js';

/** The system ports, as built by the composition root. */
export interface SystemPorts extends DomainPorts {
  readonly xref: IdentityXref;
  /** Which CRM vendor's account ids callers send (for the cross-reference). */
  readonly crmVendor: string;
  readonly clock: Clock;
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

  const creditCheck = createCreditCheck({ erp: ports.erp, xref: ports.xref, clock: ports.clock, crmVendor: ports.crmVendor });
  const snapshot = createAccountSnapshot({ crm: ports.crm, erp: ports.erp, xref: ports.xref, crmVendor: ports.crmVendor });

  return {
    'system/v1': system,
    'process/v1': createProcessRouter({ creditCheck }),
    'experience/v1': createCrmWidgetsRouter({ snapshot }),
  };
};
