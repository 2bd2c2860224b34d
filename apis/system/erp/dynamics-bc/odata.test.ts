import { describe, expect, it } from 'vitest';
import { BC_PROPERTIES } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { customerNumberFor, dateLiteral, externalDocumentNumberFor, externalRefFromDocumentNumber, guidLiteral, odataQuery, stringLiteral } from './odata.js';
import { ODataQueryError, parseFilter, parseOrderBy, parseSelect } from './sandbox-odata.js';

const CUSTOMER = BC_PROPERTIES.customer;
const rows = [
  { id: '5d115c9c-44e3-ea11-bb43-000d3a2f8812', displayName: "O'Brien & Sons", country: 'IE', creditLimit: 10, blocked: ' ' },
  { id: '5d115c9c-44e3-ea11-bb43-000d3a2f8813', displayName: 'Globex GmbH', country: 'DE', creditLimit: 50, blocked: 'Ship' },
];
const where = (filter: string) => rows.filter(parseFilter(filter, CUSTOMER, 'Microsoft.NAV.customer')).map((r) => r.displayName);

describe('OData literals (adapter side)', () => {
  it('when a string holds a quote, doubles it, so the value cannot end the literal', () => {
    expect(stringLiteral("O'Brien & Sons")).toBe("'O''Brien & Sons'");
    expect(stringLiteral("x' or displayName ne '")).toBe("'x'' or displayName ne '''");
  });

  it('when a string holds a control character, refuses it', () => {
    expect(() => stringLiteral('a\nb')).toThrow();
  });

  it('when a GUID or date literal is not one, refuses it; a GUID is lower-cased and unquoted', () => {
    expect(guidLiteral('5D115C9C-44E3-EA11-BB43-000D3A2F8812')).toBe('5d115c9c-44e3-ea11-bb43-000d3a2f8812');
    expect(() => guidLiteral("5d115c9c' or 1 eq 1")).toThrow();
    expect(() => dateLiteral('2026-1-1')).toThrow();
  });

  it('percent-encodes every option value and keeps the option names', () => {
    expect(odataQuery({ $filter: "displayName eq 'A&B'", $top: 5, $skip: undefined })).toBe("?$filter=displayName%20eq%20'A%26B'&$top=5");
    expect(odataQuery({})).toBe('');
  });

  it('derives a Code[20] customer number and a Code[35] document number, deterministic and case-sensitive', () => {
    expect(customerNumberFor('cus_01HZX3GLOBEX')).toMatch(/^STR[0-9A-F]{17}$/);
    expect(customerNumberFor('cus_a')).toBe(customerNumberFor('cus_a'));
    expect(customerNumberFor('cus_a')).not.toBe(customerNumberFor('CUS_A'));
    expect(externalDocumentNumberFor('ORD-2026-0001')).toBe('ORD-2026-0001');
    const hashed = externalDocumentNumberFor('ord_01hzx3');
    expect(hashed).toMatch(/^STR-[0-9A-F]{31}$/);
    expect(hashed).not.toBe(externalDocumentNumberFor('ORD_01HZX3'));
    expect(externalDocumentNumberFor('x'.repeat(36).toUpperCase())).toHaveLength(35);
    expect(externalRefFromDocumentNumber('ORD-2026-0001')).toBe('ORD-2026-0001');
    expect(externalRefFromDocumentNumber(hashed)).toBeUndefined();
    expect(externalRefFromDocumentNumber('')).toBeUndefined();
  });
});

describe('OData $filter, $orderby, $select (sandbox side)', () => {
  it('when the adapter escapes a quote, the sandbox reads the value back exactly', () => {
    expect(where(`displayName eq ${stringLiteral("O'Brien & Sons")}`)).toEqual(["O'Brien & Sons"]);
  });

  it('when an escaped value looks like an injection, it stays one literal and matches nothing', () => {
    expect(where(`displayName eq ${stringLiteral("x' or country ne 'nowhere")}`)).toEqual([]);
  });

  it('compares strings case-insensitively, like BC online', () => {
    expect(where("displayName eq 'GLOBEX GMBH'")).toEqual(['Globex GmbH']);
  });

  it('combines and, or, not and parentheses with the usual precedence', () => {
    expect(where("country eq 'DE' or country eq 'IE' and creditLimit gt 20")).toEqual(['Globex GmbH']);
    expect(where("(country eq 'DE' or country eq 'IE') and not (creditLimit gt 20)")).toEqual(["O'Brien & Sons"]);
    expect(where('id eq 5d115c9c-44e3-ea11-bb43-000d3a2f8813')).toEqual(['Globex GmbH']);
  });

  it.each([
    ["nosuch eq 'x'", /Could not find a property named 'nosuch'/],
    ["creditLimit eq 'ten'", /incompatible types/],
    ["id eq '5d115c9c-44e3-ea11-bb43-000d3a2f8813'", /incompatible types/],
    ["displayName eq 'unterminated", /Syntax error/],
    ["displayName eq 'x' or", /Syntax error/],
    ["displayName eq 'x' or 1 eq 1", /Syntax error/],
  ])('when the filter is %s, refuses it', (filter, message) => {
    expect(() => where(filter)).toThrow(ODataQueryError);
    expect(() => where(filter)).toThrow(message);
  });

  it('orders by several keys and selects documented properties only', () => {
    const sorted = [...rows].sort(parseOrderBy('blocked desc,displayName', CUSTOMER, 'Microsoft.NAV.customer'));
    expect(sorted.map((r) => r.country)).toEqual(['DE', 'IE']);
    expect(parseSelect('id, displayName', CUSTOMER, 'Microsoft.NAV.customer')).toEqual(['id', 'displayName']);
    expect(() => parseSelect('id,secret', CUSTOMER, 'Microsoft.NAV.customer')).toThrow(/secret/);
    expect(() => parseOrderBy('displayName sideways', CUSTOMER, 'Microsoft.NAV.customer')).toThrow(ODataQueryError);
  });
});
