import { createRouter } from '../../../shared/http/create-router.js';
import type { CrmPort } from './contract.js';
import { registerFindCrmAccountByExternalId } from './routes/find-crm-account-by-external-id.js';
import { registerGetCrmAccount } from './routes/get-crm-account.js';

/**
 * The CRM system API, mounted by the caller at `/system/v1/crm`: whichever vendor backs `crm`, the
 * routes speak the contract.
 *
 * @example systemRouter.route('/crm', createCrmRouter({ crm }))
 */
export const createCrmRouter = (deps: { crm: CrmPort }) => {
  const router = createRouter();
  registerGetCrmAccount(router, deps);
  registerFindCrmAccountByExternalId(router, deps);
  return router;
};
