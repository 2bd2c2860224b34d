/**
 * The companies every vendor sandbox is seeded with, so that the CRM, ERP (and later billing and
 * support) sandboxes describe the same customers and the identity cross-reference links them.
 * Each sandbox derives its own vendor-shaped records from this list; figures are in minor units.
 */
export interface SeedCompany {
  /** Canonical customer id (the cross-reference's own key). */
  readonly canonicalId: string;
  readonly legalName: string;
  readonly country: string;
  readonly city: string;
  readonly street: string;
  readonly postalCode: string;
  readonly currency: string;
  readonly taxId: string;
  readonly industry: string;
  readonly website: string;
  readonly email: string;
  readonly phone: string;
  readonly primaryContact: { readonly firstName: string; readonly lastName: string; readonly title: string; readonly email: string; readonly phone: string };
  readonly salesforceAccountId: string;
  readonly netsuiteCustomerId: string;
  readonly credit: {
    readonly limitMinor: number;
    readonly unbilledMinor: number;
    /** NetSuite's creditHoldOverride. */
    readonly holdOverride: 'AUTO' | 'ON' | 'OFF';
  };
  /**
   * Open invoices: [number, issued days ago, due in days (negative: past due), total minor, unpaid minor].
   * Relative to today, so the ledger looks the same whenever the sandbox runs; balances and overdue
   * figures are derived from it (`seedLedger`), never stated twice.
   */
  readonly openInvoices: ReadonlyArray<readonly [string, number, number, number, number]>;
}

export const SEED_COMPANIES: readonly SeedCompany[] = [
  {
    canonicalId: 'cus_01HZX3GLOBEX',
    legalName: 'Globex GmbH',
    country: 'DE', city: 'Berlin', street: 'Friedrichstraße 68', postalCode: '10117', currency: 'EUR',
    taxId: 'DE811907980', industry: 'Manufacturing', website: 'https://globex.example',
    email: 'accounts@globex.example', phone: '+49 30 901820',
    primaryContact: { firstName: 'Hanna', lastName: 'Becker', title: 'Head of Procurement', email: 'hanna.becker@globex.example', phone: '+49 30 9018 2211' },
    salesforceAccountId: '001Dn00000GlbxAIAR', netsuiteCustomerId: '8812',
    credit: { limitMinor: 50_000_00, unbilledMinor: 4_000_00, holdOverride: 'AUTO' },
    openInvoices: [
      ['INV-10422', 21, 9, 7_500_00, 7_500_00],
      ['INV-10488', 3, 27, 5_000_00, 5_000_00],
    ],
  },
  {
    canonicalId: 'cus_01HZX3INITECH',
    legalName: 'Initech Ltd',
    country: 'GB', city: 'London', street: '1 Poultry', postalCode: 'EC2R 8EJ', currency: 'GBP',
    taxId: 'GB980780684', industry: 'Software', website: 'https://initech.example',
    email: 'ap@initech.example', phone: '+44 20 7946 0018',
    primaryContact: { firstName: 'Peter', lastName: 'Gibbons', title: 'Finance Director', email: 'peter.gibbons@initech.example', phone: '+44 20 7946 0991' },
    salesforceAccountId: '001Dn00000InitAIAR', netsuiteCustomerId: '8813',
    credit: { limitMinor: 20_000_00, unbilledMinor: 0, holdOverride: 'AUTO' },
    openInvoices: [
      ['INV-10301', 72, -42, 6_100_00, 6_100_00],
      ['INV-10455', 25, 5, 12_100_00, 12_100_00],
    ],
  },
  {
    canonicalId: 'cus_01HZX3UMBRELLA',
    legalName: 'Umbrella Corporation SAS',
    country: 'FR', city: 'Lyon', street: '12 Rue de la République', postalCode: '69002', currency: 'EUR',
    taxId: 'FR40303265045', industry: 'Pharmaceuticals', website: 'https://umbrella.example',
    email: 'comptabilite@umbrella.example', phone: '+33 4 72 00 11 22',
    primaryContact: { firstName: 'Claire', lastName: 'Moreau', title: 'Directrice financière', email: 'claire.moreau@umbrella.example', phone: '+33 4 72 00 11 90' },
    salesforceAccountId: '001Dn00000UmbrAIAR', netsuiteCustomerId: '8814',
    credit: { limitMinor: 100_000_00, unbilledMinor: 0, holdOverride: 'ON' },
    openInvoices: [['INV-10460', 20, 10, 40_000_00, 40_000_00]],
  },
  {
    canonicalId: 'cus_01HZX3STARK',
    legalName: 'Stark Industries Inc.',
    country: 'US', city: 'New York', street: '200 Park Avenue', postalCode: '10166', currency: 'USD',
    taxId: '13-3871234', industry: 'Aerospace', website: 'https://stark.example',
    email: 'payables@stark.example', phone: '+1 212 555 0142',
    primaryContact: { firstName: 'Virginia', lastName: 'Potts', title: 'CEO', email: 'v.potts@stark.example', phone: '+1 212 555 0100' },
    salesforceAccountId: '001Dn00000StrkAIAR', netsuiteCustomerId: '8815',
    credit: { limitMinor: 250_000_00, unbilledMinor: 0, holdOverride: 'AUTO' },
    openInvoices: [],
  },
  {
    canonicalId: 'cus_01HZX3WAYNE',
    legalName: 'Wayne Enterprises B.V.',
    country: 'NL', city: 'Amsterdam', street: 'Herengracht 420', postalCode: '1017 BZ', currency: 'EUR',
    taxId: 'NL859142305B01', industry: 'Conglomerate', website: 'https://wayne.example',
    email: 'finance@wayne.example', phone: '+31 20 555 0199',
    primaryContact: { firstName: 'Lucius', lastName: 'Fox', title: 'COO', email: 'lucius.fox@wayne.example', phone: '+31 20 555 0120' },
    salesforceAccountId: '001Dn00000WaynAIAR', netsuiteCustomerId: '8816',
    credit: { limitMinor: 75_000_00, unbilledMinor: 2_500_00, holdOverride: 'OFF' },
    openInvoices: [
      ['INV-10470', 27, 3, 35_500_00, 35_500_00],
      ['INV-10490', 8, 22, 35_500_00, 35_500_00],
    ],
  },
];

/** A CRM account with no ERP customer yet (not linked in the cross-reference). */
export const UNLINKED_SALESFORCE_ACCOUNT = {
  id: '001Dn00000HooliAIA',
  name: 'Hooli Inc.',
  industry: 'Technology',
  website: 'https://hooli.example',
  billingCountry: 'United States',
} as const;

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface SeedInvoice {
  readonly number: string;
  /** YYYY-MM-DD */
  readonly issuedOn: string;
  readonly dueOn: string;
  readonly totalMinor: number;
  readonly unpaidMinor: number;
  readonly daysOverdue: number;
}

export interface SeedLedger {
  readonly invoices: readonly SeedInvoice[];
  /** Open receivables: the unpaid part of every open invoice. */
  readonly balanceMinor: number;
  readonly overdueMinor: number;
  /** Days past due of the oldest overdue invoice (0 when none). */
  readonly daysOverdue: number;
}

/** A company's receivables as of `nowMs` (UTC days), derived from its relative invoice dates. */
export const seedLedger = (company: SeedCompany, nowMs: number): SeedLedger => {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const invoices = company.openInvoices.map(([number, issuedDaysAgo, dueInDays, totalMinor, unpaidMinor]) => ({
    number,
    issuedOn: isoDay(today - issuedDaysAgo * DAY_MS),
    dueOn: isoDay(today + dueInDays * DAY_MS),
    totalMinor,
    unpaidMinor,
    daysOverdue: Math.max(0, -dueInDays),
  }));
  const overdue = invoices.filter((i) => i.daysOverdue > 0);
  return {
    invoices,
    balanceMinor: invoices.reduce((t, i) => t + i.unpaidMinor, 0),
    overdueMinor: overdue.reduce((t, i) => t + i.unpaidMinor, 0),
    daysOverdue: overdue.reduce((d, i) => Math.max(d, i.daysOverdue), 0),
  };
};
