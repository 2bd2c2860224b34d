import { describe, expect, it } from 'vitest';
import { toContact, toCrmAccount, toRfc3339Utc } from './mapper.js';

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
});
