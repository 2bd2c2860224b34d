// What the Business Central sandbox holds per instance (customers, orders, payments) and the rows derived from it.
import { SEED_COMPANIES, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { BC_EMPTY_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { seedCustomer, seedFinancials, seedInvoices, seedOpenOrder, seedPayment, type BcRecord } from './sandbox-data.js';
import { withEtag, type Expand } from './sandbox-responses.js';
import { badRequest, notFound, refuse } from './sandbox-wire.js';

export interface CustomerEntry {
  record: BcRecord;
  readonly seed?: SeedCompany;
}

export interface Store {
  readonly customers: Map<string, CustomerEntry>;
  readonly orders: Map<string, { header: BcRecord; lines: BcRecord[] }>;
  /** Payment lines registered through the API (the seeded ones are derived: `paymentRows`). */
  readonly payments: BcRecord[];
  counters: { customer: number; order: number; payment: number };
}

/** The seed companies as customers, each with its open order (if any), as of `now`. */
export const seedStore = (now: number): Store => {
  const store: Store = { customers: new Map(), orders: new Map(), payments: [], counters: { customer: 10001, order: 102001, payment: 1 } };
  SEED_COMPANIES.forEach((seed, index) => {
    const record = seedCustomer(seed, now);
    store.customers.set(String(record.id), { record, seed });
    const order = seedOpenOrder(seed, index, record, now);
    if (order) store.orders.set(String(order.header.id), order);
  });
  return store;
};

export const companyRecord = () => ({
  id: SANDBOX_DYNAMICS_BC.companyId,
  systemVersion: '27.0.38460.40725',
  timestamp: 18_446_744,
  name: 'CRONUS Strata Sandbox',
  displayName: 'CRONUS Strata Sandbox',
  businessProfileId: '',
  systemCreatedAt: '2025-01-06T09:00:00Z',
  systemCreatedBy: BC_EMPTY_GUID,
  systemModifiedAt: '2025-01-06T09:00:00Z',
  systemModifiedBy: BC_EMPTY_GUID,
});

export const customerRows = (store: Store) => [...store.customers.values()].map((e) => e.record);

export const financialRow = (entry: CustomerEntry, now: number): BcRecord => ({
  id: entry.record.id,
  number: entry.record.number,
  ...(entry.seed ? seedFinancials(entry.seed, now) : { balance: 0, overdueAmount: 0, totalSalesExcludingTax: 0 }),
  lastModifiedDateTime: entry.record.lastModifiedDateTime,
});

export const customerExpand = (store: Store, now: number): Expand => ({
  customerFinancialDetail: (row) => {
    const entry = store.customers.get(String(row.id));
    return entry ? withEtag(financialRow(entry, now)) : null;
  },
});

export const orderExpand = (store: Store): Expand => ({ salesOrderLines: (row) => (store.orders.get(String(row.id))?.lines ?? []).map(withEtag) });

/** Posted invoices: the seed companies' ledgers as of `now` (created customers have none). */
export const invoiceRows = (store: Store, now: number) =>
  [...store.customers.values()].flatMap((entry) => (entry.seed ? seedInvoices(entry.seed, entry.record, now) : []));

/**
 * Payment journal lines: each seed company's payment of its paid invoice as of `now` (lines 10000,
 * 20000, …), then the lines registered through the API.
 */
export const paymentRows = (store: Store, now: number): BcRecord[] => [
  ...[...store.customers.values()]
    .filter((entry): entry is CustomerEntry & { seed: SeedCompany } => entry.seed !== undefined)
    .map((entry, i) => seedPayment(entry.seed, entry.record, (i + 1) * 10000, now)),
  ...store.payments,
];

/** The customer a document names by `customerId` or `customerNumber`, else BC's error. */
export const findCustomer = (store: Store, body: BcRecord): { record: BcRecord } => {
  const entry =
    typeof body.customerId === 'string'
      ? store.customers.get(body.customerId.toLowerCase())
      : typeof body.customerNumber === 'string'
        ? [...store.customers.values()].find((e) => e.record.number === body.customerNumber)
        : refuse(badRequest('You must specify a customer id or a customer number.'));
  return entry ?? refuse(notFound('Customer', typeof body.customerId === 'string' ? `Id='{${body.customerId}}'` : `No.='${String(body.customerNumber)}'`));
};
