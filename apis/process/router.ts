import { createRouter } from '../../shared/http/create-router.js';
import { registerCreateCreditCheck } from './credit-check/routes/create-credit-check.js';
import type { CreditCheckWorkflow } from './credit-check/workflow.js';

/** Process APIs, mounted at `/process/v1`. */
export const createProcessRouter = (deps: { creditCheck: CreditCheckWorkflow }) => {
  const router = createRouter();
  registerCreateCreditCheck(router, deps);
  return router;
};
