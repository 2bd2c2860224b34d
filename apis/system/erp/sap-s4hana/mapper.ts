/**
 * The anti-corruption layer: SAP entities in, canonical ERP objects out. Nothing SAP-shaped (business
 * partner name fields, `/Date()/` values, decimal strings, status letters, sales areas) leaves this file.
 */
import type { z } from 'zod';
import { agingBucketOf, type CreditProfile, type ErpCustomer, type Invoice, type NewErpCustomer, type Payment, type SalesOrder } from '../contract.js';
import { money } from '../../../../shared/canonical/money.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { BusinessPartnerCreate, BusinessPartnerRead } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import type { ArLineItem, CreditManagementAccount } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import type { SalesOrderRead } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import type { SapS4hanaConfig, SapSalesArea } from './config.js';
import { customerReferenceKey, decimalToMinor, isoDate, joinName, referenceFromKey, splitName } from './odata-query.js';

export type ArItem = z.output<typeof ArLineItem.schema>;
export type CreditAccount = z.output<typeof CreditManagementAccount.schema>;

const DAY_MS = 86_400_000;
const invalid = () => fail('vendor.invalid_response', { vendor: 'erp' });
const text = (s: string | null | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

type SalesAreaRow = NonNullable<NonNullable<BusinessPartnerRead['to_Customer']>['to_CustomerSalesArea']>['results'][number];

/** The customer's row for Strata's sales area; otherwise the first one not flagged for deletion. */
export const salesAreaOf = (bp: BusinessPartnerRead, area: SapSalesArea): SalesAreaRow | undefined => {
  const rows = bp.to_Customer?.to_CustomerSalesArea?.results ?? [];
  return (
    rows.find((r) => r.SalesOrganization === area.salesOrganization && r.DistributionChannel === area.distributionChannel && r.Division === area.division) ??
    rows.find((r) => r.DeletionIndicator !== true)
  );
};

/** A business partner is an ERP customer when it has the customer role (the `to_Customer` entity). */
export const isCustomer = (bp: BusinessPartnerRead): boolean => !!bp.to_Customer && !!text(bp.Customer ?? bp.to_Customer.Customer);

/**
 * Tax number categories Strata writes and prefers when reading: the VAT registration number category
 * of the country (`DE0`, `FR0`, `GB0`, …, SAP's `<country>0` convention). Elsewhere `<country>1` —
 * a tenant whose categories differ should adjust this table.
 */
export const taxTypeFor = (country: string): string => (/^(AT|BE|BG|CH|CY|CZ|DE|DK|EE|ES|FI|FR|GB|GR|HR|HU|IE|IT|LT|LU|LV|MT|NL|NO|PL|PT|RO|SE|SI|SK)$/.test(country) ? `${country}0` : `${country}1`);

/** SAP date + time (V2 `Edm.DateTime` at UTC midnight + `Edm.Time` ms) as an RFC 3339 instant. */
const instant = (date: number | null | undefined, time: number | null | undefined): string | undefined =>
  date === null || date === undefined ? undefined : new Date(Math.floor(date / DAY_MS) * DAY_MS + (time ?? 0)).toISOString();

export const toErpCustomer = (bp: BusinessPartnerRead, area: SapSalesArea): Result<ErpCustomer> => {
  const salesArea = salesAreaOf(bp, area);
  const currency = text(salesArea?.Currency);
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return invalid();
  const updatedAt = instant(bp.LastChangeDate, bp.LastChangeTime) ?? instant(bp.CreationDate, bp.CreationTime);
  if (!updatedAt) return invalid();
  const address = bp.to_BusinessPartnerAddress?.results[0];
  const emails = address?.to_EmailAddress?.results ?? [];
  const phones = address?.to_PhoneNumber?.results ?? [];
  const email = text((emails.find((e) => e.IsDefaultEmailAddress) ?? emails[0])?.EmailAddress);
  const phoneRow = phones.find((p) => p.IsDefaultPhoneNumber) ?? phones[0];
  const phone = text(phoneRow?.InternationalPhoneNumber) ?? text(phoneRow?.PhoneNumber);
  const country = text(address?.Country);
  const taxes = bp.to_BusinessPartnerTax?.results ?? [];
  const tax = (country ? taxes.find((t) => t.BPTaxType === taxTypeFor(country)) : undefined) ?? taxes[0];
  const taxId = text(tax?.BPTaxNumber) ?? text(tax?.BPTaxLongNumber);
  const line1 = joinName([address?.StreetName, address?.HouseNumber]) || undefined;
  const city = text(address?.CityName);
  const billingAddress =
    line1 && city && country && /^[A-Z]{2}$/.test(country)
      ? {
          line1,
          ...(text(address?.StreetSuffixName) ? { line2: text(address?.StreetSuffixName)! } : {}),
          city,
          ...(text(address?.PostalCode) ? { postalCode: text(address?.PostalCode)! } : {}),
          ...(text(address?.Region) ? { region: text(address?.Region)! } : {}),
          country,
        }
      : undefined;
  const inactive = bp.BusinessPartnerIsBlocked === true || bp.IsMarkedForArchiving === true || bp.to_Customer?.DeletionIndicator === true;
  return ok({
    id: bp.BusinessPartner,
    legalName: joinName([bp.OrganizationBPName1, bp.OrganizationBPName2, bp.OrganizationBPName3, bp.OrganizationBPName4]) || bp.BusinessPartner,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(taxId ? { taxId } : {}),
    currency,
    status: inactive ? 'inactive' : 'active',
    ...(billingAddress ? { billingAddress } : {}),
    updatedAt,
  });
};

/** The deep insert that creates the customer: organisation, customer roles, one address, tax number, sales area. */
export const toBusinessPartnerCreate = (input: NewErpCustomer, config: SapS4hanaConfig): BusinessPartnerCreate => {
  const [name1 = input.legalName.slice(0, 40), name2, name3, name4] = splitName(input.legalName);
  const address = input.billingAddress;
  return {
    BusinessPartnerCategory: '2',
    BusinessPartnerGrouping: config.businessPartnerGrouping,
    OrganizationBPName1: name1,
    ...(name2 ? { OrganizationBPName2: name2 } : {}),
    ...(name3 ? { OrganizationBPName3: name3 } : {}),
    ...(name4 ? { OrganizationBPName4: name4 } : {}),
    SearchTerm1: input.legalName.toUpperCase().slice(0, 20).trim(),
    BusinessPartnerIDByExtSystem: customerReferenceKey(input.externalRef),
    to_BusinessPartnerRole: { results: config.customerRoles.map((role) => ({ BusinessPartnerRole: role })) },
    to_BusinessPartnerAddress: {
      results: [
        {
          Country: input.country,
          ...(address ? { CityName: address.city.slice(0, 40), StreetName: address.line1.slice(0, 60) } : {}),
          ...(address?.line2 ? { StreetSuffixName: address.line2.slice(0, 40) } : {}),
          ...(address?.postalCode ? { PostalCode: address.postalCode.slice(0, 10) } : {}),
          ...(address?.region && address.region.length <= 3 ? { Region: address.region } : {}),
          Language: config.language,
          ...(input.email ? { to_EmailAddress: { results: [{ EmailAddress: input.email, IsDefaultEmailAddress: true }] } } : {}),
          ...(input.phone ? { to_PhoneNumber: { results: [{ PhoneNumber: input.phone.slice(0, 30), DestinationLocationCountry: input.country, IsDefaultPhoneNumber: true }] } } : {}),
        },
      ],
    },
    ...(input.taxId
      ? {
          to_BusinessPartnerTax: {
            results: [{ BPTaxType: taxTypeFor(input.country), ...(input.taxId.length <= 20 ? { BPTaxNumber: input.taxId.toUpperCase() } : { BPTaxLongNumber: input.taxId.toUpperCase() }) }],
          },
        }
      : {}),
    to_Customer: {
      to_CustomerSalesArea: {
        results: [{ SalesOrganization: config.salesArea.salesOrganization, DistributionChannel: config.salesArea.distributionChannel, Division: config.salesArea.division, Currency: input.currency }],
      },
    },
  };
};

/** Whole days from a due date (UTC) to today (UTC); 0 when not yet due. */
export const daysPastDue = (dueMs: number, now: number): number => Math.max(0, Math.floor((Math.floor(now / DAY_MS) * DAY_MS - Math.floor(dueMs / DAY_MS) * DAY_MS) / DAY_MS));

/** Signed minor units of a line item, or undefined when its amount or currency is unusable. */
export const lineAmount = (item: ArItem): { minor: number; currency: string } | undefined => {
  const currency = text(item.TransactionCurrency);
  if (!currency || !/^[A-Z]{3}$/.test(currency) || !item.AmountInTransactionCurrency) return undefined;
  const minor = decimalToMinor(item.AmountInTransactionCurrency, currency);
  return minor === undefined ? undefined : { minor, currency };
};

/** The opaque id of an accounting document: company code, fiscal year, number. */
export const documentId = (item: Pick<ArItem, 'CompanyCode' | 'FiscalYear' | 'AccountingDocument'>): string => `${item.CompanyCode}-${item.FiscalYear}-${item.AccountingDocument}`;

const isOpen = (item: ArItem) => !text(item.ClearingAccountingDocument);

/**
 * An invoice from its receivable line (billing document posted to the customer account). Open while
 * uncleared: `overdue` once past its net due date (our UTC clock), else `open`; cleared lines are `paid`.
 */
export const toInvoice = (item: ArItem, now: number): Result<Invoice> => {
  const amount = lineAmount(item);
  const issued = item.DocumentDate ?? item.PostingDate;
  if (!amount || issued === null || issued === undefined) return invalid();
  const due = item.NetDueDate ?? issued;
  const open = isOpen(item);
  const daysOverdue = open ? daysPastDue(due, now) : 0;
  const total = Math.abs(amount.minor);
  return ok({
    id: documentId(item),
    number: text(item.DocumentReferenceID) ?? item.AccountingDocument,
    issuedOn: isoDate(issued),
    dueOn: isoDate(due),
    total: money(total, amount.currency),
    amountDue: money(open ? total : 0, amount.currency),
    status: !open ? 'paid' : daysOverdue > 0 ? 'overdue' : 'open',
    daysOverdue,
    agingBucket: agingBucketOf(daysOverdue),
  });
};

/** A payment from its customer line (`DZ`), with the invoices it cleared. */
export const toPayment = (item: ArItem, appliedTo: readonly string[]): Result<Payment> => {
  const amount = lineAmount(item);
  const received = item.PostingDate ?? item.DocumentDate;
  if (!amount || received === null || received === undefined) return invalid();
  const method = text(item.PaymentMethod);
  return ok({
    id: documentId(item),
    number: text(item.DocumentReferenceID) ?? item.AccountingDocument,
    receivedOn: isoDate(received),
    amount: money(Math.abs(amount.minor), amount.currency),
    ...(method ? { method } : {}),
    appliedToInvoiceIds: [...appliedTo].slice(0, 100),
  });
};

export interface CreditInputs {
  readonly customerId: string;
  /** The customer's currency (its sales area), used when the credit account names none. */
  readonly currency: string;
  readonly account: CreditAccount | undefined;
  /** Open (uncleared) customer line items. */
  readonly openItems: readonly ArItem[];
  /** Net values of open sales orders not yet billed, as decimal text with their currency. */
  readonly openOrders: readonly { readonly TotalNetAmount?: string | null; readonly TransactionCurrency?: string | null }[];
  readonly bankrupt: boolean;
  readonly now: number;
  readonly graceDays: number;
}

/**
 * The credit profile, in the credit segment's currency (items and orders in another currency are left
 * out — SAP would convert them; reported in the adapter's header):
 * - limit: the credit account's `CreditLimitAmount` (0 when the partner has no credit account);
 * - open receivables: the sum of open customer line items (credits net off debits); overdue: open
 *   debit lines past their net due date, and the days of the oldest;
 * - unbilled orders: net value of open sales orders not yet fully billed;
 * - hold: the credit account is blocked, or the partner is flagged bankrupt, or receivables + unbilled
 *   orders exceed a non-zero limit, or the oldest overdue item is more than `graceDays` past due — our
 *   reading of SAP credit management's block, limit and overdue-items checks.
 */
export const toCreditProfile = (inputs: CreditInputs): Result<CreditProfile> => {
  const currency = text(inputs.account?.CreditSegmentCurrency) ?? inputs.currency;
  if (!/^[A-Z]{3}$/.test(currency)) return invalid();
  const limitMinor = inputs.account?.CreditLimitAmount ? decimalToMinor(inputs.account.CreditLimitAmount, currency) : 0;
  if (limitMinor === undefined) return invalid();
  let open = 0;
  let overdue = 0;
  let days = 0;
  for (const item of inputs.openItems) {
    const amount = lineAmount(item);
    if (!amount) return invalid();
    if (amount.currency !== currency) continue;
    open += amount.minor;
    const late = item.NetDueDate === null || item.NetDueDate === undefined ? 0 : daysPastDue(item.NetDueDate, inputs.now);
    if (amount.minor > 0 && late > 0) {
      overdue += amount.minor;
      days = Math.max(days, late);
    }
  }
  let unbilled = 0;
  for (const order of inputs.openOrders) {
    if (order.TransactionCurrency !== currency || !order.TotalNetAmount) continue;
    const minor = decimalToMinor(order.TotalNetAmount, currency);
    if (minor === undefined) return invalid();
    unbilled += minor;
  }
  const blocked = inputs.account?.CreditAccountIsBlocked === true || inputs.bankrupt;
  const overLimit = limitMinor > 0 && open + unbilled > limitMinor;
  return ok({
    customerId: inputs.customerId,
    creditLimit: money(limitMinor, currency),
    openReceivables: money(open, currency),
    overdueReceivables: money(overdue, currency),
    unbilledOrders: money(unbilled, currency),
    daysOverdue: days,
    onCreditHold: blocked || overLimit || days > inputs.graceDays,
    asOf: new Date(inputs.now).toISOString(),
  });
};

/**
 * Order status from SAP's header statuses: rejected → cancelled; credit check failed (`B`, or `C`
 * partially released) → on hold; completely processed → fulfilled; else open. `pending_approval` is not
 * derived: the approval status codes are not documented in the held EDMX.
 */
export const orderStatus = (so: SalesOrderRead): SalesOrder['status'] => {
  if (so.OverallSDDocumentRejectionSts === 'C') return 'cancelled';
  if (so.TotalCreditCheckStatus === 'B' || so.TotalCreditCheckStatus === 'C') return 'on_hold';
  if (so.OverallSDProcessStatus === 'C') return 'fulfilled';
  return 'open';
};

export const toSalesOrder = (so: SalesOrderRead): Result<SalesOrder> => {
  const currency = text(so.TransactionCurrency);
  if (!currency || !/^[A-Z]{3}$/.test(currency) || !so.TotalNetAmount) return invalid();
  const total = decimalToMinor(so.TotalNetAmount, currency);
  const orderedOn = so.SalesOrderDate ?? so.CreationDate;
  const createdAt = so.CreationDate ? new Date(`${so.CreationDate}T${(so.CreationTime ?? '00:00:00').slice(0, 8)}Z`) : so.LastChangeDateTime ? new Date(so.LastChangeDateTime) : undefined;
  if (total === undefined || !orderedOn || !createdAt || Number.isNaN(createdAt.getTime())) return invalid();
  const items = [...(so._Item ?? [])].sort((a, b) => Number(a.SalesOrderItem) - Number(b.SalesOrderItem));
  const lines: SalesOrder['lines'] = [];
  for (const item of items) {
    const quantity = Number(item.RequestedQuantity ?? '0');
    const amount = item.NetAmount ? decimalToMinor(item.NetAmount, currency) : undefined;
    if (!Number.isFinite(quantity) || amount === undefined || !text(item.Product)) return invalid();
    if (quantity <= 0) continue; // a line without quantity (fully rejected) is no order line
    const description = text(item.SalesOrderItemText);
    lines.push({
      lineNumber: lines.length + 1,
      itemId: item.Product!.trim(),
      ...(description ? { description } : {}),
      quantity,
      unitPrice: money(Math.round(amount / quantity), currency),
      amount: money(amount, currency),
    });
  }
  const externalRef = referenceFromKey(so.PurchaseOrderByCustomer);
  const purchaseOrderNumber = text(so.PurchaseOrderByShipToParty);
  return ok({
    id: so.SalesOrder,
    orderNumber: so.SalesOrder,
    customerId: text(so.SoldToParty) ?? '',
    ...(externalRef ? { externalRef } : {}),
    ...(purchaseOrderNumber ? { purchaseOrderNumber } : {}),
    status: orderStatus(so),
    orderedOn,
    lines,
    total: money(total, currency),
    createdAt: createdAt.toISOString(),
  });
};
