import { describe, expect, it } from 'vitest';
import { encodeStripeForm, FormError, parseStripeForm } from './form.js';
import { metadataEquals, searchLiteral } from './search-query.js';
import { parseSearchQuery, SearchQueryError } from './sandbox-search.js';

describe("Stripe's form encoding", () => {
  it('encodes nested values in bracket notation: indexed objects, [] for scalar arrays, readable keys, encoded values', () => {
    const encoded = encodeStripeForm({
      customer: 'cus_QGlobex0000001',
      items: [{ price: 'strata-pro-monthly', quantity: 3 }],
      metadata: { external_ref: 'ref & co', term_months: '12' },
      expand: ['items.data.price.currency_options', 'customer'],
      cancel_at_period_end: true,
      skipped: undefined,
      description: null,
    });
    expect(encoded).toBe(
      'customer=cus_QGlobex0000001&items[0][price]=strata-pro-monthly&items[0][quantity]=3&metadata[external_ref]=ref%20%26%20co&metadata[term_months]=12' +
        '&expand[]=items.data.price.currency_options&expand[]=customer&cancel_at_period_end=true&description=',
    );
  });

  it('decodes what it encodes (and what other Stripe clients send: %5B%5D brackets, + for spaces, [0] indexes for arrays)', () => {
    const value = { items: [{ price: 'p', quantity: '2' }], metadata: { a: 'x y', b: "it's" }, expand: ['a', 'b'], name: 'Ünïcødé GmbH' };
    expect(parseStripeForm(encodeStripeForm(value))).toEqual(value);
    expect(parseStripeForm('expand%5B0%5D=a&expand%5B1%5D=b&name=A+B')).toEqual({ expand: ['a', 'b'], name: 'A B' });
  });

  it.each([
    ['a key both a value and a hash', 'metadata=x&metadata[a]=b'],
    ['a malformed name', 'items[0=x'],
    ['prototype pollution', '__proto__[polluted]=yes'],
    ['bad percent-encoding', 'name=%E0%A4%A'],
    ['nesting too deep', 'a[b][c][d][e][f][g]=1'],
  ])('refuses %s with a FormError', (_name, text) => {
    expect(() => parseStripeForm(text)).toThrow(FormError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Stripe search queries', () => {
  it('quotes and escapes values, so input cannot leave the literal', () => {
    expect(metadataEquals('external_ref', 'cus_01HZX3GLOBEX')).toBe("metadata['external_ref']:'cus_01HZX3GLOBEX'");
    expect(searchLiteral("x' OR metadata['a']:'b")).toBe("'x\\' OR metadata[\\'a\\']:\\'b'");
    expect(searchLiteral('back\\slash')).toBe("'back\\\\slash'");
    expect(() => metadataEquals("a']:'b", 'x')).toThrow();
    expect(() => searchLiteral('')).toThrow();
    expect(() => searchLiteral('line\nbreak')).toThrow();
  });

  it('the sandbox parses what the adapter builds, and an escaped quote stays inside the value', () => {
    const record = (metadata: Record<string, string>) => ({ fields: { email: 'a@b.example' }, metadata });
    const injected = parseSearchQuery(metadataEquals('external_ref', "x' OR email:'a@b.example"), ['email']);
    expect(injected(record({ external_ref: "x' OR email:'a@b.example" }))).toBe(true);
    expect(injected(record({ external_ref: 'other' }))).toBe(false); // the OR did not escape the literal
    const or = parseSearchQuery("email:'a@b.example' OR metadata['k']:'v'", ['email']);
    expect(or(record({}))).toBe(true);
  });

  it.each([
    ['mixes AND and OR', "metadata['a']:'b' AND email:'x' OR email:'y'"],
    ['names a field the resource cannot be searched by', "colour:'blue'"],
    ['has an unquoted value', "metadata['a']:b"],
    ['is empty', ''],
  ])('the sandbox refuses a query that %s', (_what, query) => {
    expect(() => parseSearchQuery(query, ['email'])).toThrow(SearchQueryError);
  });
});
