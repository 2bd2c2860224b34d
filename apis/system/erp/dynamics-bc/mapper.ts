/**
 * The anti-corruption layer: Business Central entities in, canonical ERP objects out. Nothing
 * BC-shaped (decimal amounts, `blocked` codes, document statuses, empty GUIDs) leaves this file.
 */
import type { z } from 'zod';
import { money, toMinorUnits } from '../../../../shared/canonical/money.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import {
  BC_EMPTY_GUID,
  type BcCustomerPaymentSchema,
  type BcCustomerSchema,
  type BcSalesInvoiceSchema,
  type BcSalesOrderSchema,
} from '../../../../openapi/vendors/dynamics-bc/types.js';
import { agingBucketOf, type CreditProfile, type ErpCustomer, type Invoice, type Payment, type SalesOrder } from '../contract.js';
import { externalRefFromDocumentNumber } from './odata.js';

export type BcCustomer = z.output<typeof BcCustomerSchema>;
export type BcSalesOrder = z.output<typeof BcSalesOrderSchema>;
export type BcSalesInvoice = z.output<typeof BcSalesInvoiceSchema>;
export type BcCustomerPayment = z.output<typeof BcCustomerPaymentSchema>;

const DAY_MS = 86_400_000;
const invalid = () => fail('vendor.invalid_response', { vendor: 'erp' });
const nonEmpty = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
const iso = (dateTime: string) => new Date(dateTime).toISOString();
const isCurrency = (code: string) => /^[A-Z]{3}$/.test(code);

/** Whole days from `dueOn` (a calendar date, read as UTC) to today (UTC); 0 when not yet due. */
export const daysPastDue = (dueOn: string, now: number): number => {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Math.max(0, Math.floor((today - Date.parse(`${dueOn}T00:00:00Z`)) / DAY_MS));
};

/** Today (UTC) as `YYYY-MM-DD`. */
export const isoToday = (now: number): string => new Date(now).toISOString().slice(0, 10);

/**
 * `blocked` says which transactions BC refuses to post for the customer: " " none, "Ship", "Invoice",
 * "All". Any block is a credit hold; an unknown value is read as blocked (the safe side).
 */
export const isBlocked = (blocked: string): boolean => blocked.trim() !== '';

/** "All" blocks every transaction: the closest BC has to an inactive customer. */
export const customerStatus = (blocked: string): ErpCustomer['status'] => (blocked.trim() === 'All' ? 'inactive' : 'active');

export const toErpCustomer = (bc: BcCustomer): Result<ErpCustomer> => {
  // BC's API answers the company's LCY code for a customer in local currency, so the code is always set.
  if (!isCurrency(bc.currencyCode)) return invalid();
  const email = nonEmpty(bc.email);
  const phone = nonEmpty(bc.phoneNumber);
  const taxId = nonEmpty(bc.taxRegistrationNumber);
  const billingAddress = toBillingAddress(bc);
  return ok({
    id: bc.id.toLowerCase(),
    legalName: nonEmpty(bc.displayName) ?? bc.number,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(taxId ? { taxId } : {}),
    currency: bc.currencyCode,
    status: customerStatus(bc.blocked),
    ...(billingAddress ? { billingAddress } : {}),
    updatedAt: iso(bc.lastModifiedDateTime),
  });
};

/** The customer's own address (BC keeps bill-to on the customer card), when it has what a postal address needs. */
const toBillingAddress = (bc: BcCustomer): ErpCustomer['billingAddress'] => {
  const line1 = nonEmpty(bc.addressLine1);
  const city = nonEmpty(bc.city);
  const country = nonEmpty(bc.country);
  if (!line1 || !city || !country || !/^[A-Z]{2}$/.test(country)) return undefined;
  const line2 = nonEmpty(bc.addressLine2);
  const postalCode = nonEmpty(bc.postalCode);
  const region = nonEmpty(bc.state);
  return { line1, ...(line2 ? { line2 } : {}), city, ...(postalCode ? { postalCode } : {}), ...(region ? { region } : {}), country };
};

export interface CreditInputs {
  /** LCY → the customer's currency: BC keeps credit limit, balance and overdue amount in LCY only. */
  readonly fromLcy: (lcy: number) => number;
  /** Open sales orders, in the customer's currency (decimal sum), see the adapter. */
  readonly unbilled: number;
  /** Days past due of the oldest open invoice past its due date (0 when none). */
  readonly daysOverdue: number;
  readonly now: number;
}

/**
 * The credit profile, in the customer's currency: `creditLimit` (customer) and `balance` /
 * `overdueAmount` (customerFinancialDetail), which BC states in LCY and `fromLcy` converts; open orders
 * as unbilled; BC's `blocked` as the hold. BC has no automatic credit hold (its credit-limit check only
 * warns on sales documents): a block is what a credit controller sets, and that is what
 * `onCreditHold` reports.
 */
export const toCreditProfile = (bc: Pick<BcCustomer, 'id' | 'currencyCode' | 'creditLimit' | 'blocked' | 'customerFinancialDetail'>, inputs: CreditInputs): Result<CreditProfile> => {
  const financial = bc.customerFinancialDetail;
  if (!financial || !isCurrency(bc.currencyCode)) return invalid();
  const currency = bc.currencyCode;
  const amount = (decimal: number) => money(toMinorUnits(decimal, currency), currency);
  return ok({
    customerId: bc.id.toLowerCase(),
    creditLimit: amount(inputs.fromLcy(bc.creditLimit ?? 0)),
    openReceivables: amount(inputs.fromLcy(financial.balance)),
    overdueReceivables: amount(inputs.fromLcy(financial.overdueAmount)),
    unbilledOrders: amount(inputs.unbilled),
    daysOverdue: Math.max(0, inputs.daysOverdue),
    onCreditHold: isBlocked(bc.blocked),
    asOf: new Date(inputs.now).toISOString(),
  });
};

/**
 * A posted sales invoice: "Open" (overdue once past its due date, by our UTC clock) or "Paid". Drafts,
 * invoices in review, cancelled and corrected ones are not receivables: undefined (the adapter's
 * `$filter` already leaves them out).
 */
export const toInvoice = (bc: BcSalesInvoice, now: number): Result<Invoice | undefined> => {
  if (bc.status !== 'Open' && bc.status !== 'Paid') return ok(undefined);
  if (!isCurrency(bc.currencyCode)) return invalid();
  const paid = bc.status === 'Paid';
  const daysOverdue = paid ? 0 : daysPastDue(bc.dueDate, now);
  const amount = (decimal: number) => money(toMinorUnits(decimal, bc.currencyCode), bc.currencyCode);
  return ok({
    id: bc.id.toLowerCase(),
    number: bc.number,
    issuedOn: bc.invoiceDate,
    dueOn: bc.dueDate,
    total: amount(bc.totalAmountIncludingTax),
    amountDue: amount(paid ? 0 : bc.remainingAmount),
    status: paid ? 'paid' : daysOverdue > 0 ? 'overdue' : 'open',
    daysOverdue,
    agingBucket: agingBucketOf(daysOverdue),
  });
};

/**
 * BC's order status: "Draft" (not released), "In Review" (pending approval), "Open" (released); a fully
 * shipped order is fulfilled. Unknown values read as open.
 */
export const orderStatus = (bc: Pick<BcSalesOrder, 'status' | 'fullyShipped'>): SalesOrder['status'] => {
  if (bc.fullyShipped === true) return 'fulfilled';
  if (bc.status === 'In Review') return 'pending_approval';
  return 'open';
};

/**
 * A sales order with its lines (`$expand=salesOrderLines`). `externalRef` is the caller's when Strata
 * created the order in this call, else what `externalDocumentNumber` holds (when it is not a hash).
 * BC has no creation timestamp on the order: `createdAt` is its `lastModifiedDateTime`.
 */
export const toSalesOrder = (bc: BcSalesOrder, options: { readonly externalRef?: string } = {}): Result<SalesOrder> => {
  if (!isCurrency(bc.currencyCode) || !bc.salesOrderLines) return invalid();
  const currency = bc.currencyCode;
  const amount = (decimal: number) => money(toMinorUnits(decimal, currency), currency);
  const lines = [...bc.salesOrderLines]
    .filter((line) => line.lineType === 'Item')
    .sort((a, b) => a.sequence - b.sequence)
    .map((line, index) => {
      const description = nonEmpty(line.description);
      return {
        lineNumber: index + 1,
        itemId: line.lineObjectNumber,
        ...(description ? { description } : {}),
        quantity: line.quantity,
        unitPrice: amount(line.unitPrice),
        amount: amount(line.netAmount),
      };
    });
  if (lines.some((line) => !(line.quantity > 0))) return invalid();
  const externalRef = options.externalRef ?? externalRefFromDocumentNumber(bc.externalDocumentNumber);
  return ok({
    id: bc.id.toLowerCase(),
    orderNumber: bc.number,
    customerId: bc.customerId.toLowerCase(),
    ...(externalRef ? { externalRef } : {}),
    status: orderStatus(bc),
    orderedOn: bc.orderDate,
    lines,
    total: amount(bc.totalAmountIncludingTax),
    createdAt: iso(bc.lastModifiedDateTime),
  });
};

/**
 * A customer payment. The entity has no currency: it is the customer's (`currency`). The amount is
 * reported positive, whichever sign the journal line carries.
 */
export const toPayment = (bc: BcCustomerPayment, currency: string): Payment => {
  const applied = bc.appliesToInvoiceId && bc.appliesToInvoiceId !== BC_EMPTY_GUID ? [bc.appliesToInvoiceId.toLowerCase()] : [];
  const number = nonEmpty(bc.documentNumber);
  return {
    id: bc.id.toLowerCase(),
    ...(number ? { number } : {}),
    receivedOn: bc.postingDate,
    amount: money(toMinorUnits(Math.abs(bc.amount), currency), currency),
    appliedToInvoiceIds: applied,
  };
};
