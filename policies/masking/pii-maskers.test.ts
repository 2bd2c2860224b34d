import { describe, expect, it } from 'vitest';
import { maskPiiInText, maskValue } from './pii-maskers.js';

describe('maskValue', () => {
  it('when the kind is email, keeps the first letter and the domain', () => {
    expect(maskValue('email', 'hank.scorpio@globex.example')).toBe('h•••@globex.example');
    expect(maskValue('email', 'not-an-address')).toBe('•••');
  });

  it('when the kind is phone, keeps only the last two digits', () => {
    expect(maskValue('phone', '+49 30 1234 5611')).toBe('•••• •• 11');
    expect(maskValue('phone', '112')).toBe('•••• •• ••');
  });

  it('when the kind is name, keeps the initials', () => {
    expect(maskValue('name', 'Hank  Bachmann')).toBe('H. B.');
    expect(maskValue('name', 'Élodie Ünal-Smith')).toBe('É. Ü.');
  });

  it('when the kind is address or date_of_birth, keeps nothing', () => {
    expect(maskValue('address', 'Globex Way 1')).toBe('•••');
    expect(maskValue('date_of_birth', '1956-02-29')).toBe('••••-••-••');
  });

  it('when the kind is tax_id, keeps the last three characters (nothing of a short one)', () => {
    expect(maskValue('tax_id', 'DE 123 456 789')).toBe('•••789');
    expect(maskValue('tax_id', '12345')).toBe('•••');
  });

  it('when the kind is bank_account, keeps the country, check digits and last four of an IBAN', () => {
    expect(maskValue('bank_account', 'DE89 3704 0044 0532 0130 00')).toBe('DE89••••3000');
    expect(maskValue('bank_account', '000123456789')).toBe('••••6789');
    expect(maskValue('bank_account', '1234')).toBe('••••');
  });

  it('when the value is not a string, replaces it with null', () => {
    expect(maskValue('phone', 4930123456)).toBeNull();
    expect(maskValue('address', { line1: 'Globex Way 1' })).toBeNull();
    expect(maskValue('email', null)).toBeNull();
  });
});

describe('maskPiiInText', () => {
  it('when text holds an email, IBAN or phone number, masks each in place', () => {
    const text = 'customer jane.doe@example.com exists; IBAN DE89 3704 0044 0532 0130 00, DE89370400440532013000; call +49 30 1234 5678 or (030) 1234-567.';
    const masked = maskPiiInText(text);
    expect(masked).toBe('customer j•••@example.com exists; IBAN DE89••••3000, DE89••••3000; call •••• •• 78 or •••• •• 67.');
  });

  it('when text holds trace ids, dates, times, addresses of hosts or bare ids, leaves them alone', () => {
    const text =
      'traceId 4bf92f3577b34da6a3ce929d0e0e4736 at 2026-09-30T23:59:59Z (30.09.2026) from 192.168.100.200, order 1767225599, ' +
      'uuid 123e4567-e89b-12d3-a456-426614174000, version 4.13.19, amount 1234.5678';
    expect(maskPiiInText(text)).toBe(text);
  });
});
