/**
 * The billing domain contract: what every subscription-billing adapter (Stripe, Chargebee; Zuora
 * later) provides, in the canonical model. No Hono, no vendor shapes (DESIGN.md §1, §3).
 */
import { z } from '@hono/zod-openapi';
import type { CallContext } from '../../../shared/http/app-env.js';
import { CurrencySchema, MoneySchema } from '../../../shared/canonical/money.js';
import { OpaqueIdSchema } from '../../../shared/canonical/ids.js';
import { pii } from '../../../shared/canonical/pii.js';
import type { Result } from '../../../shared/result.js';

export const BillingCustomerIdSchema = OpaqueIdSchema.openapi({ description: "The billing platform's customer id", example: 'cus_QGlobex0000001' });
export const SubscriptionIdSchema = OpaqueIdSchema.openapi({ description: "The billing platform's subscription id", example: 'sub_QGlobex0000001' });
const ReferenceSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const BillingCustomerSchema = z
  .strictObject({
    id: BillingCustomerIdSchema,
    name: z.string().max(255),
    email: z.string().max(254).optional().openapi(pii('email')),
    currency: CurrencySchema.optional().openapi({ description: 'Set once the customer has been billed or given a currency' }),
    externalRef: z.string().max(64).optional().openapi({ description: 'The canonical customer id stored on the billing record' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('BillingCustomer');

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'paused', 'cancelled', 'future'] as const;

export const SubscriptionSchema = z
  .strictObject({
    id: SubscriptionIdSchema,
    customerId: BillingCustomerIdSchema,
    status: z.enum(SUBSCRIPTION_STATUSES),
    planId: z.string().max(100).openapi({ description: 'Stripe price id or Chargebee item price id', example: 'strata-enterprise-monthly' }),
    quantity: z.number().int().min(0),
    currency: CurrencySchema,
    currentTerm: z.strictObject({ start: z.iso.date(), end: z.iso.date() }).openapi({ description: 'The committed term the customer is in' }),
    renewsOn: z.iso.date().optional().openapi({ description: 'Absent when the subscription ends at term end' }),
    cancelAtTermEnd: z.boolean(),
    mrr: MoneySchema.openapi({ description: 'Monthly recurring revenue: unit price × quantity, normalised to a month' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('Subscription');

export const BillingInvoiceSchema = z
  .strictObject({
    id: OpaqueIdSchema,
    number: z.string().max(64).optional(),
    subscriptionId: SubscriptionIdSchema.optional(),
    issuedOn: z.iso.date(),
    dueOn: z.iso.date().optional(),
    total: MoneySchema,
    amountPaid: MoneySchema,
    amountDue: MoneySchema,
    status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']),
    paymentStatus: z.enum(['paid', 'unpaid', 'partially_paid', 'payment_failed', 'not_applicable']),
  })
  .openapi('BillingInvoice');

export const NewBillingCustomerSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    email: z.string().max(254).optional().openapi(pii('email')),
    currency: CurrencySchema.optional(),
    /** The canonical customer id: lets a retry find the customer instead of creating a second one. */
    externalRef: ReferenceSchema,
  })
  .openapi('NewBillingCustomer');

export const NewSubscriptionSchema = z
  .strictObject({
    customerId: BillingCustomerIdSchema,
    planId: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/),
    quantity: z.number().int().min(1).max(1_000_000),
    termMonths: z.union([z.literal(1), z.literal(12), z.literal(24), z.literal(36)]).openapi({ description: 'Committed term; renewals repeat it' }),
    startOn: z.iso.date().optional().openapi({ description: 'Defaults to today; a future date makes the subscription `future`' }),
    /** Idempotency: one subscription per reference (e.g. the ERP order number + line). */
    externalRef: ReferenceSchema,
  })
  .openapi('NewSubscription');

export type BillingCustomer = z.infer<typeof BillingCustomerSchema>;
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type BillingInvoice = z.infer<typeof BillingInvoiceSchema>;
export type NewBillingCustomer = z.infer<typeof NewBillingCustomerSchema>;
export type NewSubscription = z.infer<typeof NewSubscriptionSchema>;

export const MAX_BILLING_PAGE = 100;

/**
 * Errors: `billing.customer_not_found`, `billing.subscription_not_found`, `billing.plan_not_found`
 * (unknown plan id), `billing.invalid_state` (e.g. cancelling a cancelled subscription), and the shared
 * vendor faults (`vendor.*`).
 */
export interface BillingPort {
  getCustomer(customerId: string, ctx: CallContext): Promise<Result<BillingCustomer>>;
  /** Idempotent on `externalRef` (the vendor's idempotency key, or lookup-before-create). */
  createCustomer(input: NewBillingCustomer, ctx: CallContext): Promise<Result<BillingCustomer>>;
  /** Idempotent on `externalRef`. */
  createSubscription(input: NewSubscription, ctx: CallContext): Promise<Result<Subscription>>;
  getSubscription(subscriptionId: string, ctx: CallContext): Promise<Result<Subscription>>;
  /** A customer's subscriptions, newest first, at most `limit` (≤ MAX_BILLING_PAGE); cancelled ones too. */
  listSubscriptions(customerId: string, options: { limit: number }, ctx: CallContext): Promise<Result<Subscription[]>>;
  /** A customer's invoices, newest first, at most `limit` (≤ MAX_BILLING_PAGE), following the vendor's cursor. */
  listInvoices(customerId: string, options: { limit: number }, ctx: CallContext): Promise<Result<BillingInvoice[]>>;
  /** Cancels now, or at the end of the current term. Idempotent: cancelling twice answers the same state. */
  cancelSubscription(subscriptionId: string, options: { atTermEnd: boolean }, ctx: CallContext): Promise<Result<Subscription>>;
}
