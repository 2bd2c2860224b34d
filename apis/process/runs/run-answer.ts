import { AppError } from '../../../shared/errors.js';
import type { Run } from './run.js';
import { operationPath } from './operation-schema.js';

/**
 * A run that did not succeed becomes a problem that names it, so no half-done process is silent
 * (RELIABILITY.md E9): the failed step's own status (502, 503, 504) with `operationId`, or 409
 * `process.step_parked` with the remediation a person must carry out. Succeeded runs pass through.
 */
export const throwUnlessSucceeded = (run: Run): void => {
  if (run.status === 'succeeded') return;
  const step = run.steps.find((s) => s.status === 'failed' || s.status === 'parked');
  const extensions = {
    operationId: run.id,
    operation: operationPath(run.id),
    ...(step ? { failedStep: step.name } : {}),
    ...(step?.error?.vendor ? { vendor: step.error.vendor } : {}),
  };
  if (run.status === 'parked' && step?.error) {
    throw new AppError('process.step_parked', { extensions: { ...extensions, remediation: step.error.remediation } });
  }
  if (!step?.error) throw new AppError('internal', { extensions }); // a run left running: its execution was cut short
  throw new AppError(step.error.code, {
    extensions,
    ...(step.error.retryAfterSeconds !== undefined ? { retryAfterSeconds: step.error.retryAfterSeconds } : {}),
  });
};
