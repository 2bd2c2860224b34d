import { z } from '@hono/zod-openapi';

/**
 * Opaque ids as they enter from a client: a strict pattern is matched before an id is ever put into a
 * vendor URL, so `../`, `%2e%2e` or a query string cannot ride along (RELIABILITY.md B7).
 */
export const OpaqueIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_"');

/** Salesforce record ids: 15 (case-sensitive) or 18 (case-safe) alphanumerics. */
export const SalesforceIdSchema = z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character record id');
