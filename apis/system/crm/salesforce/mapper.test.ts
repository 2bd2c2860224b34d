import { describe, expect, it } from 'vitest';
import type { SalesforceOpportunity } from '../../../../openapi/vendors/salesforce/types.js';
import { OPPORTUNITY_STAGES } from '../contract.js';
import { fromMinorUnits, toAccountReferences, toContact, toCrmAccount, toOpportunity, toOpportunityReferences, toOpportunityUpdate, toRfc3339Utc } from './mapper.js';
import { SALESFORCE_STAGES, STAGE_NAME_FOR, toCanonicalStage } from './stages.js';

const opportunity = (overrides: Partial<SalesforceOpportunity> = {}): SalesforceOpportunity => ({
  attributes: { type: 'Opportunity' },
  Id: '006Dn00000GlbxOAAR',
  AccountId: '001Dn00000GlbxAIAR',
  Name: 'Globex — 2027 expansion',
  StageName: 'Perception Analysis',
  Amount: 60000,
  CurrencyIsoCode: 'EUR',
  CloseDate: '2026-12-10',
  IsClosed: false,
  IsWon: false,
  Order_Number__c: null,
  LastModifiedDate: '2026-10-11T12:00:00.000+0000',
  ...overrides,
});

describe('Salesforce → canonical mapper', () => {
  it.each([
    ['2026-10-01T12:00:00.000+0000', '2026-10-01T12:00:00.000Z'],
    ['2026-10-01T14:00:00.000+0200', '2026-10-01T12:00:00.000Z'],
    ['2026-10-01T06:30:00.000-05:30', '2026-10-01T12:00:00.000Z'],
    ['2026-10-01T12:00:00Z', '2026-10-01T12:00:00.000Z'],
  ])('turns the Salesforce dateTime %s into RFC 3339 UTC %s', (input, expected) => {
    expect(toRfc3339Utc(input)).toBe(expected);
  });

  it.each([['2026-10-01'], ['2026-10-01 12:00:00'], ['2026-13-45T99:00:00.000+0000'], ['yesterday']])('when the date is not a Salesforce dateTime (%s), gives undefined', (input) => {
    expect(toRfc3339Utc(input)).toBeUndefined();
  });

  it('when a contact has no first name, names it by the last name alone, and drops null fields', () => {
    const contact = toContact({ attributes: { type: 'Contact' }, Id: '003Dn00000GlbxA2AQ', FirstName: null, LastName: 'Accounts Payable', Title: null, Email: 'accounts@globex.example', Phone: null });
    expect(contact).toEqual({ id: '003Dn00000GlbxA2AQ', name: 'Accounts Payable', email: 'accounts@globex.example' });
  });

  it('copies only the named fields: nothing else on the vendor record crosses over', () => {
    const record = {
      attributes: { type: 'Account' },
      Id: '001Dn00000GlbxAIAR',
      Name: 'Globex GmbH',
      Industry: null,
      Website: null,
      BillingCountry: 'Germany',
      Owner: null,
      External_Id__c: null,
      LastModifiedDate: '2026-10-01T12:00:00.000+0000',
      Secret_Note__c: 'do not leak',
    };
    expect(toCrmAccount(record, undefined)).toEqual({ id: '001Dn00000GlbxAIAR', name: 'Globex GmbH', billingCountry: 'Germany', updatedAt: '2026-10-01T12:00:00.000Z' });
  });

  describe('opportunities', () => {
    it('maps an opportunity: canonical stage from the table, vendor stage kept, amount in minor units, null order number dropped', () => {
      expect(toOpportunity(opportunity())).toEqual({
        id: '006Dn00000GlbxOAAR',
        accountId: '001Dn00000GlbxAIAR',
        name: 'Globex — 2027 expansion',
        stage: 'proposal',
        vendorStage: 'Perception Analysis',
        amount: { amountMinor: 6_000_000, currency: 'EUR' },
        closeDate: '2026-12-10',
        updatedAt: '2026-10-11T12:00:00.000Z',
      });
      expect(toOpportunity(opportunity({ Amount: 1234.56, Order_Number__c: 'SO-10077' }))).toMatchObject({ amount: { amountMinor: 123456 }, orderNumber: 'SO-10077' });
      expect(toOpportunity(opportunity({ Amount: null })).amount).toBeUndefined();
    });

    it.each([
      ['Prospecting', 'prospecting'],
      ['Qualification', 'qualification'],
      ['Needs Analysis', 'qualification'],
      ['Value Proposition', 'proposal'],
      ['Id. Decision Makers', 'proposal'],
      ['Perception Analysis', 'proposal'],
      ['Proposal/Price Quote', 'proposal'],
      ['Negotiation/Review', 'negotiation'],
      ['Closed Won', 'closed_won'],
      ['Closed Lost', 'closed_lost'],
    ])('the stage %j is canonical %s', (stageName, stage) => {
      expect(toCanonicalStage(stageName, false, false)).toBe(stage);
    });

    it("an org's own closed stage maps by IsClosed / IsWon; an own open stage does not map at all", () => {
      expect(toCanonicalStage('Signed (legal)', true, true)).toBe('closed_won');
      expect(toCanonicalStage('Lost to competitor', true, false)).toBe('closed_lost');
      expect(toCanonicalStage('Pilot running', false, false)).toBeUndefined();
      expect(toOpportunity(opportunity({ StageName: 'Pilot running' })).stage).toBeUndefined();
    });

    it('every canonical stage is written as a table value that reads back as itself', () => {
      for (const stage of OPPORTUNITY_STAGES) expect(toCanonicalStage(STAGE_NAME_FOR[stage], false, false)).toBe(stage);
      expect(new Set(SALESFORCE_STAGES.map((s) => s.stage))).toEqual(new Set(OPPORTUNITY_STAGES));
    });

    it.each([
      [1234567, 'EUR', 12345.67],
      [5, 'EUR', 0.05],
      [1000, 'JPY', 1000],
      [-250, 'USD', -2.5],
    ])('%i minor units of %s are %d in Salesforce', (minor, currency, decimal) => {
      expect(fromMinorUnits(minor, currency)).toBe(decimal);
    });
  });

  describe('updates', () => {
    it('sends only what changes: a stage the opportunity already is in (in finer terms) is not rewritten', () => {
      expect(toOpportunityUpdate({ stage: 'proposal' }, opportunity())).toEqual({});
      expect(toOpportunityUpdate({ stage: 'negotiation' }, opportunity())).toEqual({ StageName: 'Negotiation/Review' });
      expect(toOpportunityUpdate({ amount: { amountMinor: 6_000_000, currency: 'EUR' }, closeDate: '2026-12-10' }, opportunity())).toEqual({});
    });

    it('writes the amount as a decimal, and the currency only when it changes', () => {
      expect(toOpportunityUpdate({ amount: { amountMinor: 6_250_050, currency: 'EUR' } }, opportunity())).toEqual({ Amount: 62500.5 });
      expect(toOpportunityUpdate({ amount: { amountMinor: 6_000_000, currency: 'USD' } }, opportunity())).toEqual({ Amount: 60000, CurrencyIsoCode: 'USD' });
      expect(toOpportunityUpdate({ amount: { amountMinor: 100, currency: 'EUR' } }, opportunity({ Amount: null }))).toEqual({ Amount: 1 });
      expect(toOpportunityUpdate({ closeDate: '2027-01-31' }, opportunity())).toEqual({ CloseDate: '2027-01-31' });
    });

    it('puts references into the custom fields of their record, and nothing else', () => {
      expect(toAccountReferences({ erpCustomerId: '8812', billingCustomerId: 'cus_QGlobex0000001', supportOrganizationId: '360000008812' })).toEqual({
        ERP_Customer_Id__c: '8812',
        Billing_Customer_Id__c: 'cus_QGlobex0000001',
        Support_Organization_Id__c: '360000008812',
      });
      expect(toAccountReferences({ erpCustomerId: '8812' })).toEqual({ ERP_Customer_Id__c: '8812' });
      expect(toOpportunityReferences({ orderNumber: 'SO-10077' })).toEqual({ Order_Number__c: 'SO-10077' });
    });
  });
});
