import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { seedLedger, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import { NS_CUSTOMER_PATH, type NsCustomerWire, type NsOpenInvoiceRowWire } from '../../../../openapi/vendors/netsuite/types.js';

/**
 * NetSuite-shaped records derived from the shared seed companies, so the ERP sandbox describes the
 * same customers as the CRM sandbox and the identity cross-reference.
 */

/** Stock currency records of a NetSuite account: internal id and name (the name, not the ISO code, is the refName). */
const CURRENCIES: Readonly<Record<string, { id: string; refName: string }>> = {
  USD: { id: '1', refName: 'US Dollar' },
  GBP: { id: '2', refName: 'British pound' },
  CAD: { id: '3', refName: 'Canadian Dollar' },
  EUR: { id: '4', refName: 'Euro' },
};
const COUNTRY_NAMES: Readonly<Record<string, string>> = { DE: 'Germany', GB: 'United Kingdom', FR: 'France', US: 'United States', NL: 'Netherlands' };
const HOLD_NAMES = { AUTO: 'Auto', ON: 'On', OFF: 'Off' } as const;

/** Minor units to NetSuite's decimal amount. */
export const toDecimal = (minor: number, currency: string): number => minor / 10 ** minorUnitExponent(currency);
const toDecimalText = (minor: number, currency: string): string => toDecimal(minor, currency).toFixed(minorUnitExponent(currency));

const currencyRef = (code: string, base: string) => {
  const c = CURRENCIES[code] ?? { id: '99', refName: code };
  return { links: [{ rel: 'self', href: `${base}/services/rest/record/v1/currency/${c.id}` }], id: c.id, refName: c.refName };
};

/** `YYYY-MM-DD` → `M/D/YYYY`, NetSuite's default date preference (what SuiteQL returns without TO_CHAR). */
const usDate = (iso: string): string => {
  const [y, m, d] = iso.split('-');
  return `${Number(m)}/${Number(d)}/${y}`;
};

export const customerRecord = (seed: SeedCompany, index: number, base: string, options: { expandSubResources: boolean; now: number }): NsCustomerWire => {
  const id = seed.netsuiteCustomerId;
  const self = `${base}${NS_CUSTOMER_PATH}/${id}`;
  const countryName = COUNTRY_NAMES[seed.country] ?? seed.country;
  const addrText = `${seed.legalName}\n${seed.street}\n${seed.postalCode} ${seed.city}\n${countryName}`;
  const { credit } = seed;
  const ledger = seedLedger(seed, options.now);
  return {
    links: [{ rel: 'self', href: self }],
    id,
    entityId: `CUS${id}`,
    companyName: seed.legalName,
    isPerson: false,
    email: seed.email,
    phone: seed.phone,
    isInactive: false,
    currency: currencyRef(seed.currency, base),
    creditLimit: toDecimal(credit.limitMinor, seed.currency),
    balance: toDecimal(ledger.balanceMinor, seed.currency),
    overdueBalance: toDecimal(ledger.overdueMinor, seed.currency),
    daysOverdue: ledger.daysOverdue,
    unbilledOrders: toDecimal(credit.unbilledMinor, seed.currency),
    creditHoldOverride: { id: credit.holdOverride, refName: HOLD_NAMES[credit.holdOverride] },
    vatRegNumber: seed.taxId,
    defaultAddress: addrText,
    addressBook: options.expandSubResources
      ? {
          links: [{ rel: 'self', href: `${self}/addressBook` }],
          items: [
            {
              defaultBilling: true,
              defaultShipping: true,
              label: seed.street,
              addressBookAddress: {
                addr1: seed.street,
                city: seed.city,
                zip: seed.postalCode,
                country: { id: seed.country, refName: countryName },
                addrText,
              },
            },
          ],
        }
      : { links: [{ rel: 'self', href: `${self}/addressBook` }] },
    lastModifiedDate: `2026-10-${String(20 + index).padStart(2, '0')}T09:14:00Z`,
  };
};

/** The seed company's open invoices as SuiteQL rows, oldest due date first (then internal id). */
export const openInvoiceRows = (seed: SeedCompany, index: number, options: { isoDates: boolean; now: number }): NsOpenInvoiceRowWire[] => {
  const date = (iso: string) => (options.isoDates ? iso : usDate(iso));
  return seedLedger(seed, options.now)
    .invoices.map((invoice, j) => ({
      links: [],
      id: String(40_000 + index * 100 + j),
      tranid: invoice.number,
      trandate: date(invoice.issuedOn),
      duedate: date(invoice.dueOn),
      foreigntotal: toDecimalText(invoice.totalMinor, seed.currency),
      foreignamountunpaid: toDecimalText(invoice.unpaidMinor, seed.currency),
      currency: seed.currency,
      due: invoice.dueOn,
    }))
    .sort((a, b) => a.due.localeCompare(b.due) || Number(a.id) - Number(b.id))
    .map(({ due: _due, ...row }) => row);
};
