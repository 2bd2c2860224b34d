import { describe, expect, it } from 'vitest';
import { sessionCookies } from './csrf-session.js';
import { and, anyOf, customerReferenceKey, decimalToMinor, joinName, literal, minorToDecimal, orderReferenceKey, query, referenceFromKey, sameName, splitName } from './odata-query.js';

describe('OData request building', () => {
  it('doubles quotes in string literals, so input cannot end the literal', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(literal("x' or BusinessPartner ne '")).toBe("'x'' or BusinessPartner ne '''");
    expect(and('A eq 1', '', "B eq 'x'")).toBe("A eq 1 and B eq 'x'");
    expect(anyOf('BusinessPartner', ['1', "2'"])).toBe("(BusinessPartner eq '1' or BusinessPartner eq '2''')");
  });

  it('percent-encodes option values with %20 for spaces and drops empty options', () => {
    expect(query({ $filter: "Name eq 'a b+c&d'", $top: 5, $skip: undefined, $orderby: '' })).toBe("?$filter=Name%20eq%20'a%20b%2Bc%26d'&$top=5");
    expect(query({})).toBe('');
  });

  it('keeps a customer reference upper-cased in 20 characters, or as a hash that cannot collide with one', () => {
    expect(customerReferenceKey('cus_01HZX3GLOBEX')).toBe('CUS_01HZX3GLOBEX');
    const long = customerReferenceKey('cus_01HZX3GLOBEX_with_a_suffix');
    expect(long).toMatch(/^~[A-Z2-7]{19}$/);
    expect(customerReferenceKey('cus_01HZX3GLOBEX_with_a_suffix')).toBe(long);
    expect(customerReferenceKey('cus_01HZX3GLOBEX_with_a_suffiy')).not.toBe(long);
  });

  it('keeps an order reference as it is in 35 characters, or hashed; only the former reads back', () => {
    expect(orderReferenceKey('ord-1')).toBe('ord-1');
    expect(orderReferenceKey('o'.repeat(36))).toMatch(/^~[A-Za-z0-9_-]{34}$/);
    expect(referenceFromKey('ord-1')).toBe('ord-1');
    expect(referenceFromKey(orderReferenceKey('o'.repeat(36)))).toBeUndefined();
    expect(referenceFromKey('PO 4711')).toBeUndefined();
    expect(referenceFromKey('')).toBeUndefined();
  });

  it('splits a legal name over SAP’s four 40-character fields between words, and joins it back', () => {
    const name = 'Massive Dynamic Holdings International Research Laboratories Ltd';
    expect(splitName(name)).toEqual(['Massive Dynamic Holdings International', 'Research Laboratories Ltd']);
    expect(joinName(splitName(name))).toBe(name);
    expect(splitName('A'.repeat(45))).toEqual(['A'.repeat(40), 'A'.repeat(5)]);
    expect(splitName(`${'word '.repeat(60)}`).length).toBe(4);
    expect(sameName('  GLOBEX   gmbh', 'Globex GmbH')).toBe(true);
  });

  it('converts SAP decimals to minor units without floating point, and back', () => {
    expect(decimalToMinor('7500.00', 'EUR')).toBe(750_000);
    expect(decimalToMinor('-12.5', 'EUR')).toBe(-1_250);
    expect(decimalToMinor('0.105', 'EUR')).toBe(11); // half away from zero
    expect(decimalToMinor('1200', 'JPY')).toBe(1_200);
    expect(decimalToMinor('1.2345', 'KWD')).toBe(1_235);
    expect(decimalToMinor('90071992547409.93', 'EUR')).toBeUndefined(); // beyond a safe integer of cents
    expect(decimalToMinor('twelve', 'EUR')).toBeUndefined();
    expect(minorToDecimal(750_000, 'EUR')).toBe('7500.00');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(-1_250, 'EUR')).toBe('-12.50');
    expect(minorToDecimal(1_200, 'JPY')).toBe('1200');
  });

  it('keeps the name=value of each session cookie, even when an Expires date holds a comma', () => {
    expect(sessionCookies('SAP_SESSIONID_S4H_100=abc%3D; path=/; secure; HttpOnly, sap-usercontext=sap-client=100; path=/')).toBe('SAP_SESSIONID_S4H_100=abc%3D; sap-usercontext=sap-client=100');
    expect(sessionCookies('MYSAPSSO2=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; path=/, b=2')).toBe('MYSAPSSO2=x; b=2');
    expect(sessionCookies(undefined)).toBe('');
  });
});
