/**
 * Building OData requests safely: string literals (quotes doubled, OData V2 §2.2.2 / V4 ABNF),
 * query strings (`%20`, never `+`), and the values Strata stores in SAP fields that are shorter or
 * more restricted than its own (references, names). Nothing here is string-concatenated from input
 * without going through `literal` or a pattern check first (RELIABILITY.md B7).
 */
import { createHash } from 'node:crypto';
import { minorUnitExponent } from '../../../../shared/canonical/money.js';

/** An OData string literal: `'O''Brien'`. The same rule in V2 and V4. */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** `$filter` comparisons joined with `and`; each side already built with `literal` or a checked key. */
export const and = (...clauses: readonly string[]): string => clauses.filter((c) => c !== '').join(' and ');
/** `(a eq 'x' or a eq 'y')` for a non-empty list of values. */
export const anyOf = (property: string, values: readonly string[]): string => `(${values.map((v) => `${property} eq ${literal(v)}`).join(' or ')})`;

/** A query string with OData system options; values percent-encoded (spaces as %20), `$` names kept. */
export const query = (options: Readonly<Record<string, string | number | undefined>>): string => {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

/** Upper-case base32 (RFC 4648 alphabet), no padding. */
const base32 = (bytes: Buffer): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
};

/**
 * The canonical customer id as kept in `BusinessPartnerIDByExtSystem` (CHAR 20, upper case: SAP
 * converts it). References of up to 20 characters are stored as they are, upper-cased — so two
 * references differing only in case are one reference to SAP; longer ones as `~` and 19 base32
 * characters of their SHA-256 (95 bits). `~` never occurs in a reference (`[A-Za-z0-9_-]`), so a hashed
 * key cannot collide with a stored one.
 */
export const customerReferenceKey = (externalRef: string): string => {
  const upper = externalRef.toUpperCase();
  return upper.length <= 20 ? upper : `~${base32(createHash('sha256').update(upper).digest()).slice(0, 19)}`;
};

/**
 * The order reference as kept in `PurchaseOrderByCustomer` (CHAR 35, case kept): as it is up to 35
 * characters, else `~` and 34 base64url characters of its SHA-256.
 */
export const orderReferenceKey = (externalRef: string): string =>
  externalRef.length <= 35 ? externalRef : `~${createHash('sha256').update(externalRef).digest('base64url').slice(0, 34)}`;

/** The reference a stored key stands for, when it can be read back (hashed keys cannot). */
export const referenceFromKey = (key: string | null | undefined): string | undefined => (key && !key.startsWith('~') && /^[A-Za-z0-9_-]{1,64}$/.test(key) ? key : undefined);

/**
 * A legal name (up to 200 characters) over SAP's four 40-character name fields, split between words
 * as SAP's own apps do; a word longer than a field is cut. Read back with `joinName`.
 */
export const splitName = (legalName: string): string[] => {
  const parts: string[] = [];
  let current = '';
  for (const word of legalName.trim().split(/\s+/)) {
    let rest = word;
    while (rest.length > 40) {
      if (current) parts.push(current);
      parts.push(rest.slice(0, 40));
      current = '';
      rest = rest.slice(40);
    }
    if (!current) current = rest;
    else if (current.length + 1 + rest.length <= 40) current += ` ${rest}`;
    else {
      parts.push(current);
      current = rest;
    }
  }
  if (current) parts.push(current);
  return parts.slice(0, 4);
};

export const joinName = (parts: readonly (string | null | undefined)[]): string =>
  parts
    .map((p) => p?.trim() ?? '')
    .filter((p) => p !== '')
    .join(' ');

/** Names compared the way the contract asks: case-insensitive, whitespace-normalised. */
export const sameName = (a: string, b: string): boolean => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * A decimal string (`"7500.00"`, `"-12.5"`) in minor units of `currency`, without floating point;
 * digits beyond the currency's exponent are rounded half away from zero. Undefined when not a decimal.
 */
export const decimalToMinor = (text: string, currency: string): number | undefined => {
  const m = /^(-?)(\d{1,30})(?:\.(\d{1,14}))?$/.exec(text.trim());
  if (!m) return undefined;
  const exponent = minorUnitExponent(currency);
  const fraction = (m[3] ?? '').padEnd(exponent + 1, '0');
  const units = BigInt(m[2]! + fraction.slice(0, exponent));
  const rounded = Number(fraction[exponent]) >= 5 ? units + 1n : units;
  const minor = Number(m[1] === '-' ? -rounded : rounded);
  return Number.isSafeInteger(minor) ? minor : undefined;
};

/** Minor units as SAP's decimal text: `750000`, `EUR` → `"7500.00"`. */
export const minorToDecimal = (minor: number, currency: string): string => {
  const exponent = minorUnitExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
};

/** A quantity as a decimal string with SAP's three decimals (`3` → `"3.000"`). */
export const quantityText = (quantity: number): string => quantity.toFixed(3);

const DAY_MS = 86_400_000;
/** An epoch-ms date (V2 `Edm.DateTime` holds dates as UTC midnight) as `YYYY-MM-DD`. */
export const isoDate = (ms: number): string => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
