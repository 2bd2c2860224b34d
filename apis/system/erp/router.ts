import { createRouter } from '../../../shared/http/create-router.js';
import type { ErpPort } from './contract.js';
import { registerCreateOrMatchErpCustomer } from './routes/create-or-match-erp-customer.js';
import { registerCreateSalesOrder } from './routes/create-sales-order.js';
import { registerFindErpCustomers } from './routes/find-erp-customers.js';
import { registerGetCreditProfile } from './routes/get-credit-profile.js';
import { registerGetErpCustomer } from './routes/get-erp-customer.js';
import { registerGetSalesOrder } from './routes/get-sales-order.js';
import { registerListInvoices } from './routes/list-invoices.js';
import { registerListPayments } from './routes/list-payments.js';

/**
 * The ERP system API, mounted by the caller at `/system/v1/erp`: whichever vendor backs `erp`, the
 * routes speak the contract. Reads need `erp:read`, writes `erp:write`.
 *
 * @example systemRouter.route('/erp', createErpRouter({ erp }))
 */
export const createErpRouter = (deps: { erp: ErpPort }) => {
  const router = createRouter();
  registerFindErpCustomers(router, deps);
  registerCreateOrMatchErpCustomer(router, deps);
  registerGetErpCustomer(router, deps);
  registerGetCreditProfile(router, deps);
  registerListInvoices(router, deps);
  registerListPayments(router, deps);
  registerCreateSalesOrder(router, deps);
  registerGetSalesOrder(router, deps);
  return router;
};
