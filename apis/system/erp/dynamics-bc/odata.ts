/**
 * OData V4 query building for Business Central: literals escaped by type, never concatenated from raw
 * input (RELIABILITY.md B7), and the deterministic keys Strata stores on BC records so a retry finds
 * what an earlier attempt created.
 */
import { createHash } from 'node:crypto';
import { BC_GUID } from '../../../../openapi/vendors/dynamics-bc/types.js';

export const isGuid = (value: string): boolean => BC_GUID.test(value);

/** An `Edm.String` literal: single-quoted, a quote doubled (OData V4 ABNF `SQUOTE-in-string`). */
export const stringLiteral = (value: string): string => {
  // Control characters cannot be in a BC text field; refusing them keeps the filter one line.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error('OData string literal must not contain control characters');
  return `'${value.replace(/'/g, "''")}'`;
};

/** An `Edm.Guid` literal: unquoted, only after the GUID pattern matched. */
export const guidLiteral = (value: string): string => {
  if (!isGuid(value)) throw new Error('OData GUID literal must be a GUID');
  return value.toLowerCase();
};

/** An `Edm.Date` literal: unquoted `YYYY-MM-DD`. */
export const dateLiteral = (value: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error('OData date literal must be YYYY-MM-DD');
  return value;
};

/** `$filter=…&$select=…` with every value percent-encoded; system query option names keep their `$`. */
export const odataQuery = (options: Readonly<Record<string, string | number | undefined>>): string => {
  const parts = Object.entries(options)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

const hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex').toUpperCase();

/**
 * The customer `number` Strata gives a customer it creates: `STR` + 17 hex digits of SHA-256 of the
 * external reference (Code[20]). Why `number`: of the 27 documented customer properties it is the only
 * writable one that BC keeps unique — it is the table's primary key — so a second create with the same
 * reference is refused by BC itself (`Internal_EntityWithSameKeyExists`), and a lookup by it is exact.
 * A hash, because `number` is a Code field (upper-cased, 20 characters) while references are
 * case-sensitive and up to 64 characters. It needs "Manual Nos." on the customer number series.
 */
export const customerNumberFor = (externalRef: string): string => `STR${hex(externalRef).slice(0, 17)}`;

const DERIVED_DOCUMENT_NUMBER = /^STR-[0-9A-F]{31}$/;

/**
 * The sales order `externalDocumentNumber` (Code[35], upper-cased by BC) for an external reference: the
 * reference itself when BC would store it unchanged (upper case, at most 35), else `STR-` + 31 hex
 * digits of its SHA-256, so two references never share a stored value.
 */
export const externalDocumentNumberFor = (externalRef: string): string =>
  /^[A-Z0-9_-]{1,35}$/.test(externalRef) && !DERIVED_DOCUMENT_NUMBER.test(externalRef) ? externalRef : `STR-${hex(externalRef).slice(0, 31)}`;

/** The caller's reference back from a stored `externalDocumentNumber`; undefined when only its hash is stored (or none). */
export const externalRefFromDocumentNumber = (stored: string): string | undefined =>
  stored && !DERIVED_DOCUMENT_NUMBER.test(stored) ? stored : undefined;
