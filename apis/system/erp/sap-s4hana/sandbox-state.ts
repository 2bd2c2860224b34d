/**
 * What the SAP sandbox holds, per instance: business partners (seeded, plus those created by deep
 * insert), credit accounts, sales orders (seeded open orders, plus created ones), and the ledger's
 * customer line items (derived from the seeds as of the sandbox clock). Writes change this state only.
 */
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import type { Clock } from '../../../../shared/clock.js';
import { decimalToMinor } from './odata-query.js';
import { seedCreditAccount, seedLineItems, seedOrders, seedPartner, SANDBOX_ORG, type OrderRecord, type PartnerRecord, type Wire } from './sandbox-data.js';

export const createSandboxState = (clock: Clock) => {
  let partners = new Map<string, PartnerRecord>();
  let creditAccounts = new Map<string, Wire>();
  let orders = new Map<string, OrderRecord>();
  let nextPartner = 1_100_000;
  let nextAddress = 30_000;
  let nextOrder = 5_000_100;

  const reset = () => {
    partners = new Map(SEED_COMPANIES.map((seed, i) => [seed.vendorIds.sapBusinessPartner, seedPartner(seed, i)]));
    creditAccounts = new Map(SEED_COMPANIES.map((seed) => [`${seed.vendorIds.sapBusinessPartner}|${SANDBOX_ORG.creditControlArea}`, seedCreditAccount(seed)]));
    orders = new Map(seedOrders(clock.now()).map((o) => [String(o.header.SalesOrder), o]));
    nextPartner = 1_100_000;
    nextAddress = 30_000;
    nextOrder = 5_000_100;
  };
  reset();

  /** Customer line items as of now: the seed companies' ledgers (created customers have none). */
  const lineItems = (): Wire[] => SEED_COMPANIES.flatMap((seed, i) => seedLineItems(seed, i, clock.now()));

  /**
   * SAP credit management's check of an order, as the sandbox plays it: failed (`B`) when the credit
   * account is blocked, or open receivables + open orders + this order exceed a non-zero limit; else `A`.
   */
  const creditCheck = (customer: string, segment: string, currency: string, orderMinor: number): 'A' | 'B' => {
    const account = creditAccounts.get(`${customer}|${segment}`);
    if (!account) return 'A';
    if (account.CreditAccountIsBlocked === true) return 'B';
    const limit = decimalToMinor(String(account.CreditLimitAmount), currency) ?? 0;
    if (limit <= 0) return 'A';
    const minor = (w: Wire, field: string) => (w.TransactionCurrency === currency ? (decimalToMinor(String(w[field]), currency) ?? 0) : 0);
    const receivables = lineItems()
      .filter((l) => l.Customer === customer && l.ClearingAccountingDocument === '')
      .reduce((t, l) => t + minor(l, 'AmountInTransactionCurrency'), 0);
    const open = [...orders.values()]
      .filter((o) => o.header.SoldToParty === customer && o.header.OverallSDProcessStatus !== 'C' && o.header.OverallSDDocumentRejectionSts !== 'C')
      .reduce((t, o) => t + minor(o.header, 'TotalNetAmount'), 0);
    return receivables + open + orderMinor > limit ? 'B' : 'A';
  };

  return {
    reset,
    lineItems,
    creditCheck,
    partners: () => partners,
    creditAccounts: () => creditAccounts,
    orders: () => orders,
    partnerNumber: () => String(nextPartner++),
    addressNumber: () => String(nextAddress++),
    orderNumber: () => String(nextOrder++),
  };
};

export type SandboxState = ReturnType<typeof createSandboxState>;
