import { createRouter } from '../../shared/http/create-router.js';
import { registerCreateCreditCheck } from './credit-check/routes/create-credit-check.js';
import type { CreditCheckWorkflow } from './credit-check/workflow.js';
import { registerCreateCustomerOnboarding } from './customer-onboarding/routes/create-customer-onboarding.js';
import type { CustomerOnboardingWorkflow } from './customer-onboarding/workflow.js';
import type { Operations } from './operations/operations.js';
import { registerGetOperation } from './operations/routes/get-operation.js';
import { registerResumeOperation } from './operations/routes/resume-operation.js';

/** Process APIs, mounted at `/process/v1`. */
export const createProcessRouter = (deps: { creditCheck: CreditCheckWorkflow; onboarding: CustomerOnboardingWorkflow; operations: Operations }) => {
  const router = createRouter();
  registerCreateCreditCheck(router, deps);
  registerCreateCustomerOnboarding(router, deps);
  registerGetOperation(router, deps);
  registerResumeOperation(router, deps);
  return router;
};
