/**
 * Everything the adapter puts into a Salesforce URL or SOQL statement passes through here: ids and
 * external ids are matched against strict patterns first (RELIABILITY.md B7), and string literals are
 * escaped per the SOQL rules anyway, as a second line of defence against SOQL injection.
 */

/** 15-character (case-sensitive) or 18-character (case-safe) record id. */
export const SALESFORCE_ID_PATTERN = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** Every Account id starts with the Account key prefix; any other id cannot name an account. */
export const ACCOUNT_KEY_PREFIX = '001';

/**
 * Our external ids (the canonical customer id, e.g. `cus_01HZX3GLOBEX`): letters, digits, `_` and
 * `-`, at most 64. No quote, backslash, space or `%` can reach a SOQL statement.
 */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const isAccountId = (id: string): boolean => SALESFORCE_ID_PATTERN.test(id) && id.startsWith(ACCOUNT_KEY_PREFIX);

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

/** The Account fields the adapter reads, in the order the mapper needs them. */
export const ACCOUNT_FIELDS = ['Id', 'Name', 'Industry', 'Website', 'BillingCountry', 'Owner.Name', 'External_Id__c', 'LastModifiedDate'] as const;
export const CONTACT_FIELDS = ['Id', 'FirstName', 'LastName', 'Title', 'Email', 'Phone'] as const;

/** Custom checkbox marking an account's primary contact (there is no standard field for it on Contact). */
export const PRIMARY_CONTACT_FLAG = 'Is_Primary__c';
/** Custom external-id text field on Account holding the canonical customer id. */
export const EXTERNAL_ID_FIELD = 'External_Id__c';

/** LIMIT 2, so a duplicated external id is seen as ambiguous rather than answered with an arbitrary record. */
export const accountByExternalIdSoql = (externalId: string): string =>
  `SELECT ${ACCOUNT_FIELDS.join(', ')} FROM Account WHERE ${EXTERNAL_ID_FIELD} = ${soqlString(externalId)} LIMIT 2`;

/** The oldest contact flagged primary wins if an org flags several. */
export const primaryContactSoql = (accountId: string): string =>
  `SELECT ${CONTACT_FIELDS.join(', ')} FROM Contact WHERE AccountId = ${soqlString(accountId)} AND ${PRIMARY_CONTACT_FLAG} = true ORDER BY CreatedDate ASC LIMIT 1`;
