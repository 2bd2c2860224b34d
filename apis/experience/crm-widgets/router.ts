import { createRouter } from '../../../shared/http/create-router.js';
import type { AccountSnapshotWorkflow } from '../../process/account-snapshot/workflow.js';
import { registerGetAccountSummary } from './routes/get-account-summary.js';

/** CRM widget views, mounted at `/experience/v1`. */
export const createCrmWidgetsRouter = (deps: { snapshot: AccountSnapshotWorkflow }) => {
  const router = createRouter();
  registerGetAccountSummary(router, deps);
  return router;
};
