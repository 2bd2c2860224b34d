import { createRouter } from '../../../shared/http/create-router.js';
import type { CrmPort } from './contract.js';
import { registerGetCrmAccount } from './routes/get-crm-account.js';
import { registerGetCrmContact } from './routes/get-crm-contact.js';
import { registerGetOpportunity } from './routes/get-opportunity.js';
import { registerListCrmAccounts } from './routes/list-crm-accounts.js';
import { registerUpdateOpportunity } from './routes/update-opportunity.js';
import { registerWriteBackAccountReferences } from './routes/write-back-account-references.js';
import { registerWriteBackOpportunityReferences } from './routes/write-back-opportunity-references.js';

/**
 * The CRM system API, mounted by the caller at `/system/v1/crm`: whichever vendor backs `crm`, the
 * routes speak the contract. Reads need `crm:read`; the opportunity update and the write-backs `crm:write`.
 *
 * @example systemRouter.route('/crm', createCrmRouter({ crm }))
 */
export const createCrmRouter = (deps: { crm: CrmPort }) => {
  const router = createRouter();
  registerGetCrmAccount(router, deps);
  registerListCrmAccounts(router, deps);
  registerGetCrmContact(router, deps);
  registerGetOpportunity(router, deps);
  registerUpdateOpportunity(router, deps);
  registerWriteBackAccountReferences(router, deps);
  registerWriteBackOpportunityReferences(router, deps);
  return router;
};
