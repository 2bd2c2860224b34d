/**
 * Zod schemas for the Salesforce REST responses the CRM adapter reads.
 *
 * Derived from Salesforce's Postman collection (forcedotcom/postman-salesforce-apis @ 83bd942d,
 * CC0-1.0; see README.md here). The collection holds no example response bodies for these
 * requests, so the shapes come from the fields its test scripts read from the token response and from
 * the documented wire format summarised in shared/vendor-specs/README.md. Only what the adapter uses is
 * modelled; unknown fields are stripped (zod's default), so nothing unasked-for travels further.
 * Maximum lengths are Salesforce's standard field lengths.
 */
import { z } from 'zod';

/** Record ids come back case-safe (18 characters) from the REST API. */
export const SalesforceRecordIdSchema = z.string().regex(/^[A-Za-z0-9]{18}$/);

/** `2026-10-01T12:00:00.000+0000`: Salesforce's dateTime, always with an offset. */
export const SalesforceDateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})$/);

export const SalesforceAttributesSchema = z.object({
  type: z.string().max(80),
  url: z.string().max(255).optional(),
});

/** `POST /services/oauth2/token` 200. No `expires_in`: the session lasts the org's session timeout. */
export const SalesforceTokenResponseSchema = z.object({
  access_token: z.string().min(1).max(4096),
  instance_url: z.url(),
  /** Identity URL: `…/id/<orgId>/<userId>`. */
  id: z.string().max(512),
  token_type: z.literal('Bearer'),
  /** Epoch milliseconds, as a string. */
  issued_at: z.string().regex(/^\d{10,16}$/),
  signature: z.string().max(512),
  scope: z.string().max(1024).optional(),
});

/** `POST /services/oauth2/token` 4xx: the OAuth error shape, not the REST error array. */
export const SalesforceOAuthErrorSchema = z.object({
  error: z.string().max(100),
  error_description: z.string().max(1024).optional(),
});

/** Every REST error: a JSON array. Only `errorCode` is ever read; `message` is never passed on. */
export const SalesforceErrorsSchema = z
  .array(
    z.object({
      message: z.string().max(4096),
      errorCode: z.string().max(100),
      fields: z.array(z.string().max(255)).max(100).optional(),
    }),
  )
  .min(1)
  .max(50);

/** The relationship `Owner.Name` comes back as a nested record (or null). */
export const SalesforceOwnerSchema = z.object({
  attributes: SalesforceAttributesSchema,
  Name: z.string().max(121),
});

/**
 * `Account` with the fields the adapter selects:
 * `Id,Name,Industry,Website,BillingCountry,Owner.Name,External_Id__c,LastModifiedDate` (read by id, by
 * external id, and by the name search).
 * A selected field is always present; an empty one is `null`.
 */
export const SalesforceAccountSchema = z.object({
  attributes: SalesforceAttributesSchema,
  Id: SalesforceRecordIdSchema,
  Name: z.string().min(1).max(255),
  Industry: z.string().max(255).nullable(),
  Website: z.string().max(255).nullable(),
  BillingCountry: z.string().max(80).nullable(),
  Owner: SalesforceOwnerSchema.nullable(),
  External_Id__c: z.string().max(255).nullable(),
  LastModifiedDate: SalesforceDateTimeSchema,
});

/** `Contact` with `Id,FirstName,LastName,Title,Email,Phone`. */
export const SalesforceContactSchema = z.object({
  attributes: SalesforceAttributesSchema,
  Id: SalesforceRecordIdSchema,
  FirstName: z.string().max(40).nullable(),
  LastName: z.string().min(1).max(80),
  Title: z.string().max(128).nullable(),
  Email: z.string().max(80).nullable(),
  Phone: z.string().max(40).nullable(),
});

/** `2026-11-20`: Salesforce's date (CloseDate). */
export const SalesforceDateSchema = z.iso.date();

/**
 * `Opportunity` with the fields the adapter selects:
 * `Id,AccountId,Name,StageName,Amount,CurrencyIsoCode,CloseDate,IsClosed,IsWon,Order_Number__c,LastModifiedDate`.
 * `CurrencyIsoCode` exists on multi-currency orgs (an org prerequisite, see README); `Order_Number__c`
 * is the custom text field the ERP order number is written back to. `IsClosed` / `IsWon` are derived
 * by Salesforce from the stage's picklist metadata.
 */
export const SalesforceOpportunitySchema = z.object({
  attributes: SalesforceAttributesSchema,
  Id: SalesforceRecordIdSchema,
  AccountId: SalesforceRecordIdSchema.nullable(),
  Name: z.string().min(1).max(120),
  StageName: z.string().min(1).max(255),
  /** currency(16, 2) */
  Amount: z.number().finite().nullable(),
  CurrencyIsoCode: z.string().regex(/^[A-Z]{3}$/),
  CloseDate: SalesforceDateSchema,
  IsClosed: z.boolean(),
  IsWon: z.boolean(),
  Order_Number__c: z.string().max(255).nullable(),
  LastModifiedDate: SalesforceDateTimeSchema,
});

/** A primary-contact row of the search's one contact query: the contact plus the account it belongs to. */
export const SalesforceAccountContactSchema = SalesforceContactSchema.extend({ AccountId: SalesforceRecordIdSchema });

/** `GET /query?q=…`: one batch of records (at most 2,000), `nextRecordsUrl` when there are more. */
export const soqlResultSchema = <R extends z.ZodType>(record: R) =>
  z.object({
    totalSize: z.number().int().min(0),
    done: z.boolean(),
    nextRecordsUrl: z.string().max(255).optional(),
    records: z.array(record).max(2_000),
  });

export const SalesforceAccountQueryResultSchema = soqlResultSchema(SalesforceAccountSchema);
export const SalesforceContactQueryResultSchema = soqlResultSchema(SalesforceContactSchema);
export const SalesforceAccountContactQueryResultSchema = soqlResultSchema(SalesforceAccountContactSchema);
