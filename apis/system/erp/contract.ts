/**
 * The ERP domain contract: what every ERP adapter (NetSuite today; SAP S/4HANA, Business Central
 * next) provides, in the canonical model. No Hono, no vendor shapes (DESIGN.md §1, §3).
 */
import { z } from '@hono/zod-openapi';
import type { CallContext } from '../../../shared/http/app-env.js';
import { CurrencySchema, MoneySchema } from '../../../shared/canonical/money.js';
import { OpaqueIdSchema } from '../../../shared/canonical/ids.js';
import { pii } from '../../../shared/canonical/pii.js';
import type { Result } from '../../../shared/result.js';

export const ErpCustomerIdSchema = OpaqueIdSchema.openapi({ description: "The ERP's customer id", example: '8812' });

export const PostalAddressSchema = z
  .strictObject({
    line1: z.string().max(200).openapi(pii('address')),
    line2: z.string().max(200).optional().openapi(pii('address')),
    city: z.string().max(100),
    postalCode: z.string().max(20).optional().openapi(pii('address')),
    region: z.string().max(100).optional(),
    country: z.string().regex(/^[A-Z]{2}$/).openapi({ description: 'ISO 3166-1 alpha-2', example: 'DE' }),
  })
  .openapi('PostalAddress');

export const ErpCustomerSchema = z
  .strictObject({
    id: ErpCustomerIdSchema,
    legalName: z.string().max(200).openapi({ example: 'Globex GmbH' }),
    email: z.string().max(254).optional().openapi(pii('email')),
    phone: z.string().max(40).optional().openapi(pii('phone')),
    taxId: z.string().max(40).optional().openapi(pii('tax_id')),
    currency: CurrencySchema,
    status: z.enum(['active', 'inactive']),
    billingAddress: PostalAddressSchema.optional(),
    updatedAt: z.iso.datetime().openapi({ description: 'RFC 3339 UTC' }),
  })
  .openapi('ErpCustomer');

export const CreditProfileSchema = z
  .strictObject({
    customerId: ErpCustomerIdSchema,
    creditLimit: MoneySchema.openapi({ description: 'Credit limit granted; amount 0 means no credit' }),
    openReceivables: MoneySchema.openapi({ description: 'Open accounts receivable (balance)' }),
    overdueReceivables: MoneySchema.openapi({ description: 'Part of the open receivables past due' }),
    unbilledOrders: MoneySchema.openapi({ description: 'Committed orders not yet invoiced' }),
    daysOverdue: z.number().int().min(0),
    onCreditHold: z.boolean(),
    asOf: z.iso.datetime(),
  })
  .openapi('CreditProfile');

export const InvoiceSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    number: z.string().max(64).openapi({ example: 'INV-10422' }),
    issuedOn: z.iso.date(),
    dueOn: z.iso.date(),
    total: MoneySchema,
    amountDue: MoneySchema,
    status: z.enum(['open', 'overdue']),
    daysOverdue: z.number().int().min(0),
  })
  .openapi('Invoice');

export type ErpCustomer = z.infer<typeof ErpCustomerSchema>;
export type CreditProfile = z.infer<typeof CreditProfileSchema>;
export type Invoice = z.infer<typeof InvoiceSchema>;

export const MAX_INVOICE_PAGE = 100;

/**
 * Errors: `erp.customer_not_found`, and the shared vendor faults (`vendor.timeout`, `vendor.error`,
 * `vendor.invalid_response`, `vendor.rate_limited`, `vendor.circuit_open`).
 */
export interface ErpPort {
  getCustomer(customerId: string, ctx: CallContext): Promise<Result<ErpCustomer>>;
  getCreditProfile(customerId: string, ctx: CallContext): Promise<Result<CreditProfile>>;
  /** Open invoices (unpaid, including overdue), oldest due date first, at most `limit` (≤ MAX_INVOICE_PAGE). */
  listOpenInvoices(customerId: string, options: { limit: number }, ctx: CallContext): Promise<Result<Invoice[]>>;
}
