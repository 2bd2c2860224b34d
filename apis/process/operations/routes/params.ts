import { z } from '@hono/zod-openapi';
import { OperationIdSchema } from '../../runs/operation-schema.js';

/** `{operationId}`: matched against the id pattern before any store lookup. */
export const OperationParamsSchema = z.strictObject({
  operationId: OperationIdSchema.openapi({ param: { name: 'operationId', in: 'path' } }),
});
