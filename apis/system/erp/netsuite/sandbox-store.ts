import type { Clock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import {
  SANDBOX_CURRENCIES,
  SANDBOX_ITEMS,
  seedCustomer,
  seedInvoices,
  seedPayments,
  seedSalesOrders,
  unbilledMinorOf,
  type SandboxCustomer,
  type SandboxInvoice,
  type SandboxPayment,
  type SandboxSalesOrder,
} from './sandbox-records.js';
import type { SuiteQlData } from './sandbox-suiteql.js';

export type RecordType = 'customer' | 'salesOrder';

/**
 * The NetSuite sandbox's state: the seeded records (derived from the seed companies on every read,
 * so their dates follow the clock) plus what clients created, kept in memory until `reset()`.
 * Created records get NetSuite-like sequential internal ids and document numbers.
 */
export const createNetsuiteSandboxStore = (clock: Clock) => {
  const seededCustomers = SEED_COMPANIES.map(seedCustomer);
  let createdCustomers: SandboxCustomer[] = [];
  let createdOrders: SandboxSalesOrder[] = [];
  /** `X-NetSuite-Idempotency-Key` → the record its first request created. */
  let keys = new Map<string, { readonly type: RecordType; readonly id: string }>();
  let nextCustomerId = 9_001;
  let nextOrderId = 60_001;
  let nextOrderNumber = 105_001;

  const seededOrders = () => SEED_COMPANIES.flatMap((seed, index) => seedSalesOrders(seed, index, clock.now()));
  const invoices = (): SandboxInvoice[] => SEED_COMPANIES.flatMap((seed, index) => seedInvoices(seed, index, clock.now()));
  const payments = (): SandboxPayment[] => SEED_COMPANIES.flatMap((seed, index) => seedPayments(seed, index, clock.now()));
  const customers = () => [...seededCustomers, ...createdCustomers];
  const orders = () => [...seededOrders(), ...createdOrders];

  /** `8812` or `eid:cus_01HZX3GLOBEX`. */
  const byRef = <T extends { readonly id: string; readonly externalId?: string }>(records: readonly T[], ref: string): T | undefined =>
    ref.startsWith('eid:') ? records.find((r) => r.externalId === ref.slice(4)) : records.find((r) => r.id === ref);

  return {
    customer: (ref: string) => byRef(customers(), ref),
    salesOrder: (ref: string) => byRef(orders(), ref),
    invoicesOf: (customerId: string) => invoices().filter((i) => i.customerId === customerId),
    unbilledMinorOf: (customerId: string) => unbilledMinorOf(orders().filter((o) => o.customerId === customerId)),
    externalIdTaken: (type: RecordType, externalId: string) => (type === 'customer' ? customers() : orders()).some((r) => r.externalId === externalId),
    suiteQlData: (): SuiteQlData => ({ customers: customers(), invoices: invoices(), payments: payments(), items: SANDBOX_ITEMS, currencies: SANDBOX_CURRENCIES }),

    addCustomer(fields: Omit<SandboxCustomer, 'id' | 'lastModifiedDate' | 'holdOverride'>): SandboxCustomer {
      const customer: SandboxCustomer = { ...fields, id: String(nextCustomerId++), holdOverride: 'AUTO', lastModifiedDate: new Date(clock.now()).toISOString() };
      createdCustomers.push(customer);
      return customer;
    },
    addSalesOrder(fields: Omit<SandboxSalesOrder, 'id' | 'tranId' | 'createdDate'>): SandboxSalesOrder {
      const order: SandboxSalesOrder = { ...fields, id: String(nextOrderId++), tranId: `SO-${nextOrderNumber++}`, createdDate: new Date(clock.now()).toISOString() };
      createdOrders.push(order);
      return order;
    },
    /** What clients created since the last reset (the control API shows it, so a test can count duplicates). */
    created: () => ({ customers: [...createdCustomers], salesOrders: [...createdOrders] }),

    idempotent: (key: string) => keys.get(key),
    remember: (key: string, type: RecordType, id: string) => void keys.set(key, { type, id }),

    reset(): void {
      createdCustomers = [];
      createdOrders = [];
      keys = new Map();
      nextCustomerId = 9_001;
      nextOrderId = 60_001;
      nextOrderNumber = 105_001;
    },
  };
};

export type NetsuiteSandboxStore = ReturnType<typeof createNetsuiteSandboxStore>;
