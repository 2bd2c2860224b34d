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
  SalesforceAccountQueryResultSchema,
  SalesforceAccountSchema,
  SalesforceContactQueryResultSchema,
  SalesforceContactSchema,
  SalesforceErrorsSchema,
  SalesforceOAuthErrorSchema,
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

export type SalesforceTokenResponse = z.infer<typeof SalesforceTokenResponseSchema>;
export type SalesforceOAuthError = z.infer<typeof SalesforceOAuthErrorSchema>;
export type SalesforceErrors = z.infer<typeof SalesforceErrorsSchema>;
export type SalesforceAccount = z.infer<typeof SalesforceAccountSchema>;
export type SalesforceContact = z.infer<typeof SalesforceContactSchema>;
export type SalesforceAccountQueryResult = z.infer<typeof SalesforceAccountQueryResultSchema>;
export type SalesforceContactQueryResult = z.infer<typeof SalesforceContactQueryResultSchema>;

