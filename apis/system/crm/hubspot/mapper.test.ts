import { describe, expect, it } from 'vitest';
import type { HubspotContact, HubspotDeal } from '../../../../openapi/vendors/hubspot/types.js';
import { OPPORTUNITY_STAGES } from '../contract.js';
import {
  DEALSTAGE_TO_STAGE,
  STAGE_TO_DEALSTAGE,
  decimalToMinor,
  fromCloseDate,
  industryLabel,
  minorToDecimal,
  pickPrimaryContact,
  toCloseDate,
  toContact,
  toOpportunity,
} from './mapper.js';

const contact = (id: string, created: string, properties: Partial<HubspotContact['properties']> = {}): HubspotContact => ({
  id,
  properties: { createdate: created, ...properties },
  createdAt: created,
  updatedAt: created,
  archived: false,
});

const deal = (properties: Partial<HubspotDeal['properties']>, companies: { id: string; type: string }[] = [{ id: '5783271001', type: 'deal_to_company' }]): HubspotDeal => ({
  id: '9100000001',
  properties: { dealname: 'D', dealstage: 'qualifiedtobuy', hs_lastmodifieddate: '2026-10-10T12:00:00Z', ...properties },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-10-10T12:00:00Z',
  archived: false,
  associations: { companies: { results: companies } },
});

describe('HubSpot mapper', () => {
  describe('amounts: decimal strings ↔ minor units, exactly', () => {
    it.each([
      ['60000', 'EUR', 6_000_000],
      ['60000.00', 'EUR', 6_000_000],
      ['1234.5', 'GBP', 123_450],
      ['0.1', 'USD', 10],
      ['19.995', 'USD', 2_000], // half away from zero
      ['-0.75', 'EUR', -75],
      ['1500', 'JPY', 1_500],
      ['12.3456', 'KWD', 12_346],
    ])('%s %s → %i', (amount, currency, minor) => {
      expect(decimalToMinor(amount, currency)).toBe(minor);
    });

    it.each([['1e3'], ['1,000.00'], ['abc'], [''], ['.5'], ['9'.repeat(16)]])('%j is not an amount', (amount) => {
      expect(decimalToMinor(amount, 'EUR')).toBeUndefined();
    });

    it.each([
      [6_000_000, 'EUR', '60000.00'],
      [5, 'EUR', '0.05'],
      [-75, 'USD', '-0.75'],
      [1_500, 'JPY', '1500'],
      [12_346, 'KWD', '12.346'],
    ])('%i %s → %s, and back', (minor, currency, amount) => {
      expect(minorToDecimal(minor, currency)).toBe(amount);
      expect(decimalToMinor(amount, currency)).toBe(minor);
    });
  });

  describe('stages', () => {
    it('maps every default-pipeline stage, and every canonical stage is written as a stage that maps back to it', () => {
      expect(Object.keys(DEALSTAGE_TO_STAGE).sort()).toEqual(['appointmentscheduled', 'closedlost', 'closedwon', 'contractsent', 'decisionmakerboughtin', 'presentationscheduled', 'qualifiedtobuy']);
      for (const stage of OPPORTUNITY_STAGES) expect(DEALSTAGE_TO_STAGE[STAGE_TO_DEALSTAGE[stage]]).toBe(stage);
    });
  });

  describe('close dates', () => {
    it('is the UTC day of closedate, written back as midnight UTC', () => {
      expect(toCloseDate('2026-12-12T00:00:00Z')).toBe('2026-12-12');
      expect(toCloseDate('2026-12-12T23:30:00-02:00')).toBe('2026-12-13');
      expect(toCloseDate('1765497600000')).toBeUndefined();
      expect(fromCloseDate('2027-01-15')).toBe('2027-01-15T00:00:00.000Z');
    });
  });

  it('turns an industry option value into a label, and leaves free text alone', () => {
    expect(industryLabel('COMPUTER_SOFTWARE')).toBe('Computer Software');
    expect(industryLabel('MANUFACTURING')).toBe('Manufacturing');
    expect(industryLabel('Aerospace & Defense')).toBe('Aerospace & Defense');
  });

  describe('contacts', () => {
    it('names a contact by first and last name, else by email; takes mobile when there is no phone', () => {
      expect(toContact(contact('1', '2025-01-01T00:00:00Z', { firstname: 'Hanna', lastname: 'Becker', jobtitle: '', phone: null, mobilephone: '+49 1' }))).toEqual({ id: '1', name: 'Hanna Becker', phone: '+49 1' });
      expect(toContact(contact('2', '2025-01-01T00:00:00Z', { firstname: null, lastname: null, email: 'ap@x.example' }))).toEqual({ id: '2', name: 'ap@x.example', email: 'ap@x.example' });
    });

    it('picks the flagged contact over an older one; among several flagged, the oldest; with none flagged, the oldest', () => {
      const old = contact('10', '2025-01-01T00:00:00Z');
      const flaggedNew = contact('11', '2025-06-01T00:00:00Z', { is_primary: 'true' });
      const flaggedNewer = contact('12', '2025-07-01T00:00:00Z', { is_primary: 'true' });
      expect(pickPrimaryContact([old, flaggedNewer, flaggedNew])?.id).toBe('11');
      expect(pickPrimaryContact([contact('21', '2025-03-01T00:00:00Z', { is_primary: 'false' }), contact('20', '2025-02-01T00:00:00Z')])?.id).toBe('20');
      expect(pickPrimaryContact([])).toBeUndefined();
    });
  });

  describe('deals', () => {
    it('takes the primary company association (deal_to_company) over an unlabeled one', () => {
      const mapped = toOpportunity(deal({}, [{ id: '2', type: 'deal_to_company_unlabeled' }, { id: '1', type: 'deal_to_company' }]), 'USD');
      expect(mapped.ok && mapped.value.accountId).toBe('1');
    });

    it('uses the portal currency when the deal names none', () => {
      const mapped = toOpportunity(deal({ amount: '100', deal_currency_code: null }), 'EUR');
      expect(mapped.ok && mapped.value.amount).toEqual({ amountMinor: 10_000, currency: 'EUR' });
    });

    it.each([
      ['a custom pipeline stage', deal({ dealstage: '12345678' }), 'deal stage is not a stage of the default pipeline'],
      ['no company', deal({}, []), 'deal has no associated company'],
      ['an amount that is not a decimal', deal({ amount: '1e6' }), 'deal amount is not a decimal'],
    ])('refuses %s, saying why', (_, value, reason) => {
      expect(toOpportunity(value, 'USD')).toEqual({ ok: false, reason });
    });
  });
});
