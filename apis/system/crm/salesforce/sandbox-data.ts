/**
 * The sandbox org: Account, Contact and User records derived from the shared seed companies (plus the
 * one account not linked to an ERP customer), and the describe information the sandbox's SOQL subset
 * resolves field names against. Account `External_Id__c` is the canonical customer id; each account
 * has 1–3 contacts, exactly one flagged with the custom checkbox `Is_Primary__c`.
 */
import { SEED_COMPANIES, UNLINKED_SALESFORCE_ACCOUNT } from '../../../../shared/sandbox/seed-companies.js';

export type FieldValue = string | boolean | null;
export type SObjectRecord = Readonly<Record<string, FieldValue>>;
export type FieldType = 'id' | 'string' | 'boolean' | 'datetime';

export interface SObjectDescribe {
  /** Field API names → type; SOQL resolves names case-insensitively against these. */
  readonly fields: Readonly<Record<string, FieldType>>;
  /** Relationship name → the object it points at and the id field holding the reference. */
  readonly relationships: Readonly<Record<string, { readonly object: string; readonly via: string }>>;
  readonly keyPrefix: string;
}

export const DESCRIBE: Readonly<Record<string, SObjectDescribe>> = {
  Account: {
    keyPrefix: '001',
    fields: {
      Id: 'id', Name: 'string', Type: 'string', Industry: 'string', Website: 'string', Phone: 'string',
      BillingStreet: 'string', BillingCity: 'string', BillingPostalCode: 'string', BillingCountry: 'string',
      OwnerId: 'id', External_Id__c: 'string', CreatedDate: 'datetime', LastModifiedDate: 'datetime',
    },
    relationships: { Owner: { object: 'User', via: 'OwnerId' } },
  },
  Contact: {
    keyPrefix: '003',
    fields: {
      Id: 'id', AccountId: 'id', FirstName: 'string', LastName: 'string', Name: 'string', Title: 'string',
      Email: 'string', Phone: 'string', Is_Primary__c: 'boolean', CreatedDate: 'datetime', LastModifiedDate: 'datetime',
    },
    relationships: { Account: { object: 'Account', via: 'AccountId' } },
  },
  User: { keyPrefix: '005', fields: { Id: 'id', Name: 'string' }, relationships: {} },
};

export interface SandboxOrg {
  readonly records: Readonly<Record<string, readonly SObjectRecord[]>>;
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

/** Builds the seeded org. `extraAccounts` lets a test add records (e.g. a duplicated external id). */
export const buildSandboxOrg = (extraAccounts: readonly SObjectRecord[] = []): SandboxOrg => {
  const accounts: SObjectRecord[] = [];
  const contacts: SObjectRecord[] = [];

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
      CreatedDate: '2025-03-01T09:00:00.000+0000',
      LastModifiedDate: octoberNoon(i + 1),
    });
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
    CreatedDate: '2026-09-15T16:30:00.000+0000',
    LastModifiedDate: '2026-10-20T08:15:00.000+0000',
  });
  contacts.push(contact(hooli.id, hooli.id.slice(10, 14), 'P1AQ', { FirstName: 'Gavin', LastName: 'Belson', Title: 'CEO', Email: 'gavin.belson@hooli.example', Phone: '+1 650 555 0101' }, true, '2026-09-15T16:35:00.000+0000'));

  return { records: { Account: [...accounts, ...extraAccounts], Contact: contacts, User: USERS } };
};
