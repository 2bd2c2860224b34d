/**
 * The anti-corruption layer: Salesforce records in, canonical CRM account out. Salesforce's `null`
 * for an empty field becomes an absent property; dates become RFC 3339 UTC. Nothing that is not
 * named here crosses over.
 */
import type { Contact, CrmAccount } from '../contract.js';
import type { SalesforceAccount, SalesforceContact } from '../../../../openapi/vendors/salesforce/types.js';

const present = <K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } =>
  (value === null || value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };

/**
 * `2026-10-01T12:00:00.000+0000` → `2026-10-01T12:00:00.000Z`. Salesforce writes the offset without
 * a colon, which RFC 3339 does not allow; the instant is kept, the offset normalised to UTC.
 */
export const toRfc3339Utc = (salesforceDateTime: string): string | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|([+-])(\d{2}):?(\d{2}))$/.exec(salesforceDateTime);
  if (!m) return undefined;
  const local = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(local)) return undefined;
  const offsetMinutes = m[2] === 'Z' ? 0 : (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  return new Date(local - offsetMinutes * 60_000).toISOString();
};

export const toContact = (contact: SalesforceContact): Contact => ({
  id: contact.Id,
  // Salesforce's own Name compound: "First Last", or just the last name.
  name: [contact.FirstName, contact.LastName].filter((part) => part !== null && part !== '').join(' '),
  ...present('title', contact.Title),
  ...present('email', contact.Email),
  ...present('phone', contact.Phone),
});

/**
 * Builds the canonical account. The result is not yet checked against the contract's limits; the
 * adapter does that, so an over-long vendor value is an invalid response, not a broken contract.
 */
export const toCrmAccount = (account: SalesforceAccount, primaryContact: SalesforceContact | undefined): CrmAccount => ({
  id: account.Id,
  name: account.Name,
  ...present('externalId', account.External_Id__c),
  ...present('industry', account.Industry),
  ...present('website', account.Website),
  ...present('billingCountry', account.BillingCountry),
  ...present('ownerName', account.Owner?.Name),
  ...(primaryContact ? { primaryContact: toContact(primaryContact) } : {}),
  // An unparseable date fails the contract check in the adapter; the schema's regex makes it unlikely.
  updatedAt: toRfc3339Utc(account.LastModifiedDate) ?? account.LastModifiedDate,
});
