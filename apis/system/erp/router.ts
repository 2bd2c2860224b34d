import { createRouter } from '../../../shared/http/create-router.js';
import type { ErpPort } from './contract.js';
import { registerGetCreditProfile } from './routes/get-credit-profile.js';
import { registerGetErpCustomer } from './routes/get-erp-customer.js';
import { registerListOpenInvoices } from './routes/list-open-invoices.js';

/**
 * The ERP system API, mounted by the caller at `/system/v1/erp`: whichever vendor backs `erp`, the
 * routes speak the contract.
 *
 * @example systemRouter.route('/erp', createErpRouter({ erp }))
 */
export const createErpRouter = (deps: { erp: ErpPort }) => {
  const router = createRouter();
  registerGetErpCustomer(router, deps);
  registerGetCreditProfile(router, deps);
  registerListOpenInvoices(router, deps);
  return router;
};
