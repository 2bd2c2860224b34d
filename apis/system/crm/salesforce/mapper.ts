/**
 * The anti-corruption layer: Salesforce records in, canonical CRM records out, and canonical changes
 * out as Salesforce update bodies. Salesforce's `null` for an empty field becomes an absent property;
 * dates become RFC 3339 UTC; currency amounts become minor units. Nothing that is not named here
 * crosses over.
 */
import { minorUnitExponent, toMinorUnits } from '../../../../shared/canonical/money.js';
import type { Contact, CrmAccount, ExternalReferences, Opportunity, OpportunityPatch } from '../contract.js';
import type {
  SalesforceAccount,
  SalesforceAccountReferencesUpdate,
  SalesforceContact,
  SalesforceOpportunity,
  SalesforceOpportunityReferencesUpdate,
  SalesforceOpportunityUpdate,
} from '../../../../openapi/vendors/salesforce/types.js';
import { STAGE_NAME_FOR, toCanonicalStage, type OpportunityStage } from './stages.js';

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

/**
 * The canonical opportunity, not yet checked against the contract: an unmapped open stage or a missing
 * account leaves `stage` / `accountId` undefined, which the adapter's contract check turns into an
 * invalid vendor response.
 */
export type OpportunityCandidate = Omit<Opportunity, 'stage' | 'accountId'> & { stage: OpportunityStage | undefined; accountId: string | undefined };

export const toOpportunity = (opportunity: SalesforceOpportunity): OpportunityCandidate => ({
  id: opportunity.Id,
  accountId: opportunity.AccountId ?? undefined,
  name: opportunity.Name,
  stage: toCanonicalStage(opportunity.StageName, opportunity.IsClosed, opportunity.IsWon),
  vendorStage: opportunity.StageName,
  ...(opportunity.Amount === null ? {} : { amount: { amountMinor: toMinorUnits(opportunity.Amount, opportunity.CurrencyIsoCode), currency: opportunity.CurrencyIsoCode } }),
  closeDate: opportunity.CloseDate,
  ...present('orderNumber', opportunity.Order_Number__c),
  updatedAt: toRfc3339Utc(opportunity.LastModifiedDate) ?? opportunity.LastModifiedDate,
});

/** Minor units → Salesforce's decimal currency value: 1234567 EUR → 12345.67 (exact to the currency's decimals). */
export const fromMinorUnits = (amountMinor: number, currency: string): number => {
  const exponent = minorUnitExponent(currency);
  return Number((amountMinor / 10 ** exponent).toFixed(exponent));
};

/**
 * The update body for `patch` against the opportunity as it is: only the fields that change. A stage
 * is written only when the current StageName does not already map to it (stages.ts), an amount only
 * when the value or currency differs (the currency only when it differs), a close date only when it
 * differs. An empty body means there is nothing to change.
 */
export const toOpportunityUpdate = (patch: OpportunityPatch, current: SalesforceOpportunity): SalesforceOpportunityUpdate => {
  const update: { -readonly [K in keyof SalesforceOpportunityUpdate]: SalesforceOpportunityUpdate[K] } = {};
  if (patch.stage !== undefined && toCanonicalStage(current.StageName, current.IsClosed, current.IsWon) !== patch.stage) {
    update.StageName = STAGE_NAME_FOR[patch.stage];
  }
  if (patch.amount !== undefined) {
    const { amountMinor, currency } = patch.amount;
    const sameCurrency = current.CurrencyIsoCode === currency;
    if (!sameCurrency || current.Amount === null || toMinorUnits(current.Amount, currency) !== amountMinor) {
      update.Amount = fromMinorUnits(amountMinor, currency);
      if (!sameCurrency) update.CurrencyIsoCode = currency;
    }
  }
  if (patch.closeDate !== undefined && patch.closeDate !== current.CloseDate) update.CloseDate = patch.closeDate;
  return update;
};

/** Other systems' ids as the Account's custom fields; references that belong on an opportunity are not taken. */
export const toAccountReferences = (references: ExternalReferences): SalesforceAccountReferencesUpdate => ({
  ...(references.erpCustomerId !== undefined ? { ERP_Customer_Id__c: references.erpCustomerId } : {}),
  ...(references.billingCustomerId !== undefined ? { Billing_Customer_Id__c: references.billingCustomerId } : {}),
  ...(references.supportOrganizationId !== undefined ? { Support_Organization_Id__c: references.supportOrganizationId } : {}),
});

/** The ERP order number as the Opportunity's custom field. */
export const toOpportunityReferences = (references: ExternalReferences): SalesforceOpportunityReferencesUpdate =>
  references.orderNumber !== undefined ? { Order_Number__c: references.orderNumber } : {};
