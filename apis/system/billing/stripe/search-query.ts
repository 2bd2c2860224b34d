/**
 * Stripe Search Query Language, the one clause the adapter needs: an exact metadata match,
 * `metadata['external_ref']:'cus_01HZX3GLOBEX'`. Values are quoted and escaped (`\'`, `\\`), never
 * concatenated raw; keys are restricted to what Strata writes. The input is also pattern-checked by
 * the contract before it gets here — this is the second line (RELIABILITY.md B7).
 */

const METADATA_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** A Stripe search string literal: single quotes, with `\` and `'` escaped by a backslash. */
export const searchLiteral = (value: string): string => {
  if (value.length === 0 || value.length > 500) throw new Error('searchLiteral: value must be 1 to 500 characters');
  if (/[\u0000-\u001f]/.test(value)) throw new Error('searchLiteral: control characters are not allowed');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

/** `metadata['<key>']:'<value>'`: records whose metadata key equals the value exactly. */
export const metadataEquals = (key: string, value: string): string => {
  if (!METADATA_KEY.test(key)) throw new Error('metadataEquals: invalid metadata key');
  return `metadata['${key}']:${searchLiteral(value)}`;
};
