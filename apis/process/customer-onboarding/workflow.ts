import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../shared/clock.js';
import { fromDomainError } from '../../../shared/errors.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import { formatRef, type SystemRef } from '../../system/xref/contract.js';
import type { Run } from '../runs/run.js';
import { pendingSteps, type RunExecutor } from '../runs/run-steps.js';
import type { RunStore } from '../runs/run-store.js';
import { canonicalIdFor } from './canonical-id.js';
import type { CustomerOnboardingRequest, OnboardingInput } from './schemas.js';
import { onboardingSteps, type OnboardingStepDeps } from './steps.js';

export const ONBOARDING_WORKFLOW = 'customer-onboarding';

export interface CustomerOnboardingDeps extends OnboardingStepDeps {
  readonly runs: RunStore;
  readonly executor: RunExecutor;
  readonly clock: Clock;
}

export const newOperationId = () => `op_${randomBytes(16).toString('hex')}`;

/**
 * Customer onboarding as a recorded run. Nothing is written anywhere for an account the CRM does not
 * know. The run is saved before the first vendor write; a failed or parked run of the same account
 * and client is resumed by the next request (with its new data) rather than started twice.
 */
export const createCustomerOnboarding = (deps: CustomerOnboardingDeps) => {
  const steps = onboardingSteps(deps);

  return {
    async start(request: CustomerOnboardingRequest, clientId: string, ctx: CallContext): Promise<{ run: Run<OnboardingInput>; resumed: boolean }> {
      const account = await deps.crm.getAccount(request.crmAccountId, ctx);
      if (!account.ok) throw fromDomainError(account.error);
      const input: OnboardingInput = { ...request, legalName: request.legalName ?? account.value.name };

      const crmRef: SystemRef = { domain: 'crm', vendor: deps.vendors.crm, id: request.crmAccountId };
      const subject = formatRef(crmRef);
      const latestId = await deps.runs.latestFor(subject);
      const latest = latestId ? ((await deps.runs.get(latestId)) as Run<OnboardingInput> | undefined) : undefined;
      if (latest && latest.status !== 'succeeded' && latest.clientId === clientId) {
        latest.input = input;
        return { run: await deps.executor.execute(latest, steps, ctx), resumed: true };
      }

      // The account's canonical id: the one it is linked to, else derived from it (the same on every retry).
      await deps.xref.link(canonicalIdFor(subject), crmRef);
      const canonicalId = (await deps.xref.canonicalIdOf(crmRef))!;
      const now = new Date(deps.clock.now()).toISOString();
      const run: Run<OnboardingInput> = {
        id: newOperationId(),
        workflow: ONBOARDING_WORKFLOW,
        subject,
        clientId,
        status: 'running',
        input,
        results: { canonicalCustomerId: canonicalId },
        steps: pendingSteps(steps),
        executions: 0,
        traceId: ctx.trace.traceId,
        createdAt: now,
        updatedAt: now,
      };
      return { run: await deps.executor.execute(run, steps, ctx), resumed: false };
    },

    /** Executes the run's unfinished steps again (an operator or the client resuming it). */
    resume(run: Run<OnboardingInput>, ctx: CallContext): Promise<Run<OnboardingInput>> {
      return deps.executor.execute(run, steps, ctx);
    },
  };
};

export type CustomerOnboardingWorkflow = ReturnType<typeof createCustomerOnboarding>;
