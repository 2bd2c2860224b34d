/**
 * Everything the adapter puts into a Salesforce URL or SOQL statement passes through here: ids and
 * external ids are matched against strict patterns first (RELIABILITY.md B7), and string literals are
 * escaped per the SOQL rules anyway, as a second line of defence against SOQL injection.
 */

/** 15-character (case-sensitive) or 18-character (case-safe) record id. */
export const SALESFORCE_ID_PATTERN = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** Every record id starts with its object's key prefix; an id with another prefix cannot name that object. */
export const KEY_PREFIXES = { Account: '001', Contact: '003', Opportunity: '006' } as const;
export const ACCOUNT_KEY_PREFIX = KEY_PREFIXES.Account;

/**
 * Our external ids (the canonical customer id, e.g. `cus_01HZX3GLOBEX`): letters, digits, `_` and
 * `-`, at most 64. No quote, backslash, space or `%` can reach a SOQL statement.
 */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** True when `id` is a well-formed record id of `object` (pattern and key prefix). */
export const isRecordId = (object: keyof typeof KEY_PREFIXES, id: string): boolean => SALESFORCE_ID_PATTERN.test(id) && id.startsWith(KEY_PREFIXES[object]);
export const isAccountId = (id: string): boolean => isRecordId('Account', id);

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A SOQL string literal, quoted, with `\ ' " \n \r \t \b \f` escaped (SOQL "Quoted String Escape Sequences"). */
export const soqlString = (value: string): string => `'${value.replace(/[\\'"\n\r\t\b\f]/g, (ch) => ESCAPES[ch]!)}'`;

/**
 * A LIKE pattern matching values that start with `prefix`: the literal escaped as `soqlString` does,
 * and LIKE's wildcards `%` and `_` in it escaped too (`\%`, `\_`, valid only in LIKE), so the only
 * wildcard is the trailing `%` we add. `50%_off` → `'50\%\_off%'`.
 */
export const soqlLikePrefix = (prefix: string): string => `'${prefix.replace(/[\\'"\n\r\t\b\f%_]/g, (ch) => ESCAPES[ch] ?? `\\${ch}`)}%'`;

/** The Account fields the adapter reads, in the order the mapper needs them. */
export const ACCOUNT_FIELDS = ['Id', 'Name', 'Industry', 'Website', 'BillingCountry', 'Owner.Name', 'External_Id__c', 'LastModifiedDate'] as const;
export const CONTACT_FIELDS = ['Id', 'FirstName', 'LastName', 'Title', 'Email', 'Phone'] as const;
/** The Opportunity fields the adapter reads (`CurrencyIsoCode`: multi-currency orgs, see the vendor README). */
export const OPPORTUNITY_FIELDS = [
  'Id', 'AccountId', 'Name', 'StageName', 'Amount', 'CurrencyIsoCode', 'CloseDate', 'IsClosed', 'IsWon', 'Order_Number__c', 'LastModifiedDate',
] as const;

/** Custom checkbox marking an account's primary contact (there is no standard field for it on Contact). */
export const PRIMARY_CONTACT_FLAG = 'Is_Primary__c';
/** Custom external-id text field on Account holding the canonical customer id. */
export const EXTERNAL_ID_FIELD = 'External_Id__c';

/** LIMIT 2, so a duplicated external id is seen as ambiguous rather than answered with an arbitrary record. */
export const accountByExternalIdSoql = (externalId: string): string =>
  `SELECT ${ACCOUNT_FIELDS.join(', ')} FROM Account WHERE ${EXTERNAL_ID_FIELD} = ${soqlString(externalId)} LIMIT 2`;

/** Accounts whose name starts with `prefix` (LIKE is case-insensitive in SOQL), by name, at most `limit`. */
export const accountSearchSoql = (prefix: string, limit: number): string => {
  if (!Number.isInteger(limit) || limit < 1 || limit > 2_000) throw new RangeError('limit must be an integer from 1 to 2000');
  return `SELECT ${ACCOUNT_FIELDS.join(', ')} FROM Account WHERE Name LIKE ${soqlLikePrefix(prefix)} ORDER BY Name ASC LIMIT ${limit}`;
};

/**
 * The primary contacts of several accounts in one query (the search's second and last call). Ordered
 * by creation, so the first row per account is the oldest flagged contact, as `primaryContactSoql` picks.
 */
export const primaryContactsSoql = (accountIds: readonly string[]): string => {
  if (accountIds.length === 0 || accountIds.length > 200) throw new RangeError('between 1 and 200 account ids');
  return `SELECT AccountId, ${CONTACT_FIELDS.join(', ')} FROM Contact WHERE AccountId IN (${accountIds.map(soqlString).join(', ')}) AND ${PRIMARY_CONTACT_FLAG} = true ORDER BY CreatedDate ASC`;
};

/** The oldest contact flagged primary wins if an org flags several. */
export const primaryContactSoql = (accountId: string): string =>
  `SELECT ${CONTACT_FIELDS.join(', ')} FROM Contact WHERE AccountId = ${soqlString(accountId)} AND ${PRIMARY_CONTACT_FLAG} = true ORDER BY CreatedDate ASC LIMIT 1`;
