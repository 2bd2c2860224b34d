/**
 * The sandbox portal: companies, contacts, deals and owners derived from the shared seed companies
 * (plus one company not linked to an ERP customer), and the property definitions the sandbox checks
 * reads and writes against. Company `external_id` is the canonical customer id; each company has 1–3
 * contacts, the seed's primary contact flagged with the custom checkbox `is_primary` (and created
 * after the accounts-payable contact, so "flagged beats oldest" is visible); the unlinked company has
 * no flagged contact, so its oldest one is primary. Dates that matter to the contract (`closedate`)
 * are relative to the sandbox clock, like the ERP ledger.
 */
import { SEED_COMPANIES, UNLINKED_SALESFORCE_ACCOUNT, type SeedCompany } from '../../../../shared/sandbox/seed-companies.js';
import type { HubspotObjectType } from '../../../../openapi/vendors/hubspot/types.js';

export type PropertyType = 'string' | 'enumeration' | 'number' | 'datetime' | 'bool';
export interface PropertyDefinition {
  readonly type: PropertyType;
  /** Set by HubSpot itself; a write is refused with `READ_ONLY_VALUE`. */
  readonly readOnly?: boolean;
  /** Allowed internal values of an enumeration (absent: any value, e.g. the industry list is long). */
  readonly options?: readonly string[];
}

export type PropertyValues = Record<string, string | null>;
export interface PortalObject {
  readonly id: string;
  properties: PropertyValues;
  readonly createdAt: string;
  updatedAt: string;
  /** To-object type → associated ids with HubSpot's association type names. */
  readonly associations: Readonly<Record<string, readonly { readonly id: string; readonly type: string }[]>>;
}

export interface PortalOwner {
  readonly id: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly userId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archived: boolean;
}

export interface Portal {
  readonly objects: Readonly<Record<HubspotObjectType, Map<string, PortalObject>>>;
  readonly owners: PortalOwner[];
  /** This portal's properties (a copy of PROPERTY_DEFINITIONS a test may change, e.g. drop a custom one). */
  readonly definitions: Record<HubspotObjectType, Record<string, PropertyDefinition>>;
}

const str = { type: 'string' } as const;
const datetime = { type: 'datetime' } as const;
const readOnly = (type: PropertyType) => ({ type, readOnly: true }) as const;
export const ENABLED_CURRENCIES = ['EUR', 'GBP', 'USD'] as const;

/** The properties this portal has (standard ones and the custom ones Strata relies on). */
export const PROPERTY_DEFINITIONS: Readonly<Record<HubspotObjectType, Readonly<Record<string, PropertyDefinition>>>> = {
  companies: {
    hs_object_id: readOnly('number'), createdate: readOnly('datetime'), hs_lastmodifieddate: readOnly('datetime'),
    name: str, domain: str, website: str, industry: { type: 'enumeration' }, country: str, city: str, address: str, zip: str, phone: str,
    hubspot_owner_id: { type: 'enumeration' }, lifecyclestage: { type: 'enumeration', options: ['lead', 'opportunity', 'customer', 'other'] },
    // custom (single-line text)
    external_id: str, erp_customer_id: str, billing_customer_id: str, support_organization_id: str,
  },
  contacts: {
    hs_object_id: readOnly('number'), createdate: readOnly('datetime'), lastmodifieddate: readOnly('datetime'),
    firstname: str, lastname: str, email: str, phone: str, mobilephone: str, jobtitle: str, company: str,
    hubspot_owner_id: { type: 'enumeration' },
    // custom (single checkbox)
    is_primary: { type: 'bool' },
  },
  deals: {
    hs_object_id: readOnly('number'), createdate: readOnly('datetime'), hs_lastmodifieddate: readOnly('datetime'),
    dealname: str, pipeline: { type: 'enumeration', options: ['default'] },
    dealstage: { type: 'enumeration', options: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'] },
    amount: { type: 'number' }, deal_currency_code: { type: 'enumeration', options: ENABLED_CURRENCIES }, closedate: datetime,
    hubspot_owner_id: { type: 'enumeration' },
    // custom (single-line text)
    order_number: str,
  },
};

/** What HubSpot answers when a read names no `properties`. */
export const DEFAULT_PROPERTIES: Readonly<Record<HubspotObjectType, readonly string[]>> = {
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
};

/** Answered with every read, whatever was asked for. */
export const ALWAYS_RETURNED: Readonly<Record<HubspotObjectType, readonly string[]>> = {
  companies: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  contacts: ['createdate', 'lastmodifieddate', 'hs_object_id'],
  deals: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

export const MODIFIED_PROPERTY: Readonly<Record<HubspotObjectType, string>> = { companies: 'hs_lastmodifieddate', contacts: 'lastmodifieddate', deals: 'hs_lastmodifieddate' };

export const SANDBOX_OWNERS: readonly PortalOwner[] = [
  { id: '41629779', email: 'dana.whitfield@strata-sandbox.example', firstName: 'Dana', lastName: 'Whitfield', userId: 9586504, createdAt: '2024-01-10T09:00:00.000Z', updatedAt: '2025-06-01T09:00:00.000Z', archived: false },
  { id: '52844101', email: 'sam.okafor@strata-sandbox.example', firstName: 'Sam', lastName: 'Okafor', userId: 9586517, createdAt: '2024-02-12T09:00:00.000Z', updatedAt: '2025-06-01T09:00:00.000Z', archived: false },
  { id: '60311458', email: 'priya.lindqvist@strata-sandbox.example', firstName: 'Priya', lastName: 'Lindqvist', userId: 9586533, createdAt: '2024-03-04T09:00:00.000Z', updatedAt: '2025-06-01T09:00:00.000Z', archived: false },
];

/** The company not linked to any ERP customer (the HubSpot twin of the unlinked Salesforce account). */
export const UNLINKED_HUBSPOT_COMPANY_ID = '5783271006';

/** Canonical stage of a seed → the deal stage the sandbox stores (negotiation: the contract is out). */
const SEED_DEALSTAGE = {
  prospecting: 'appointmentscheduled',
  qualification: 'qualifiedtobuy',
  proposal: 'presentationscheduled',
  negotiation: 'contractsent',
  closed_won: 'closedwon',
  closed_lost: 'closedlost',
} as const;

const DAY_MS = 86_400_000;
const regionName = new Intl.DisplayNames(['en'], { type: 'region' });
const octoberNoon = (day: number) => `2026-10-${String(day).padStart(2, '0')}T12:00:00.000Z`;
/** Industry as an enumeration's internal value: `Manufacturing` → `MANUFACTURING`. */
const industryValue = (label: string) => label.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
/** Seeds carry whole amounts in minor units; HubSpot stores the decimal as written (`60000`). */
const decimal = (minor: number) => (minor % 100 === 0 ? String(minor / 100) : (minor / 100).toFixed(2));

/** A contact id: 10 digits, derived from the company's position and the contact's. */
export const sandboxContactId = (companyIndex: number, contactIndex: number) => String(7_510_000_000 + companyIndex * 10 + contactIndex);

/** The seeded primary contact's id of a seed company (its first contact). */
export const primaryContactIdOf = (company: SeedCompany): string => sandboxContactId(SEED_COMPANIES.findIndex((c) => c.canonicalId === company.canonicalId), 1);

interface ContactSeed {
  readonly firstname: string | null;
  readonly lastname: string;
  readonly jobtitle: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly primary: boolean;
  readonly created: string;
}

/** Builds the seeded portal; `now` places close dates relative to today. */
export const buildSandboxPortal = (now: number): Portal => {
  const companies = new Map<string, PortalObject>();
  const contacts = new Map<string, PortalObject>();
  const deals = new Map<string, PortalObject>();
  const today = Math.floor(now / DAY_MS) * DAY_MS;

  const addCompany = (index: number, id: string, properties: PropertyValues, contactSeeds: readonly ContactSeed[], dealId?: string) => {
    const created = '2025-03-01T09:00:00.000Z';
    const modified = index < SEED_COMPANIES.length ? octoberNoon(index + 1) : '2026-10-20T08:15:00.000Z';
    const ownerId = SANDBOX_OWNERS[index % SANDBOX_OWNERS.length]!.id;
    const contactIds = contactSeeds.map((seed, k) => {
      const contactId = sandboxContactId(index, k + 1);
      contacts.set(contactId, {
        id: contactId,
        properties: {
          hs_object_id: contactId, createdate: seed.created, lastmodifieddate: seed.created,
          firstname: seed.firstname, lastname: seed.lastname, email: seed.email, phone: seed.phone, mobilephone: null, jobtitle: seed.jobtitle,
          company: properties.name ?? null, hubspot_owner_id: ownerId, is_primary: seed.primary ? 'true' : null,
        },
        createdAt: seed.created,
        updatedAt: seed.created,
        associations: {
          companies: [{ id, type: 'contact_to_company' }, { id, type: 'contact_to_company_unlabeled' }],
          ...(dealId ? { deals: [{ id: dealId, type: 'contact_to_deal' }] } : {}),
        },
      });
      return contactId;
    });
    companies.set(id, {
      id,
      properties: { hs_object_id: id, createdate: created, hs_lastmodifieddate: modified, hubspot_owner_id: ownerId, lifecyclestage: 'customer', erp_customer_id: null, billing_customer_id: null, support_organization_id: null, ...properties },
      createdAt: created,
      updatedAt: modified,
      associations: {
        contacts: contactIds.map((contactId) => ({ id: contactId, type: 'company_to_contact' })),
        ...(dealId ? { deals: [{ id: dealId, type: 'company_to_deal' }] } : {}),
      },
    });
    return { ownerId, contactIds };
  };

  SEED_COMPANIES.forEach((company, i) => {
    const domain = new URL(company.website).hostname;
    const p = company.primaryContact;
    const seeds: ContactSeed[] = [{ firstname: p.firstName, lastname: p.lastName, jobtitle: p.title, email: p.email, phone: p.phone, primary: true, created: '2025-03-01T09:05:00.000Z' }];
    // 1–3 contacts: the primary, then accounts payable (created earlier: the flag, not age, decides), then a third.
    if (i % 3 >= 1) seeds.push({ firstname: null, lastname: 'Accounts Payable', jobtitle: 'Accounts Payable', email: company.email, phone: company.phone, primary: false, created: '2025-02-20T09:00:00.000Z' });
    if (i % 3 === 2) seeds.push({ firstname: 'Aiko', lastname: 'Tanaka', jobtitle: 'Legal Counsel', email: `aiko.tanaka@${domain}`, phone: null, primary: false, created: '2025-03-03T09:00:00.000Z' });
    const o = company.opportunity;
    const { ownerId, contactIds } = addCompany(
      i,
      company.vendorIds.hubspotCompanyId,
      {
        name: company.legalName, domain, website: company.website, industry: industryValue(company.industry),
        country: regionName.of(company.country) ?? company.country, city: company.city, address: company.street, zip: company.postalCode, phone: company.phone,
        external_id: company.canonicalId,
      },
      seeds,
      o.hubspotDealId,
    );
    const created = '2025-09-01T10:00:00.000Z';
    const modified = octoberNoon(i + 10);
    deals.set(o.hubspotDealId, {
      id: o.hubspotDealId,
      properties: {
        hs_object_id: o.hubspotDealId, createdate: created, hs_lastmodifieddate: modified,
        dealname: o.name, pipeline: 'default', dealstage: SEED_DEALSTAGE[o.stage],
        amount: decimal(o.amountMinor), deal_currency_code: company.currency,
        closedate: new Date(today + o.closeInDays * DAY_MS).toISOString().replace('.000Z', 'Z'),
        hubspot_owner_id: ownerId, order_number: null,
      },
      createdAt: created,
      updatedAt: modified,
      associations: {
        // HubSpot lists a deal's primary company under both the primary and the unlabeled type.
        companies: [{ id: company.vendorIds.hubspotCompanyId, type: 'deal_to_company' }, { id: company.vendorIds.hubspotCompanyId, type: 'deal_to_company_unlabeled' }],
        contacts: [{ id: contactIds[0]!, type: 'deal_to_contact' }],
      },
    });
  });

  const hooli = UNLINKED_SALESFORCE_ACCOUNT;
  addCompany(
    SEED_COMPANIES.length,
    UNLINKED_HUBSPOT_COMPANY_ID,
    { name: hooli.name, domain: new URL(hooli.website).hostname, website: hooli.website, industry: industryValue(hooli.industry), country: hooli.billingCountry, city: null, address: null, zip: null, phone: null, external_id: null, lifecyclestage: 'lead' },
    [
      // No flagged contact: the oldest one is the primary.
      { firstname: 'Gavin', lastname: 'Belson', jobtitle: 'CEO', email: 'gavin.belson@hooli.example', phone: '+1 650 555 0101', primary: false, created: '2026-09-15T16:35:00.000Z' },
      { firstname: 'Denpok', lastname: 'Singh', jobtitle: 'Spiritual Advisor', email: 'denpok@hooli.example', phone: null, primary: false, created: '2026-09-20T11:00:00.000Z' },
    ],
  );

  return {
    objects: { companies, contacts, deals },
    owners: [...SANDBOX_OWNERS],
    definitions: { companies: { ...PROPERTY_DEFINITIONS.companies }, contacts: { ...PROPERTY_DEFINITIONS.contacts }, deals: { ...PROPERTY_DEFINITIONS.deals } },
  };
};
