import { z } from '@hono/zod-openapi';
import { OpaqueIdSchema } from '../../../../shared/canonical/ids.js';
import { ErpCustomerIdSchema } from '../contract.js';

/** `{customerId}`: matched against the contract's id pattern before anything else runs (RELIABILITY.md B7). */
export const CustomerParamsSchema = z.strictObject({
  customerId: ErpCustomerIdSchema.openapi({ param: { name: 'customerId', in: 'path' } }),
});

/** `{orderId}`: the ERP's sales order id, matched like every id before it reaches an adapter. */
export const OrderParamsSchema = z.strictObject({
  orderId: OpaqueIdSchema.openapi({ param: { name: 'orderId', in: 'path' }, description: "The ERP's sales order id", example: '60001' }),
});

/** The scopes ERP system routes need, declared once per route in its `security`. */
export const ERP_READ_SECURITY = [{ oauth2: ['erp:read'] }];
export const ERP_WRITE_SECURITY = [{ oauth2: ['erp:write'] }];

/** `Location` of a created resource: the collection's path (as the client called it) and the new id. */
export const LOCATION_HEADER = { Location: { description: 'The created resource', schema: { type: 'string' as const } } };
export const locationOf = (collectionPath: string, id: string) => `${collectionPath.replace(/\/$/, '')}/${encodeURIComponent(id)}`;
