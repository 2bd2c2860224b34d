/**
 * The anti-corruption layer: HubSpot CRM objects in, canonical CRM records out (and canonical values
 * back into HubSpot property strings). Every HubSpot property value is a string (or null when unset);
 * empty values become absent properties. Nothing that is not named here crosses over.
 */
import { minorUnitExponent, type Money } from '../../../../shared/canonical/money.js';
import type { HubspotCompany, HubspotContact, HubspotDeal } from '../../../../openapi/vendors/hubspot/types.js';
import { OPPORTUNITY_STAGES, type Contact, type CrmAccount, type Opportunity } from '../contract.js';

type Stage = (typeof OPPORTUNITY_STAGES)[number];

/**
 * HubSpot's default sales pipeline (`pipeline: "default"`) and its stage ids, onto the canonical
 * stages. Two HubSpot stages share `negotiation`: the decision maker has bought in, then the contract
 * is out. Deals in other pipelines have portal-specific (numeric) stage ids and are not mapped.
 *
 * | dealstage               | canonical   | canonical → dealstage |
 * |-------------------------|-------------|-----------------------|
 * | appointmentscheduled    | prospecting | appointmentscheduled  |
 * | qualifiedtobuy          | qualification | qualifiedtobuy      |
 * | presentationscheduled   | proposal    | presentationscheduled |
 * | decisionmakerboughtin   | negotiation | decisionmakerboughtin |
 * | contractsent            | negotiation | (kept when already negotiation) |
 * | closedwon               | closed_won  | closedwon             |
 * | closedlost              | closed_lost | closedlost            |
 */
export const DEALSTAGE_TO_STAGE: Readonly<Record<string, Stage>> = {
  appointmentscheduled: 'prospecting',
  qualifiedtobuy: 'qualification',
  presentationscheduled: 'proposal',
  decisionmakerboughtin: 'negotiation',
  contractsent: 'negotiation',
  closedwon: 'closed_won',
  closedlost: 'closed_lost',
};

/** The stage a canonical stage is written as (the first HubSpot stage of it). */
export const STAGE_TO_DEALSTAGE: Readonly<Record<Stage, string>> = {
  prospecting: 'appointmentscheduled',
  qualification: 'qualifiedtobuy',
  proposal: 'presentationscheduled',
  negotiation: 'decisionmakerboughtin',
  closed_won: 'closedwon',
  closed_lost: 'closedlost',
};

export const DEFAULT_PIPELINE = 'default';

const present = <K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } =>
  (value === null || value === undefined || value.trim() === '' ? {} : { [key]: value }) as { [P in K]?: string };

/** `2026-10-01T12:00:00Z` or `…+02:00` → RFC 3339 UTC with milliseconds; undefined when not a datetime. */
export const toUtc = (hubspotDateTime: string | null | undefined): string | undefined => {
  if (!hubspotDateTime || !/^\d{4}-\d{2}-\d{2}T/.test(hubspotDateTime)) return undefined;
  const ms = Date.parse(hubspotDateTime);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/**
 * A decimal string (`"60000"`, `"1234.5"`, `"-0.75"`) → integer minor units, exactly (no float
 * arithmetic); digits beyond the currency's exponent are rounded half away from zero. Undefined when
 * the string is not a plain decimal (HubSpot number properties never use exponents or separators).
 */
export const decimalToMinor = (amount: string, currency: string): number | undefined => {
  const m = /^(-)?(\d{1,15})(?:\.(\d{1,12}))?$/.exec(amount.trim());
  if (!m) return undefined;
  const exponent = minorUnitExponent(currency);
  const fraction = (m[3] ?? '').padEnd(exponent + 1, '0');
  let minor = Number(m[2]) * 10 ** exponent + Number(fraction.slice(0, exponent) || '0');
  if (Number(fraction[exponent]) >= 5) minor += 1;
  const signed = m[1] && minor !== 0 ? -minor : minor;
  return Number.isSafeInteger(signed) ? signed : undefined;
};

/** Integer minor units → HubSpot's decimal string (`6000000`, EUR → `"60000.00"`). */
export const minorToDecimal = (amountMinor: number, currency: string): string => {
  const exponent = minorUnitExponent(currency);
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${amountMinor < 0 ? '-' : ''}${whole}${fraction}`;
};

/**
 * `closedate` is a datetime; the canonical close date is its UTC calendar day. Written back as
 * midnight UTC of that day (a portal in a time zone west of UTC shows it as the evening before).
 */
export const toCloseDate = (closedate: string | null | undefined): string | undefined => toUtc(closedate)?.slice(0, 10);
export const fromCloseDate = (date: string): string => `${date}T00:00:00.000Z`;

/** `COMPUTER_SOFTWARE` (an industry option's internal value) → `Computer Software`; anything else as it is. */
export const industryLabel = (value: string): string =>
  /^[A-Z0-9_]+$/.test(value)
    ? value
        .toLowerCase()
        .split('_')
        .filter(Boolean)
        .map((word) => word[0]!.toUpperCase() + word.slice(1))
        .join(' ')
    : value;

export const toContact = (contact: HubspotContact): Contact => {
  const p = contact.properties;
  const name = [p.firstname, p.lastname].filter((part): part is string => !!part && part.trim() !== '').join(' ');
  return {
    id: contact.id,
    // A contact may have no name at all (only an email): the email then names it.
    name: name || p.email || '',
    ...present('title', p.jobtitle),
    ...present('email', p.email),
    ...present('phone', p.phone ?? p.mobilephone),
  };
};

const createdMs = (contact: HubspotContact): number => Date.parse(contact.properties.createdate ?? contact.createdAt);
const byAge = (a: HubspotContact, b: HubspotContact): number =>
  createdMs(a) - createdMs(b) || a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The account's primary contact: the associated contact flagged with the custom `is_primary`
 * checkbox (the oldest of them if several are), otherwise the oldest associated contact.
 */
export const pickPrimaryContact = (contacts: readonly HubspotContact[]): HubspotContact | undefined => {
  const flagged = contacts.filter((c) => c.properties.is_primary === 'true');
  return [...(flagged.length > 0 ? flagged : contacts)].sort(byAge)[0];
};

/**
 * Builds the canonical account. The result is not yet checked against the contract's limits; the
 * adapter does that, so an over-long vendor value is an invalid response, not a broken contract.
 */
export const toCrmAccount = (company: HubspotCompany, primaryContact: HubspotContact | undefined, ownerName: string | undefined): CrmAccount => {
  const p = company.properties;
  return {
    id: company.id,
    // A company may be nameless in HubSpot; its domain is what HubSpot itself shows then.
    name: p.name || p.domain || '',
    ...present('externalId', p.external_id),
    ...present('industry', p.industry ? industryLabel(p.industry) : undefined),
    ...present('website', p.website),
    ...present('billingCountry', p.country),
    ...present('ownerName', ownerName),
    ...(primaryContact ? { primaryContact: toContact(primaryContact) } : {}),
    updatedAt: toUtc(p.hs_lastmodifieddate) ?? toUtc(company.updatedAt) ?? company.updatedAt,
  };
};

/** The company a deal belongs to: its primary company association (`deal_to_company`), else the first. */
export const dealCompanyId = (deal: HubspotDeal): string | undefined => {
  const results = deal.associations?.companies?.results ?? [];
  return (results.find((a) => a.type === 'deal_to_company') ?? results[0])?.id;
};

export type OpportunityMapping = { readonly ok: true; readonly value: Opportunity } | { readonly ok: false; readonly reason: string };

/** The deal as a canonical opportunity, or why it cannot be one (unknown stage, no company, bad amount). */
export const toOpportunity = (deal: HubspotDeal, defaultCurrency: string): OpportunityMapping => {
  const p = deal.properties;
  const vendorStage = p.dealstage ?? '';
  const stage = Object.hasOwn(DEALSTAGE_TO_STAGE, vendorStage) ? DEALSTAGE_TO_STAGE[vendorStage] : undefined;
  if (!stage) return { ok: false, reason: 'deal stage is not a stage of the default pipeline' };
  const accountId = dealCompanyId(deal);
  if (!accountId) return { ok: false, reason: 'deal has no associated company' };
  let amount: Money | undefined;
  if (p.amount !== null && p.amount !== undefined && p.amount.trim() !== '') {
    const currency = p.deal_currency_code || defaultCurrency;
    const amountMinor = decimalToMinor(p.amount, currency);
    if (amountMinor === undefined) return { ok: false, reason: 'deal amount is not a decimal' };
    amount = { amountMinor, currency };
  }
  const closeDate = toCloseDate(p.closedate);
  return {
    ok: true,
    value: {
      id: deal.id,
      accountId,
      name: p.dealname ?? '',
      stage,
      vendorStage,
      ...(amount ? { amount } : {}),
      ...(closeDate ? { closeDate } : {}),
      ...present('orderNumber', p.order_number),
      updatedAt: toUtc(p.hs_lastmodifieddate) ?? toUtc(deal.updatedAt) ?? deal.updatedAt,
    },
  };
};
