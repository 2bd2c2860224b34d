import { createRouter } from '../../../shared/http/create-router.js';
import type { SupportPort } from './contract.js';
import { registerCreateCase } from './routes/create-case.js';
import { registerCreateSupportOrganization } from './routes/create-support-organization.js';
import { registerGetCase } from './routes/get-case.js';
import { registerGetSupportOrganization } from './routes/get-support-organization.js';
import { registerListCases } from './routes/list-cases.js';
import { registerSetSupportEntitlement } from './routes/set-support-entitlement.js';

/**
 * The support system API, mounted by the caller at `/system/v1/support`: whichever vendor backs
 * `support` (Zendesk, ServiceNow), the routes speak the contract. Reads need `support:read`, writes
 * `support:write`.
 *
 * @example systemRouter.route('/support', createSupportRouter({ support }))
 */
export const createSupportRouter = (deps: { support: SupportPort }) => {
  const router = createRouter();
  registerGetSupportOrganization(router, deps);
  registerCreateSupportOrganization(router, deps);
  registerSetSupportEntitlement(router, deps);
  registerListCases(router, deps);
  registerCreateCase(router, deps);
  registerGetCase(router, deps);
  return router;
};
