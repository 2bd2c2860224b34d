/**
 * Salesforce REST request and response types used by the CRM adapter (and its sandbox).
 *
 * Derived from Salesforce's Postman collection (forcedotcom/postman-salesforce-apis @ 83bd942d,
 * CC0-1.0; see README.md here): requests from the collection's request definitions (method, URL
 * template, form fields), responses inferred from the zod schemas in `schemas.ts`, which are derived
 * from the collection's test scripts and the documented wire format (the collection has no example
 * response bodies). Imported by the Salesforce adapter only (DESIGN.md §3).
 */
import type { z } from 'zod';
import type {
  SalesforceAccountContactQueryResultSchema,
  SalesforceAccountContactSchema,
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceContactSchema,
  SalesforceErrorsSchema,
  SalesforceOAuthErrorSchema,
  SalesforceOpportunitySchema,
  SalesforceTokenResponseSchema,
} from './schemas.js';

/**
 * `POST /services/oauth2/token`, `application/x-www-form-urlencoded` — the collection's token
 * requests send `grant_type`, `client_id`, `client_secret`; the client credentials flow needs nothing more.
 */
export interface SalesforceClientCredentialsRequest {
  readonly grant_type: 'client_credentials';
  readonly client_id: string;
  readonly client_secret: string;
}

/** `GET /services/data/vNN.N/sobjects/{sObject}/{id}?fields=…` ("SObject Rows"). */
export interface SalesforceSObjectRowsQuery {
  /** Comma-separated field API names; relationship fields with a dot (`Owner.Name`). */
  readonly fields?: string;
}

/** `GET /services/data/vNN.N/query?q=…` ("Query"): a URL-encoded SOQL statement. */
export interface SalesforceQueryParams {
  readonly q: string;
}

/**
 * `PATCH /services/data/vNN.N/sobjects/{sObject}/{id}` ("SObject Rows Update"), `application/json`:
 * the collection's body is `{"field API name": "value"}` — the fields to change, nothing else. The
 * answer is `204 No Content`. These are the bodies the adapter sends.
 */
export interface SalesforceOpportunityUpdate {
  /** A value of the org's restricted Stage picklist. */
  readonly StageName?: string;
  /** currency(16, 2), a JSON number in `CurrencyIsoCode`'s currency. */
  readonly Amount?: number;
  readonly CurrencyIsoCode?: string;
  /** `YYYY-MM-DD` */
  readonly CloseDate?: string;
}

/** Other systems' ids written back onto the Account (custom text fields, see README). */
export interface SalesforceAccountReferencesUpdate {
  readonly ERP_Customer_Id__c?: string;
  readonly Billing_Customer_Id__c?: string;
  readonly Support_Organization_Id__c?: string;
}

/** The ERP order number written back onto the Opportunity (custom text field). */
export interface SalesforceOpportunityReferencesUpdate {
  readonly Order_Number__c?: string;
}

export type SalesforceTokenResponse = z.infer<typeof SalesforceTokenResponseSchema>;
export type SalesforceOAuthError = z.infer<typeof SalesforceOAuthErrorSchema>;
export type SalesforceErrors = z.infer<typeof SalesforceErrorsSchema>;
export type SalesforceAccount = z.infer<typeof SalesforceAccountSchema>;
export type SalesforceContact = z.infer<typeof SalesforceContactSchema>;
export type SalesforceAccountQueryResult = z.infer<typeof SalesforceAccountQueryResultSchema>;
export type SalesforceContactQueryResult = z.infer<typeof SalesforceContactQueryResultSchema>;
export type SalesforceOpportunity = z.infer<typeof SalesforceOpportunitySchema>;
export type SalesforceAccountContact = z.infer<typeof SalesforceAccountContactSchema>;
export type SalesforceAccountContactQueryResult = z.infer<typeof SalesforceAccountContactQueryResultSchema>;

