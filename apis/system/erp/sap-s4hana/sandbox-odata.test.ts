import { describe, expect, it } from 'vitest';
import { matches, ODataQueryError, pageOf, parseExpand, parseFilter, parseOrderBy, parsePaging } from './sandbox-odata.js';

const has = (name: string) => ['Name', 'Country', 'Amount', 'Due', 'Open'].includes(name);
const rows = [
  { Name: "O'Brien", Country: 'IE', Amount: 5, Due: '/Date(1700000000000)/', Open: true },
  { Name: 'Globex GmbH', Country: 'DE', Amount: 10, Due: '/Date(1600000000000)/', Open: false },
];

describe('sandbox OData query options', () => {
  it('evaluates comparisons with doubled quotes, tolower, and/or precedence, not, and V2 dates', () => {
    const where = (f: string) => rows.filter((r) => matches(parseFilter(f, has), r)).map((r) => r.Name);
    expect(where("Name eq 'O''Brien'")).toEqual(["O'Brien"]);
    expect(where("tolower(Name) eq 'globex gmbh'")).toEqual(['Globex GmbH']);
    expect(where("Country eq 'XX' and Amount gt 1 or Open eq true")).toEqual(["O'Brien"]);
    expect(where("not (Country eq 'IE')")).toEqual(['Globex GmbH']);
    expect(where("Due lt datetime'2022-01-01T00:00:00'")).toEqual(['Globex GmbH']);
    expect(where("Name ne ''")).toHaveLength(2);
  });

  it('refuses unknown properties, operators and broken literals as SAP does (400)', () => {
    expect(() => parseFilter("Secret eq 'x'", has)).toThrow(ODataQueryError);
    expect(() => parseFilter("Name like 'x'", has)).toThrow(/unsupported operator/);
    expect(() => parseFilter("Name eq 'x", has)).toThrow(/unterminated/);
    expect(() => parseFilter("Name eq 'x' junk", has)).toThrow(ODataQueryError);
  });

  it('orders, expands and pages inside the $skip/$top window', () => {
    expect([...rows].sort(parseOrderBy('Due asc', has)).map((r) => r.Amount)).toEqual([10, 5]);
    expect(() => parseOrderBy('Due sideways', has)).toThrow(ODataQueryError);
    expect(parseExpand('a/b,a/c,d')).toEqual({ a: { b: {}, c: {} }, d: {} });
    const items = [1, 2, 3, 4, 5];
    expect(pageOf(items, parsePaging({ $top: '3' }), 2)).toEqual({ page: [1, 2], nextStart: 2 });
    expect(pageOf(items, parsePaging({ $top: '3', $skiptoken: '2' }), 2)).toEqual({ page: [3] });
    expect(pageOf(items, parsePaging({ $skip: '4' }), 2)).toEqual({ page: [5] });
    expect(() => parsePaging({ $top: '-1' })).toThrow(ODataQueryError);
  });
});
