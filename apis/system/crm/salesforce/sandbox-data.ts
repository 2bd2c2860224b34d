/**
 * The sandbox org: Account, Contact, Opportunity and User records derived from the shared seed companies
 * (plus the one account not linked to an ERP customer), and the describe information the sandbox's SOQL
 * subset and its updates resolve field names against. Account `External_Id__c` is the canonical
 * customer id; each account has 1–3 contacts, exactly one flagged with the custom checkbox
 * `Is_Primary__c`; each seed company has its one opportunity (`SeedCompany.opportunity`), its close date
 * relative to the day the org is built. The org is multi-currency (`CurrencyIsoCode` on Opportunity).
 */
import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { SEED_COMPANIES, UNLINKED_SALESFORCE_ACCOUNT, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';

export type FieldValue = string | number | boolean | null;
export type SObjectRecord = Readonly<Record<string, FieldValue>>;
export type FieldType = 'id' | 'string' | 'boolean' | 'datetime' | 'date' | 'number';

/** What an update may write to a field; a field absent from `updateable` is read-only. */
export interface FieldRules {
  /** The field label Salesforce names in error messages. */
  readonly label: string;
  readonly maxLength?: number;
  /** A restricted picklist: only these values. */
  readonly picklist?: readonly string[];
  /** Cannot be set to null. */
  readonly required?: boolean;
}

export interface SObjectDescribe {
  /** Field API names → type; SOQL resolves names case-insensitively against these. */
  readonly fields: Readonly<Record<string, FieldType>>;
  /** The fields an update (PATCH) may set, and their rules. */
  readonly updateable: Readonly<Record<string, FieldRules>>;
  /** Relationship name → the object it points at and the id field holding the reference. */
  readonly relationships: Readonly<Record<string, { readonly object: string; readonly via: string }>>;
  readonly keyPrefix: string;
}

/**
 * The org's Stage picklist: Salesforce's default values, with the probability, forecast category and
 * closed/won flags Salesforce attaches to each and derives onto the opportunity when the stage changes.
 */
export const STAGE_PICKLIST = [
  { value: 'Prospecting', probability: 10, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Qualification', probability: 10, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Needs Analysis', probability: 20, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Value Proposition', probability: 50, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Id. Decision Makers', probability: 60, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Perception Analysis', probability: 70, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Proposal/Price Quote', probability: 75, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Negotiation/Review', probability: 90, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Closed Won', probability: 100, forecast: 'Closed', closed: true, won: true },
  { value: 'Closed Lost', probability: 0, forecast: 'Omitted', closed: true, won: false },
] as const;

/** The org's active currencies (a restricted picklist on every record's `CurrencyIsoCode`); USD is the corporate currency. */
export const ACTIVE_CURRENCIES: readonly string[] = [...new Set(['USD', ...SEED_COMPANIES.map((c) => c.currency)])];

const text = (label: string, maxLength: number, required = false): FieldRules => ({ label, maxLength, ...(required ? { required } : {}) });

export const DESCRIBE: Readonly<Record<string, SObjectDescribe>> = {
  Account: {
    keyPrefix: '001',
    fields: {
      Id: 'id', Name: 'string', Type: 'string', Industry: 'string', Website: 'string', Phone: 'string',
      BillingStreet: 'string', BillingCity: 'string', BillingPostalCode: 'string', BillingCountry: 'string',
      OwnerId: 'id', External_Id__c: 'string', ERP_Customer_Id__c: 'string', Billing_Customer_Id__c: 'string',
      Support_Organization_Id__c: 'string', CreatedDate: 'datetime', LastModifiedDate: 'datetime',
    },
    updateable: {
      Name: text('Account Name', 255, true), Type: text('Account Type', 255), Industry: text('Industry', 255), Website: text('Website', 255),
      Phone: text('Account Phone', 40), BillingStreet: text('Billing Street', 255), BillingCity: text('Billing City', 40),
      BillingPostalCode: text('Billing Zip/Postal Code', 20), BillingCountry: text('Billing Country', 80),
      External_Id__c: text('External Id', 255), ERP_Customer_Id__c: text('ERP Customer Id', 64),
      Billing_Customer_Id__c: text('Billing Customer Id', 64), Support_Organization_Id__c: text('Support Organization Id', 64),
    },
    relationships: { Owner: { object: 'User', via: 'OwnerId' } },
  },
  Contact: {
    keyPrefix: '003',
    fields: {
      Id: 'id', AccountId: 'id', FirstName: 'string', LastName: 'string', Name: 'string', Title: 'string',
      Email: 'string', Phone: 'string', Is_Primary__c: 'boolean', CreatedDate: 'datetime', LastModifiedDate: 'datetime',
    },
    updateable: {
      FirstName: text('First Name', 40), LastName: text('Last Name', 80, true), Title: text('Title', 128), Email: text('Email', 80),
      Phone: text('Business Phone', 40), Is_Primary__c: { label: 'Is Primary', required: true },
    },
    relationships: { Account: { object: 'Account', via: 'AccountId' } },
  },
  Opportunity: {
    keyPrefix: '006',
    fields: {
      Id: 'id', AccountId: 'id', Name: 'string', StageName: 'string', Amount: 'number', CurrencyIsoCode: 'string',
      CloseDate: 'date', Probability: 'number', ForecastCategoryName: 'string', IsClosed: 'boolean', IsWon: 'boolean',
      Order_Number__c: 'string', CreatedDate: 'datetime', LastModifiedDate: 'datetime',
    },
    updateable: {
      Name: text('Name', 120, true),
      StageName: { label: 'Stage', picklist: STAGE_PICKLIST.map((s) => s.value), required: true },
      Amount: { label: 'Amount' },
      CurrencyIsoCode: { label: 'Opportunity Currency', picklist: ACTIVE_CURRENCIES, required: true },
      CloseDate: { label: 'Close Date', required: true },
      Probability: { label: 'Probability (%)' },
      Order_Number__c: text('Order Number', 64),
    },
    relationships: { Account: { object: 'Account', via: 'AccountId' } },
  },
  User: { keyPrefix: '005', fields: { Id: 'id', Name: 'string' }, updateable: {}, relationships: {} },
};

export interface SandboxOrg {
  /** Per object, its records; an update replaces a record in its array (state kept per sandbox instance). */
  readonly records: Readonly<Record<string, SObjectRecord[]>>;
}

const USERS = [
  { Id: '005Dn00000WhtfAIAA', Name: 'Dana Whitfield' },
  { Id: '005Dn00000OkafAIAA', Name: 'Sam Okafor' },
  { Id: '005Dn00000LindAIAA', Name: 'Priya Lindqvist' },
] as const;

/** Third contacts for the accounts that have three. */
const EXTRA_CONTACTS = [
  { FirstName: 'Tomasz', LastName: 'Nowak', Title: 'IT Manager' },
  { FirstName: 'Aiko', LastName: 'Tanaka', Title: 'Legal Counsel' },
] as const;

const regionName = new Intl.DisplayNames(['en'], { type: 'region' });
/** Salesforce's dateTime format: `2026-10-01T12:00:00.000+0000`. */
const octoberNoon = (day: number) => `2026-10-${String(day).padStart(2, '0')}T12:00:00.000+0000`;

/** The seeded primary contact's id of the account `accountId` (one source for the sandbox and the tests). */
export const primaryContactIdOf = (accountId: string) => `003Dn00000${accountId.slice(10, 14)}P1AQ`;

const contact = (
  accountId: string,
  tag: string,
  suffix: string,
  fields: { FirstName: string | null; LastName: string; Title: string | null; Email: string | null; Phone: string | null },
  primary: boolean,
  created: string,
): SObjectRecord => ({
  Id: `003Dn00000${tag}${suffix}`,
  AccountId: accountId,
  ...fields,
  Name: [fields.FirstName, fields.LastName].filter(Boolean).join(' '),
  Is_Primary__c: primary,
  CreatedDate: created,
  LastModifiedDate: created,
});

const DAY_MS = 86_400_000;
/** The sandbox shows one opportunity at a finer default stage than the canonical one, as real orgs do. */
const SEED_STAGE_NAMES: Readonly<Record<SeedCompany['opportunity']['stage'], string>> = {
  prospecting: 'Prospecting',
  qualification: 'Needs Analysis',
  proposal: 'Proposal/Price Quote',
  negotiation: 'Negotiation/Review',
  closed_won: 'Closed Won',
  closed_lost: 'Closed Lost',
};

/** The fields Salesforce derives from the stage: probability, forecast category, closed and won. */
export const stageDerivedFields = (stageName: string): Record<string, FieldValue> => {
  const stage = STAGE_PICKLIST.find((s) => s.value === stageName);
  if (!stage) throw new Error(`not a stage of the picklist: ${stageName}`);
  return { Probability: stage.probability, ForecastCategoryName: stage.forecast, IsClosed: stage.closed, IsWon: stage.won };
};

const opportunity = (company: SeedCompany, i: number, nowMs: number): SObjectRecord => {
  const o = company.opportunity;
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const stageName = SEED_STAGE_NAMES[o.stage];
  return {
    Id: o.salesforceId,
    AccountId: company.salesforceAccountId,
    Name: o.name,
    StageName: stageName,
    ...stageDerivedFields(stageName),
    Amount: o.amountMinor / 10 ** minorUnitExponent(company.currency),
    CurrencyIsoCode: company.currency,
    CloseDate: new Date(today + o.closeInDays * DAY_MS).toISOString().slice(0, 10),
    Order_Number__c: null,
    CreatedDate: '2026-06-01T09:00:00.000+0000',
    LastModifiedDate: octoberNoon(i + 10),
  };
};

/**
 * Builds the seeded org. `extraAccounts` lets a test add records (e.g. a duplicated external id);
 * `nowMs` is the day opportunity close dates count from.
 */
export const buildSandboxOrg = (extraAccounts: readonly SObjectRecord[] = [], nowMs: number = Date.now()): SandboxOrg => {
  const accounts: SObjectRecord[] = [];
  const contacts: SObjectRecord[] = [];
  const opportunities: SObjectRecord[] = [];

  SEED_COMPANIES.forEach((company, i) => {
    const id = company.salesforceAccountId;
    const tag = id.slice(10, 14);
    const domain = new URL(company.website).hostname;
    accounts.push({
      Id: id,
      Name: company.legalName,
      Type: 'Customer - Direct',
      Industry: company.industry,
      Website: company.website,
      Phone: company.phone,
      BillingStreet: company.street,
      BillingCity: company.city,
      BillingPostalCode: company.postalCode,
      BillingCountry: regionName.of(company.country) ?? company.country,
      OwnerId: USERS[i % USERS.length]!.Id,
      External_Id__c: company.canonicalId,
      // Nothing written back yet: the gateway's writeBackReferences fills these.
      ERP_Customer_Id__c: null,
      Billing_Customer_Id__c: null,
      Support_Organization_Id__c: null,
      CreatedDate: '2025-03-01T09:00:00.000+0000',
      LastModifiedDate: octoberNoon(i + 1),
    });
    opportunities.push(opportunity(company, i, nowMs));
    const p = company.primaryContact;
    contacts.push(contact(id, tag, 'P1AQ', { FirstName: p.firstName, LastName: p.lastName, Title: p.title, Email: p.email, Phone: p.phone }, true, '2025-03-01T09:05:00.000+0000'));
    // 1–3 contacts: the primary, then accounts payable, then a third for some accounts.
    if (i % 3 >= 1) {
      contacts.push(contact(id, tag, 'A2AQ', { FirstName: null, LastName: 'Accounts Payable', Title: 'Accounts Payable', Email: company.email, Phone: company.phone }, false, '2025-03-02T09:00:00.000+0000'));
    }
    if (i % 3 === 2) {
      const extra = EXTRA_CONTACTS[i % EXTRA_CONTACTS.length]!;
      contacts.push(contact(id, tag, 'X3AQ', { ...extra, Email: `${extra.FirstName}.${extra.LastName}@${domain}`.toLowerCase(), Phone: null }, false, '2025-03-03T09:00:00.000+0000'));
    }
  });

  const hooli = UNLINKED_SALESFORCE_ACCOUNT;
  accounts.push({
    Id: hooli.id,
    Name: hooli.name,
    Type: 'Prospect',
    Industry: hooli.industry,
    Website: hooli.website,
    Phone: null,
    BillingStreet: null,
    BillingCity: null,
    BillingPostalCode: null,
    BillingCountry: hooli.billingCountry,
    OwnerId: USERS[0]!.Id,
    External_Id__c: null,
    ERP_Customer_Id__c: null,
    Billing_Customer_Id__c: null,
    Support_Organization_Id__c: null,
    CreatedDate: '2026-09-15T16:30:00.000+0000',
    LastModifiedDate: '2026-10-20T08:15:00.000+0000',
  });
  contacts.push(contact(hooli.id, hooli.id.slice(10, 14), 'P1AQ', { FirstName: 'Gavin', LastName: 'Belson', Title: 'CEO', Email: 'gavin.belson@hooli.example', Phone: '+1 650 555 0101' }, true, '2026-09-15T16:35:00.000+0000'));

  return { records: { Account: [...accounts, ...extraAccounts], Contact: contacts, Opportunity: opportunities, User: USERS.map((u) => ({ ...u })) } };
};
