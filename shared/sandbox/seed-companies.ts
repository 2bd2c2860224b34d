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
  /** The same company's id in every other vendor's sandbox (each in that vendor's own id format). */
  readonly vendorIds: {
    /** SAP Business Partner (and Customer) number: up to 10 digits. */
    readonly sapBusinessPartner: string;
    /** Business Central customer `id` (GUID) and `number`. */
    readonly businessCentralId: string;
    readonly businessCentralNumber: string;
    readonly hubspotCompanyId: string;
    readonly stripeCustomerId: string;
    readonly chargebeeCustomerId: string;
    readonly zendeskOrganizationId: string;
    /** ServiceNow `core_company` sys_id (32 hex). */
    readonly servicenowCompanySysId: string;
  };
  /** The open (or last) CRM opportunity of the account. */
  readonly opportunity: {
    readonly name: string;
    readonly stage: 'prospecting' | 'qualification' | 'proposal' | 'negotiation' | 'closed_won' | 'closed_lost';
    readonly amountMinor: number;
    /** Expected close, in days from today (negative: in the past). */
    readonly closeInDays: number;
    /** Per-vendor opportunity / deal ids. */
    readonly salesforceId: string;
    readonly hubspotDealId: string;
  };
  /** The billing subscription (Stripe price / Chargebee item price `planId`). */
  readonly subscription: {
    readonly planId: string;
    readonly quantity: number;
    /** Price per unit per month, minor units, in the company's currency. */
    readonly unitPriceMinor: number;
    readonly termMonths: 12 | 24 | 36;
    /** The current term started this many days ago; it renews at its end. */
    readonly termStartedDaysAgo: number;
    readonly status: 'active' | 'past_due' | 'cancelled' | 'trialing';
    readonly stripeSubscriptionId: string;
    readonly chargebeeSubscriptionId: string;
  };
  /** Support entitlement and cases. */
  readonly support: {
    readonly tier: 'standard' | 'premium' | 'enterprise';
    /** [subject, severity, status, opened days ago, SLA breached] */
    readonly cases: ReadonlyArray<readonly [string, 'sev1' | 'sev2' | 'sev3' | 'sev4', 'new' | 'open' | 'pending' | 'solved' | 'closed', number, boolean]>;
  };
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
    vendorIds: { sapBusinessPartner: '1000812', businessCentralId: '5d115c9c-44e3-ea11-bb43-000d3a2f8812', businessCentralNumber: 'C08812', hubspotCompanyId: '5783271001', stripeCustomerId: 'cus_QGlobex0000001', chargebeeCustomerId: 'AzZGlobex01', zendeskOrganizationId: '360000008812', servicenowCompanySysId: 'a1b2c3d4e5f60718293a4b5c6d7e8812' },
    opportunity: { name: 'Globex — 2027 expansion', stage: 'negotiation', amountMinor: 60_000_00, closeInDays: 20, salesforceId: '006Dn00000GlbxOAAR', hubspotDealId: '9100000001' },
    subscription: { planId: 'strata-enterprise-monthly', quantity: 120, unitPriceMinor: 45_00, termMonths: 12, termStartedDaysAgo: 300, status: 'active', stripeSubscriptionId: 'sub_QGlobex0000001', chargebeeSubscriptionId: 'AzZGlobexSub01' },
    support: { tier: 'enterprise', cases: [['SSO login loop after IdP certificate rotation', 'sev2', 'open', 3, false], ['Invoice PDF shows wrong VAT id', 'sev4', 'solved', 40, false]] },
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
    vendorIds: { sapBusinessPartner: '1000813', businessCentralId: '5d115c9c-44e3-ea11-bb43-000d3a2f8813', businessCentralNumber: 'C08813', hubspotCompanyId: '5783271002', stripeCustomerId: 'cus_QInitech000001', chargebeeCustomerId: 'AzZInitech01', zendeskOrganizationId: '360000008813', servicenowCompanySysId: 'a1b2c3d4e5f60718293a4b5c6d7e8813' },
    opportunity: { name: 'Initech — renewal 2027', stage: 'proposal', amountMinor: 18_000_00, closeInDays: 45, salesforceId: '006Dn00000InitOAAR', hubspotDealId: '9100000002' },
    subscription: { planId: 'strata-pro-monthly', quantity: 40, unitPriceMinor: 30_00, termMonths: 12, termStartedDaysAgo: 340, status: 'past_due', stripeSubscriptionId: 'sub_QInitech000001', chargebeeSubscriptionId: 'AzZInitechSub01' },
    support: { tier: 'standard', cases: [['API returns 500 on bulk export', 'sev1', 'open', 9, true], ['Cannot add users', 'sev3', 'pending', 5, true], ['Question about data retention', 'sev4', 'new', 1, false]] },
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
    vendorIds: { sapBusinessPartner: '1000814', businessCentralId: '5d115c9c-44e3-ea11-bb43-000d3a2f8814', businessCentralNumber: 'C08814', hubspotCompanyId: '5783271003', stripeCustomerId: 'cus_QUmbrella00001', chargebeeCustomerId: 'AzZUmbrella01', zendeskOrganizationId: '360000008814', servicenowCompanySysId: 'a1b2c3d4e5f60718293a4b5c6d7e8814' },
    opportunity: { name: 'Umbrella — lab rollout', stage: 'qualification', amountMinor: 120_000_00, closeInDays: 75, salesforceId: '006Dn00000UmbrOAAR', hubspotDealId: '9100000003' },
    subscription: { planId: 'strata-enterprise-annual', quantity: 300, unitPriceMinor: 40_00, termMonths: 36, termStartedDaysAgo: 200, status: 'active', stripeSubscriptionId: 'sub_QUmbrella00001', chargebeeSubscriptionId: 'AzZUmbrellaSub01' },
    support: { tier: 'premium', cases: [['Audit log export missing fields', 'sev3', 'open', 12, false]] },
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
    vendorIds: { sapBusinessPartner: '1000815', businessCentralId: '5d115c9c-44e3-ea11-bb43-000d3a2f8815', businessCentralNumber: 'C08815', hubspotCompanyId: '5783271004', stripeCustomerId: 'cus_QStark0000001', chargebeeCustomerId: 'AzZStark01', zendeskOrganizationId: '360000008815', servicenowCompanySysId: 'a1b2c3d4e5f60718293a4b5c6d7e8815' },
    opportunity: { name: 'Stark — platform deal', stage: 'closed_won', amountMinor: 250_000_00, closeInDays: -10, salesforceId: '006Dn00000StrkOAAR', hubspotDealId: '9100000004' },
    subscription: { planId: 'strata-enterprise-annual', quantity: 1000, unitPriceMinor: 35_00, termMonths: 24, termStartedDaysAgo: 10, status: 'active', stripeSubscriptionId: 'sub_QStark0000001', chargebeeSubscriptionId: 'AzZStarkSub01' },
    support: { tier: 'enterprise', cases: [] },
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
    vendorIds: { sapBusinessPartner: '1000816', businessCentralId: '5d115c9c-44e3-ea11-bb43-000d3a2f8816', businessCentralNumber: 'C08816', hubspotCompanyId: '5783271005', stripeCustomerId: 'cus_QWayne0000001', chargebeeCustomerId: 'AzZWayne01', zendeskOrganizationId: '360000008816', servicenowCompanySysId: 'a1b2c3d4e5f60718293a4b5c6d7e8816' },
    opportunity: { name: 'Wayne — security add-on', stage: 'prospecting', amountMinor: 30_000_00, closeInDays: 90, salesforceId: '006Dn00000WaynOAAR', hubspotDealId: '9100000005' },
    subscription: { planId: 'strata-pro-monthly', quantity: 150, unitPriceMinor: 30_00, termMonths: 12, termStartedDaysAgo: 350, status: 'active', stripeSubscriptionId: 'sub_QWayne0000001', chargebeeSubscriptionId: 'AzZWayneSub01' },
    support: { tier: 'premium', cases: [['Webhook deliveries delayed', 'sev2', 'open', 2, false], ['Escalation: data sync stalled', 'sev1', 'open', 1, false]] },
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

export interface SeedPaidHistory {
  /** Last period's subscription invoice (one month: quantity × unit price), paid in full. */
  readonly invoice: { readonly number: string; readonly issuedOn: string; readonly dueOn: string; readonly totalMinor: number };
  /** The payment that settled it, received three days before it was due. */
  readonly payment: { readonly number: string; readonly receivedOn: string; readonly amountMinor: number; readonly method: string };
}

/**
 * Every ERP sandbox's paid history of a company, as of `nowMs`: one paid invoice and the payment
 * applied to it, so "paid invoices" and "payments" read the same from every ERP.
 */
export const seedPaidHistory = (company: SeedCompany, nowMs: number): SeedPaidHistory => {
  const index = SEED_COMPANIES.indexOf(company);
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const totalMinor = company.subscription.quantity * company.subscription.unitPriceMinor;
  return {
    invoice: { number: `INV-${10_200 + index}`, issuedOn: isoDay(today - 45 * DAY_MS), dueOn: isoDay(today - 15 * DAY_MS), totalMinor },
    payment: { number: `PYMT-${20_400 + index}`, receivedOn: isoDay(today - 18 * DAY_MS), amountMinor: totalMinor, method: 'Wire transfer' },
  };
};
