/**
 * Chargebee wire details shared by the adapter and the sandbox: id patterns (checked before an id
 * goes into a URL, RELIABILITY.md B7), the deterministic ids that make Strata's creates idempotent,
 * form encoding with Chargebee's bracket notation, and HTTP Basic with the API key.
 */
import { createHash } from 'node:crypto';

/** API v2 prefix on the site URL. */
export const CHARGEBEE_API_PREFIX = '/api/v2';

/**
 * Customer and subscription ids: up to 50 characters. Chargebee accepts more characters in ids it is
 * given, but everything Strata sends or reads back is letters, digits, `_`, `-` and `.` — never a
 * leading dot, so `.` / `..` can never become a path segment.
 */
export const CHARGEBEE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,49}$/;
/** Item price ids: up to 100 characters, same alphabet. */
export const CHARGEBEE_ITEM_PRICE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** The key Strata keeps its reference under in a record's `meta_data`. */
export const EXTERNAL_REF_KEY = 'strata_external_ref';

/**
 * The Chargebee id Strata gives the record it creates for `externalRef`: `strata-<ref>` while that
 * fits Chargebee's 50 characters, otherwise `strata-h-` and 32 hex digits of the reference's SHA-256.
 * The same reference always yields the same id, so a repeated create meets `duplicate_entry` instead
 * of making a second record (the adapter then reads the record back and checks its `meta_data`).
 */
export const chargebeeIdFor = (externalRef: string): string => {
  const readable = `strata-${externalRef}`;
  if (readable.length <= 50 && CHARGEBEE_ID.test(readable)) return readable;
  return `strata-h-${createHash('sha256').update(externalRef).digest('hex').slice(0, 32)}`;
};

/** `Basic base64("<api key>:")`: the API key is the user name, the password is empty. */
export const basicAuthorization = (apiKey: string): string => `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

export type FormValue = string | number | boolean | undefined | readonly FormValue[] | { readonly [key: string]: FormValue };

/**
 * Form-encodes a body the way Chargebee reads it: nested objects and lists in brackets
 * (`subscription_items[item_price_id][0]=…`, `contract_term[action_at_term_end]=renew`), booleans as
 * `true` / `false`, undefined fields left out. JSON-typed fields (`meta_data`) are passed in as strings.
 *
 * @example encodeForm({ subscription_items: { item_price_id: ['pro-monthly'], quantity: [5] } })
 * // 'subscription_items%5Bitem_price_id%5D%5B0%5D=pro-monthly&subscription_items%5Bquantity%5D%5B0%5D=5'
 */
export const encodeForm = (fields: { readonly [key: string]: FormValue }): string => {
  const params = new URLSearchParams();
  const add = (key: string, value: FormValue): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) return value.forEach((v, i) => add(`${key}[${i}]`, v));
    if (typeof value === 'object') return Object.entries(value).forEach(([k, v]) => add(`${key}[${k}]`, v));
    params.append(key, String(value));
  };
  for (const [key, value] of Object.entries(fields)) add(key, value);
  return params.toString();
};

/** Query strings: same encoding, flat keys (`customer_id[is]`) given as they are. */
export const encodeQuery = (fields: { readonly [key: string]: string | number | undefined }): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, String(value));
  return params.toString();
};
