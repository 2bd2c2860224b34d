// The Chargebee sandbox site's in-memory records (seeded from SEED_COMPANIES), their list order and bookkeeping.
import type { Clock } from '../../../../shared/clock.js';
import type { ChargebeeCustomer, ChargebeeInvoice, ChargebeeItemPrice, ChargebeeSubscription } from '../../../../openapi/vendors/chargebee/types.js';
import { seedRecords } from './sandbox-data.js';

export type ChargebeeSandboxState = ReturnType<typeof createChargebeeSandboxState>;

/**
 * One sandbox instance's records. `seed()` replaces them all with fresh seeded ones; every record
 * gets a sequence number when stored (`remember`), the tie-breaker of list order.
 */
export const createChargebeeSandboxState = (clock: Clock, maxRecords: number) => {
  let customers = new Map<string, ChargebeeCustomer>();
  let subscriptions = new Map<string, ChargebeeSubscription>();
  let invoices: ChargebeeInvoice[] = [];
  let itemPrices = new Map<string, ChargebeeItemPrice>();
  let seqOf = new WeakMap<object, number>();
  let nextSeq = 1;
  let nextInvoice = 10_001;
  const remember = <T extends object>(record: T): T => {
    seqOf.set(record, nextSeq++);
    return record;
  };
  const seed = () => {
    const records = seedRecords(clock.now());
    seqOf = new WeakMap();
    nextSeq = 1;
    customers = new Map(records.customers.map((r) => [r.id, remember(r)]));
    itemPrices = new Map(records.itemPrices.map((r) => [r.id, remember(r)]));
    subscriptions = new Map(records.subscriptions.map((r) => [r.id, remember(r)]));
    invoices = records.invoices.map(remember);
    nextInvoice = 10_001 + invoices.length;
  };
  seed();
  const nowSeconds = () => Math.floor(clock.now() / 1000);

  return {
    get customers() {
      return customers;
    },
    get subscriptions() {
      return subscriptions;
    },
    get invoices() {
      return invoices;
    },
    get itemPrices() {
      return itemPrices;
    },
    seed,
    remember,
    seq: (r: object) => seqOf.get(r) ?? 0,
    nowSeconds,
    /** The next invoice number (`10001`, `10002`, …). */
    nextInvoiceNumber: () => nextInvoice++,
    touch: (r: { updated_at?: number; resource_version?: number }) => {
      r.updated_at = nowSeconds();
      r.resource_version = clock.now();
    },
    full: () => customers.size + subscriptions.size + invoices.length >= maxRecords,
  };
};
