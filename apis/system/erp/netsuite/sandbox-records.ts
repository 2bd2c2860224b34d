import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { seedLedger, seedPaidHistory, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import {
  NS_CUSTOMER_PATH,
  NS_SALES_ORDER_PATH,
  type NsCustomerWire,
  type NsInvoiceRowWire,
  type NsPaymentRowWire,
  type NsSalesOrderWire,
} from '../../../../openapi/vendors/netsuite/types.js';

/**
 * The NetSuite sandbox's data model and the NetSuite-shaped records built from it. Everything seeded
 * is derived from the shared seed companies (and dated relative to "now"), so the ERP sandbox
 * describes the same customers as the CRM, billing and support sandboxes:
 * - a customer per company (`externalId` = the canonical customer id);
 * - its open invoices (`seedLedger`), plus one invoice paid in full: the last month of its
 *   subscription (quantity × unit price), and the customer payment applied to it;
 * - a billed sales order behind that invoice and, when the company has unbilled orders, one order
 *   pending billing for exactly that amount (so `unbilledOrders` is the sum of its open orders).
 */

export type HoldOverride = 'AUTO' | 'ON' | 'OFF';
export type OrderStatus = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

export interface SandboxAddress {
  readonly addr1?: string;
  readonly addr2?: string;
  readonly city?: string;
  readonly state?: string;
  readonly zip?: string;
  readonly country: string;
}

export interface SandboxCustomer {
  readonly id: string;
  readonly externalId?: string;
  readonly companyName: string;
  readonly email?: string;
  readonly phone?: string;
  readonly vatRegNumber?: string;
  readonly currency: string;
  readonly address?: SandboxAddress;
  readonly creditLimitMinor?: number;
  readonly holdOverride: HoldOverride;
  readonly lastModifiedDate: string;
}

export interface SandboxOrderLine {
  readonly itemId: string;
  readonly quantity: number;
  readonly rateMinor: number;
  readonly description?: string;
}

export interface SandboxSalesOrder {
  readonly id: string;
  readonly tranId: string;
  readonly externalId?: string;
  readonly customerId: string;
  readonly currency: string;
  readonly tranDate: string;
  readonly otherRefNum?: string;
  readonly status: OrderStatus;
  readonly lines: readonly SandboxOrderLine[];
  readonly createdDate: string;
}

export interface SandboxInvoice {
  readonly id: string;
  readonly tranId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly issuedOn: string;
  readonly dueOn: string;
  readonly totalMinor: number;
  readonly unpaidMinor: number;
}

export interface SandboxPayment {
  readonly id: string;
  readonly tranId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly receivedOn: string;
  readonly amountMinor: number;
  readonly method: string;
  readonly appliedTo: readonly string[];
}

export interface SandboxItem {
  readonly id: string;
  readonly itemId: string;
  readonly displayName: string;
  readonly isInactive: boolean;
  /** Base price per currency, minor units. */
  readonly prices: Readonly<Record<string, number>>;
}

/** The item catalogue: Strata's own products, priced in every seed currency. */
export const SANDBOX_ITEMS: readonly SandboxItem[] = [
  { id: '101', itemId: 'STRATA-ENT', displayName: 'Strata Enterprise seat, per month', isInactive: false, prices: { EUR: 45_00, GBP: 40_00, USD: 50_00 } },
  { id: '102', itemId: 'STRATA-PRO', displayName: 'Strata Pro seat, per month', isInactive: false, prices: { EUR: 30_00, GBP: 27_00, USD: 35_00 } },
  { id: '103', itemId: 'STRATA-SERVICES', displayName: 'Professional services, per day', isInactive: false, prices: { EUR: 1_500_00, GBP: 1_300_00, USD: 1_700_00 } },
  { id: '104', itemId: 'STRATA-SUPPORT-PREM', displayName: 'Premium support, per year', isInactive: false, prices: { EUR: 2_500_00, GBP: 2_200_00, USD: 2_800_00 } },
  { id: '105', itemId: 'STRATA-LEGACY', displayName: 'Strata Classic seat (retired)', isInactive: true, prices: { EUR: 20_00, GBP: 18_00, USD: 22_00 } },
];

/** Stock currency records of a NetSuite account: internal id and name (the name, not the ISO code, is the refName). */
export const SANDBOX_CURRENCIES: Readonly<Record<string, { id: string; refName: string }>> = {
  USD: { id: '1', refName: 'US Dollar' },
  GBP: { id: '2', refName: 'British pound' },
  CAD: { id: '3', refName: 'Canadian Dollar' },
  EUR: { id: '4', refName: 'Euro' },
};
const COUNTRY_NAMES: Readonly<Record<string, string>> = { DE: 'Germany', GB: 'United Kingdom', FR: 'France', US: 'United States', NL: 'Netherlands' };
const HOLD_NAMES = { AUTO: 'Auto', ON: 'On', OFF: 'Off' } as const;
const ORDER_STATUS_NAMES: Readonly<Record<OrderStatus, string>> = {
  A: 'Pending Approval',
  B: 'Pending Fulfillment',
  C: 'Cancelled',
  D: 'Partially Fulfilled',
  E: 'Pending Billing/Partially Fulfilled',
  F: 'Pending Billing',
  G: 'Billed',
  H: 'Closed',
};
/** Orders NetSuite counts in `unbilledOrders`: approved and not yet billed. */
const UNBILLED: ReadonlySet<OrderStatus> = new Set(['B', 'D', 'E', 'F']);

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = (now: number) => Math.floor(now / DAY_MS) * DAY_MS;

/** Minor units to NetSuite's decimal amount. */
export const toDecimal = (minor: number, currency: string): number => minor / 10 ** minorUnitExponent(currency);
const toDecimalText = (minor: number, currency: string): string => toDecimal(minor, currency).toFixed(minorUnitExponent(currency));

const currencyRef = (code: string, base: string) => {
  const c = SANDBOX_CURRENCIES[code] ?? { id: '99', refName: code };
  return { links: [{ rel: 'self', href: `${base}/services/rest/record/v1/currency/${c.id}` }], id: c.id, refName: c.refName };
};

/** `YYYY-MM-DD` → `M/D/YYYY`, NetSuite's default date preference (what SuiteQL returns without TO_CHAR). */
const usDate = (iso: string): string => {
  const [y, m, d] = iso.split('-');
  return `${Number(m)}/${Number(d)}/${y}`;
};

// ---------------------------------------------------------------------------------------------------
// Seeds

export const seedCustomer = (seed: SeedCompany, index: number): SandboxCustomer => ({
  id: seed.netsuiteCustomerId,
  externalId: seed.canonicalId,
  companyName: seed.legalName,
  email: seed.email,
  phone: seed.phone,
  vatRegNumber: seed.taxId,
  currency: seed.currency,
  address: { addr1: seed.street, city: seed.city, zip: seed.postalCode, country: seed.country },
  creditLimitMinor: seed.credit.limitMinor,
  holdOverride: seed.credit.holdOverride,
  lastModifiedDate: `2026-10-${String(20 + index).padStart(2, '0')}T09:14:00Z`,
});

/** One month of the company's subscription: what its last (paid) invoice and billed order were for. */
const monthlyFee = (seed: SeedCompany) => ({
  itemId: seed.subscription.planId.startsWith('strata-enterprise') ? '101' : '102',
  quantity: seed.subscription.quantity,
  rateMinor: seed.subscription.unitPriceMinor,
  totalMinor: seed.subscription.quantity * seed.subscription.unitPriceMinor,
});

/** Open invoices (from `seedLedger`) and the one paid in full, dated relative to `now`. */
export const seedInvoices = (seed: SeedCompany, index: number, now: number): SandboxInvoice[] => {
  const base = { customerId: seed.netsuiteCustomerId, currency: seed.currency };
  const open = seedLedger(seed, now).invoices.map((invoice, j) => ({
    ...base,
    id: String(40_000 + index * 100 + j),
    tranId: invoice.number,
    issuedOn: invoice.issuedOn,
    dueOn: invoice.dueOn,
    totalMinor: invoice.totalMinor,
    unpaidMinor: invoice.unpaidMinor,
  }));
  const { invoice } = seedPaidHistory(seed, now);
  const paid = { ...base, id: String(40_000 + index * 100 + 50), tranId: invoice.number, issuedOn: invoice.issuedOn, dueOn: invoice.dueOn, totalMinor: invoice.totalMinor, unpaidMinor: 0 };
  return [...open, paid];
};

/** The payment of the paid invoice (the seed's paid history). */
export const seedPayments = (seed: SeedCompany, index: number, now: number): SandboxPayment[] => {
  const { payment } = seedPaidHistory(seed, now);
  return [
    {
      id: String(45_000 + index * 100),
      tranId: payment.number,
      customerId: seed.netsuiteCustomerId,
      currency: seed.currency,
      receivedOn: payment.receivedOn,
      amountMinor: payment.amountMinor,
      method: 'EFT',
      appliedTo: [String(40_000 + index * 100 + 50)],
    },
  ];
};

/** The billed order behind the paid invoice and, when there are unbilled orders, the order pending billing. */
export const seedSalesOrders = (seed: SeedCompany, index: number, now: number): SandboxSalesOrder[] => {
  const day = today(now);
  const fee = monthlyFee(seed);
  const base = { customerId: seed.netsuiteCustomerId, currency: seed.currency };
  const billed: SandboxSalesOrder = {
    ...base,
    id: String(50_000 + index * 10),
    tranId: `SO-${104_100 + index}`,
    tranDate: isoDay(day - 46 * DAY_MS),
    status: 'G',
    lines: [{ itemId: fee.itemId, quantity: fee.quantity, rateMinor: fee.rateMinor }],
    createdDate: new Date(day - 46 * DAY_MS + 10 * 3_600_000).toISOString(),
  };
  if (seed.credit.unbilledMinor <= 0) return [billed];
  const pending: SandboxSalesOrder = {
    ...base,
    id: String(50_000 + index * 10 + 1),
    tranId: `SO-${104_200 + index}`,
    tranDate: isoDay(day - 6 * DAY_MS),
    otherRefNum: `PO-${seed.netsuiteCustomerId}-7`,
    status: 'F',
    lines: [{ itemId: '103', quantity: 1, rateMinor: seed.credit.unbilledMinor, description: 'Implementation services (fixed fee)' }],
    createdDate: new Date(day - 6 * DAY_MS + 10 * 3_600_000).toISOString(),
  };
  return [billed, pending];
};

// ---------------------------------------------------------------------------------------------------
// Wire records

export const orderTotalMinor = (order: SandboxSalesOrder): number => order.lines.reduce((t, l) => t + Math.round(l.quantity * l.rateMinor), 0);
export const unbilledMinorOf = (orders: readonly SandboxSalesOrder[]): number => orders.filter((o) => UNBILLED.has(o.status)).reduce((t, o) => t + orderTotalMinor(o), 0);

export const customerRecord = (
  customer: SandboxCustomer,
  base: string,
  options: { readonly expandSubResources: boolean; readonly invoices: readonly SandboxInvoice[]; readonly unbilledMinor: number; readonly now: number },
): NsCustomerWire => {
  const { id, currency } = customer;
  const self = `${base}${NS_CUSTOMER_PATH}/${id}`;
  const a = customer.address;
  const countryName = a ? (COUNTRY_NAMES[a.country] ?? a.country) : undefined;
  const addrText = a ? [customer.companyName, a.addr1, a.addr2, [a.zip, a.city].filter(Boolean).join(' '), countryName].filter(Boolean).join('\n') : undefined;
  const todayIso = isoDay(today(options.now));
  const unpaid = options.invoices.filter((i) => i.unpaidMinor > 0);
  const overdue = unpaid.filter((i) => i.dueOn < todayIso);
  const daysOverdue = overdue.reduce((d, i) => Math.max(d, Math.round((today(options.now) - Date.parse(`${i.dueOn}T00:00:00Z`)) / DAY_MS)), 0);
  return {
    links: [{ rel: 'self', href: self }],
    id,
    entityId: `CUS${id}`,
    ...(customer.externalId ? { externalId: customer.externalId } : {}),
    companyName: customer.companyName,
    isPerson: false,
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    isInactive: false,
    currency: currencyRef(currency, base),
    ...(customer.creditLimitMinor !== undefined ? { creditLimit: toDecimal(customer.creditLimitMinor, currency) } : {}),
    balance: toDecimal(unpaid.reduce((t, i) => t + i.unpaidMinor, 0), currency),
    overdueBalance: toDecimal(overdue.reduce((t, i) => t + i.unpaidMinor, 0), currency),
    daysOverdue,
    unbilledOrders: toDecimal(options.unbilledMinor, currency),
    creditHoldOverride: { id: customer.holdOverride, refName: HOLD_NAMES[customer.holdOverride] },
    ...(customer.vatRegNumber ? { vatRegNumber: customer.vatRegNumber } : {}),
    ...(addrText ? { defaultAddress: addrText } : {}),
    addressBook:
      options.expandSubResources && a
        ? {
            links: [{ rel: 'self', href: `${self}/addressBook` }],
            items: [
              {
                defaultBilling: true,
                defaultShipping: true,
                ...(a.addr1 ? { label: a.addr1 } : {}),
                addressBookAddress: {
                  ...(a.addr1 ? { addr1: a.addr1 } : {}),
                  ...(a.addr2 ? { addr2: a.addr2 } : {}),
                  ...(a.city ? { city: a.city } : {}),
                  ...(a.state ? { state: a.state } : {}),
                  ...(a.zip ? { zip: a.zip } : {}),
                  country: { id: a.country, refName: countryName! },
                  ...(addrText ? { addrText } : {}),
                },
              },
            ],
          }
        : { links: [{ rel: 'self', href: `${self}/addressBook` }] },
    lastModifiedDate: customer.lastModifiedDate,
  };
};

export const salesOrderRecord = (order: SandboxSalesOrder, customer: SandboxCustomer | undefined, base: string, options: { readonly expandSubResources: boolean }): NsSalesOrderWire => {
  const self = `${base}${NS_SALES_ORDER_PATH}/${order.id}`;
  const items = new Map(SANDBOX_ITEMS.map((i) => [i.id, i]));
  return {
    links: [{ rel: 'self', href: self }],
    id: order.id,
    tranId: order.tranId,
    ...(order.externalId ? { externalId: order.externalId } : {}),
    entity: { links: [{ rel: 'self', href: `${base}${NS_CUSTOMER_PATH}/${order.customerId}` }], id: order.customerId, refName: customer ? `CUS${customer.id} ${customer.companyName}` : order.customerId },
    currency: currencyRef(order.currency, base),
    tranDate: order.tranDate,
    ...(order.otherRefNum ? { otherRefNum: order.otherRefNum } : {}),
    orderStatus: { id: order.status, refName: ORDER_STATUS_NAMES[order.status] },
    total: toDecimal(orderTotalMinor(order), order.currency),
    createdDate: order.createdDate,
    lastModifiedDate: order.createdDate,
    item: options.expandSubResources
      ? {
          links: [{ rel: 'self', href: `${self}/item` }],
          items: order.lines.map((line, index) => {
            const item = items.get(line.itemId);
            return {
              line: index + 1,
              item: { links: [{ rel: 'self', href: `${base}/services/rest/record/v1/inventoryItem/${line.itemId}` }], id: line.itemId, refName: item?.itemId ?? line.itemId },
              description: line.description ?? item?.displayName ?? '',
              quantity: line.quantity,
              rate: toDecimal(line.rateMinor, order.currency),
              amount: toDecimal(Math.round(line.quantity * line.rateMinor), order.currency),
            };
          }),
        }
      : { links: [{ rel: 'self', href: `${self}/item` }] },
  };
};

/** An invoice as a row of Strata's invoice query; dates ISO when the query formats them, else the account's M/D/YYYY. */
export const invoiceRow = (invoice: SandboxInvoice, options: { readonly isoDates: boolean }): NsInvoiceRowWire => {
  const date = (iso: string) => (options.isoDates ? iso : usDate(iso));
  return {
    links: [],
    id: invoice.id,
    tranid: invoice.tranId,
    trandate: date(invoice.issuedOn),
    duedate: date(invoice.dueOn),
    foreigntotal: toDecimalText(invoice.totalMinor, invoice.currency),
    foreignamountunpaid: toDecimalText(invoice.unpaidMinor, invoice.currency),
    currency: invoice.currency,
  };
};

/** A payment as rows of Strata's payment query: one per applied invoice (one without `appliedto` when none). */
export const paymentRows = (payment: SandboxPayment): NsPaymentRowWire[] => {
  const row = {
    links: [],
    id: payment.id,
    tranid: payment.tranId,
    trandate: payment.receivedOn,
    foreigntotal: toDecimalText(payment.amountMinor, payment.currency),
    currency: payment.currency,
    paymentmethod: payment.method,
  };
  return payment.appliedTo.length === 0 ? [row] : [...payment.appliedTo].sort((a, b) => Number(a) - Number(b)).map((appliedto) => ({ ...row, appliedto }));
};
