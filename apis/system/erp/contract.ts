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

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;

export const InvoiceSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    number: z.string().max(64).openapi({ example: 'INV-10422' }),
    issuedOn: z.iso.date(),
    dueOn: z.iso.date(),
    total: MoneySchema,
    amountDue: MoneySchema,
    status: z.enum(['open', 'overdue', 'paid']),
    daysOverdue: z.number().int().min(0),
    agingBucket: z.enum(AGING_BUCKETS).openapi({ description: 'Days past due, bucketed (paid and not-yet-due invoices are current)' }),
  })
  .openapi('Invoice');

export const PaymentSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    number: z.string().max(64).optional(),
    receivedOn: z.iso.date(),
    amount: MoneySchema,
    method: z.string().max(64).optional().openapi({ description: "The ERP's payment method name" }),
    appliedToInvoiceIds: z.array(OpaqueIdSchema).max(100),
  })
  .openapi('Payment');

export const SalesOrderLineSchema = z
  .strictObject({
    lineNumber: z.number().int().min(1),
    itemId: z.string().max(64).openapi({ description: "The ERP's item (product) id or number", example: 'STRATA-ENT' }),
    description: z.string().max(255).optional(),
    quantity: z.number().positive().max(1e9),
    unitPrice: MoneySchema,
    amount: MoneySchema,
  })
  .openapi('SalesOrderLine');

export const SalesOrderSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    orderNumber: z.string().max(64).openapi({ description: 'The authoritative order number from the ERP', example: 'SO-104233' }),
    customerId: ErpCustomerIdSchema,
    externalRef: z.string().max(64).optional().openapi({ description: 'The caller’s reference, stored on the ERP order; orders are unique per reference' }),
    purchaseOrderNumber: z.string().max(64).optional(),
    status: z.enum(['pending_approval', 'open', 'fulfilled', 'cancelled', 'on_hold']),
    orderedOn: z.iso.date(),
    lines: z.array(SalesOrderLineSchema).max(500),
    total: MoneySchema,
    createdAt: z.iso.datetime(),
  })
  .openapi('SalesOrder');

/** What a caller gives to create (or match) a customer; dedupe is on tax id, then legal name + country. */
export const NewErpCustomerSchema = z
  .strictObject({
    legalName: z.string().min(1).max(200).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters'),
    country: z.string().regex(/^[A-Z]{2}$/).openapi({ description: 'ISO 3166-1 alpha-2' }),
    currency: CurrencySchema,
    taxId: z.string().max(40).optional().openapi(pii('tax_id')),
    email: z.string().max(254).optional().openapi(pii('email')),
    phone: z.string().max(40).optional().openapi(pii('phone')),
    billingAddress: PostalAddressSchema.optional(),
    /** The canonical customer id: stored on the ERP record (external id) so a retry finds it. */
    externalRef: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  })
  .openapi('NewErpCustomer');

export const NewSalesOrderSchema = z
  .strictObject({
    customerId: ErpCustomerIdSchema,
    currency: CurrencySchema,
    /** Idempotency: one order per reference, found again (never duplicated) on retry. */
    externalRef: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
    purchaseOrderNumber: z.string().max(64).optional(),
    orderedOn: z.iso.date().optional(),
    lines: z
      .array(
        z.strictObject({
          itemId: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/),
          quantity: z.number().positive().max(1e9),
          /** Omit to use the ERP's price list. */
          unitPriceMinor: z.number().int().min(0).max(1e13).optional(),
          description: z.string().max(255).optional(),
        }),
      )
      .min(1)
      .max(500),
  })
  .openapi('NewSalesOrder');

export const CustomerQuerySchema = z
  .strictObject({
    taxId: z.string().min(1).max(40).optional(),
    legalName: z.string().min(1).max(200).optional(),
    country: z.string().regex(/^[A-Z]{2}$/).optional(),
  })
  .refine((q) => q.taxId !== undefined || q.legalName !== undefined, { message: 'give taxId or legalName', path: ['taxId'] });

export type ErpCustomer = z.infer<typeof ErpCustomerSchema>;
export type CreditProfile = z.infer<typeof CreditProfileSchema>;
export type Invoice = z.infer<typeof InvoiceSchema>;
export type Payment = z.infer<typeof PaymentSchema>;
export type SalesOrder = z.infer<typeof SalesOrderSchema>;
export type NewErpCustomer = z.infer<typeof NewErpCustomerSchema>;
export type NewSalesOrder = z.infer<typeof NewSalesOrderSchema>;
export type CustomerQuery = z.infer<typeof CustomerQuerySchema>;
export type InvoiceStatusFilter = 'open' | 'paid' | 'all';

export const MAX_INVOICE_PAGE = 100;
export const MAX_PAYMENT_PAGE = 100;

/** `current` when not past due; else the bucket of its days past due. */
export const agingBucketOf = (daysOverdue: number): Invoice['agingBucket'] =>
  daysOverdue <= 0 ? 'current' : daysOverdue <= 30 ? '1-30' : daysOverdue <= 60 ? '31-60' : daysOverdue <= 90 ? '61-90' : '90+';

/**
 * Errors: `erp.customer_not_found`, `erp.order_not_found`, `erp.item_not_found` (an order line names
 * an unknown item), `erp.duplicate_customer` (a match is ambiguous), and the shared vendor faults
 * (`vendor.timeout`, `vendor.error`, `vendor.invalid_response`, `vendor.rate_limited`, `vendor.circuit_open`).
 */
export interface ErpPort {
  getCustomer(customerId: string, ctx: CallContext): Promise<Result<ErpCustomer>>;
  /** Customers matching a tax id, or a legal name (exact, case-insensitive) and optional country. At most 20. */
  findCustomers(query: CustomerQuery, ctx: CallContext): Promise<Result<ErpCustomer[]>>;
  /**
   * Finds the customer by `externalRef`, then by tax id, then by legal name + country; creates it only
   * when none matches. A retry after a timeout therefore never creates a second customer.
   */
  createOrMatchCustomer(input: NewErpCustomer, ctx: CallContext): Promise<Result<{ customer: ErpCustomer; outcome: 'matched' | 'created' }>>;
  getCreditProfile(customerId: string, ctx: CallContext): Promise<Result<CreditProfile>>;
  /**
   * Creates a sales order and returns the ERP's authoritative order number. Idempotent on
   * `externalRef`: the ERP's own idempotency mechanism where it has one, else lookup-before-create.
   */
  createSalesOrder(input: NewSalesOrder, ctx: CallContext): Promise<Result<SalesOrder>>;
  getSalesOrder(orderId: string, ctx: CallContext): Promise<Result<SalesOrder>>;
  /** Invoices, oldest due date first, at most `limit` (≤ MAX_INVOICE_PAGE). `open` includes overdue. */
  listInvoices(customerId: string, options: { status: InvoiceStatusFilter; limit: number }, ctx: CallContext): Promise<Result<Invoice[]>>;
  /** Payments received, newest first, at most `limit` (≤ MAX_PAYMENT_PAGE). */
  listPayments(customerId: string, options: { limit: number }, ctx: CallContext): Promise<Result<Payment[]>>;
}
