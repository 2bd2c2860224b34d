import { AppError } from '../../../shared/errors.js';
import type { CallContext, Principal } from '../../../shared/http/app-env.js';
import type { Run } from '../runs/run.js';
import type { RunStore } from '../runs/run-store.js';
import type { Resumer } from '../runs/run-sweeper.js';

/** Operators (`ops:admin`) see every run; a client sees its own, and nothing says the others exist. */
const mayAccess = (run: Run, principal: Principal | undefined) =>
  principal !== undefined && (run.clientId === principal.clientId || principal.scopes.has('ops:admin'));

/** Process runs as operations: read their status, resume the failed or parked ones. */
export const createOperations = (deps: { runs: RunStore; resumers: Readonly<Record<string, Resumer>> }) => {
  const load = async (operationId: string, principal: Principal | undefined): Promise<Run> => {
    const run = await deps.runs.get(operationId);
    if (!run || !mayAccess(run, principal)) throw new AppError('process.operation_not_found');
    return run;
  };

  return {
    get: load,
    /**
     * Executes the run's unfinished steps. A succeeded run is answered as it is, without a vendor
     * call; a running one whose execution still holds the lease is `process.in_progress`.
     */
    async resume(operationId: string, ctx: CallContext): Promise<Run> {
      const run = await load(operationId, ctx.principal);
      if (run.status === 'succeeded') return run;
      const resumer = deps.resumers[run.workflow];
      if (!resumer) throw new Error(`no resumer for workflow ${run.workflow}`);
      return resumer(run as Run<never>, ctx);
    },
  };
};

export type Operations = ReturnType<typeof createOperations>;
