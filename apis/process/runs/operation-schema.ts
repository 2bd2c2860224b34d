import { z } from '@hono/zod-openapi';
import type { Run } from './run.js';

export const OperationIdSchema = z
  .string()
  .regex(/^op_[0-9a-f]{32}$/, 'must be an operation id (op_ and 32 hex digits)')
  .openapi({ description: 'A process run, as an operation', example: 'op_0f1e2d3c4b5a69788796a5b4c3d2e1f0' });

const StepErrorSchema = z
  .strictObject({
    code: z.string().openapi({ description: 'The stable error code of the failure', example: 'vendor.error' }),
    retryable: z.boolean().openapi({ description: 'Resuming may succeed without anyone changing anything' }),
    vendor: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    remediation: z.string().optional().openapi({ description: 'Parked steps: what a person must fix before resuming' }),
  })
  .openapi('OperationStepError');

export const OperationStepSchema = z
  .strictObject({
    name: z.string().openapi({ example: 'billing.customer' }),
    system: z.string().openapi({ example: 'billing' }),
    vendor: z.string().openapi({ example: 'stripe' }),
    status: z.enum(['pending', 'running', 'succeeded', 'failed', 'parked']),
    attempts: z.number().int().min(0),
    startedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    ref: z.string().optional().openapi({ description: 'The record the step created or matched, in the vendor’s ids' }),
    outcome: z.enum(['created', 'matched', 'updated']).optional(),
    error: StepErrorSchema.optional(),
  })
  .openapi('OperationStep');

export const OperationSchema = z
  .strictObject({
    operationId: OperationIdSchema,
    workflow: z.string().openapi({ example: 'customer-onboarding' }),
    subject: z.string().openapi({ description: 'What the run is about; one run at a time per subject', example: 'crm:salesforce:001Dn00000HooliAIA' }),
    status: z.enum(['running', 'succeeded', 'failed', 'parked']).openapi({
      description: 'failed: a step failed and resuming may succeed; parked: a step needs a person (see its remediation), then resume',
    }),
    results: z.record(z.string(), z.string()).openapi({ description: 'Ids the run produced (canonical customer id, each system’s id)' }),
    steps: z.array(OperationStepSchema),
    executions: z.number().int().min(1).openapi({ description: 'The first execution and each resume' }),
    traceId: z.string().openapi({ description: 'Trace id of the latest execution' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
    nextAttemptAt: z.iso.datetime().optional().openapi({
      description: 'Failed runs: when the gateway resumes it on its own (backing off from 30 s); absent once its automatic attempts are spent — then resume it yourself',
    }),
  })
  .openapi('Operation');

export type Operation = z.infer<typeof OperationSchema>;

/** The public view of a run: never its input (which holds personal data) or its owner. */
export const toOperation = (run: Run): Operation => ({
  operationId: run.id,
  workflow: run.workflow,
  subject: run.subject,
  status: run.status,
  results: { ...run.results },
  steps: run.steps.map((s) => ({ ...s, ...(s.error ? { error: { ...s.error } } : {}) })),
  executions: run.executions,
  traceId: run.traceId,
  createdAt: run.createdAt,
  updatedAt: run.updatedAt,
  ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  ...(run.nextAttemptAt ? { nextAttemptAt: run.nextAttemptAt } : {}),
});

export const operationPath = (id: string) => `/process/v1/operations/${id}`;
