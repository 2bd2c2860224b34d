import { z } from '@hono/zod-openapi';
import { ErpCustomerIdSchema } from '../contract.js';

/** `{customerId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const CustomerParamsSchema = z.strictObject({
  customerId: ErpCustomerIdSchema.openapi({ param: { name: 'customerId', in: 'path' } }),
});

/** The scope every ERP system route needs, declared once per route in its `security`. */
export const ERP_READ_SECURITY = [{ oauth2: ['erp:read'] }];
