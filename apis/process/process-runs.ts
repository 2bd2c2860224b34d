import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import type { DomainPorts } from '../system/compose-system.js';
import type { IdentityXref, XrefDomain } from '../system/xref/contract.js';
import { createCustomerOnboarding, ONBOARDING_WORKFLOW } from './customer-onboarding/workflow.js';
import { createOperations } from './operations/operations.js';
import { createRunExecutor } from './runs/run-steps.js';
import type { RunStore } from './runs/run-store.js';
import { createRunSweeper, type Resumer } from './runs/run-sweeper.js';

export interface ProcessRunDeps extends DomainPorts {
  readonly xref: IdentityXref;
  readonly vendors: Readonly<Record<XrefDomain, string>>;
  readonly runs: RunStore;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/**
 * The recorded, resumable workflows and what serves their runs: the routes (onboarding,
 * operations) and the background sweeper that the composition root starts.
 */
export const createProcessRuns = (deps: ProcessRunDeps) => {
  const logger = deps.logger ? { logger: deps.logger } : {};
  const executor = createRunExecutor({ store: deps.runs, clock: deps.clock, ...logger });
  const onboarding = createCustomerOnboarding({ ...deps, executor });
  const resumers: Record<string, Resumer> = { [ONBOARDING_WORKFLOW]: onboarding.resume as Resumer };
  return {
    onboarding,
    operations: createOperations({ runs: deps.runs, resumers }),
    sweeper: createRunSweeper({ store: deps.runs, resumers, clock: deps.clock, ...logger }),
  };
};

export type ProcessRuns = ReturnType<typeof createProcessRuns>;
