/**
 * NetSuite wire format, HAND-WRITTEN (no licensed OpenAPI document exists to generate from: NetSuite
 * builds one per account). Written from Oracle's public NetSuite REST Web Services reference (record
 * v1, SuiteQL query v1, OAuth 2.0 client credentials with a JWT assertion, `nsError`) and the NetSuite
 * section of vendor-specs/README.md. See README.md beside this file for the origin.
 *
 * These zod schemas are what the adapter parses every vendor body with (through `parseVendorJson`)
 * and what the conformance test checks the sandbox against. Object schemas strip unknown keys: a real
 * account sends many more fields than we read, and what we did not ask for must not travel further.
 * Length caps match the canonical contract's, so a parsed record always maps to a valid one.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Paths and constants

export const NS_TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
export const NS_CUSTOMER_PATH = '/services/rest/record/v1/customer';
export const NS_SUITEQL_PATH = '/services/rest/query/v1/suiteql';
export const NS_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const NS_SCOPE = 'rest_webservices';
/** NetSuite caps a SuiteQL page at 1000 rows. */
export const NS_SUITEQL_MAX_LIMIT = 1000;
/** Internal ids of records are positive integers; this is matched before an id enters a URL or a query. */
export const NS_INTERNAL_ID = /^\d{1,12}$/;

// ---------------------------------------------------------------------------------------------------
// Common shapes

export const NsLinkSchema = z.object({ rel: z.string().max(64), href: z.string().max(2048) });

/** A reference field (`currency`, `subsidiary`, `terms`, …): `{ id, refName, links }`. */
export const NsRefSchema = z.object({
  id: z.string().min(1).max(64),
  refName: z.string().max(200).optional(),
  links: z.array(NsLinkSchema).max(10).optional(),
});

/** The `nsError` body of every REST web services error (record and query APIs). */
export const NsErrorSchema = z.object({
  type: z.string().max(500),
  title: z.string().max(500),
  status: z.number().int(),
  'o:errorDetails': z
    .array(z.object({ detail: z.string().max(5000), 'o:errorCode': z.string().max(100), 'o:errorPath': z.string().max(500).optional() }))
    .max(50)
    .optional(),
});

// ---------------------------------------------------------------------------------------------------
// OAuth 2.0 client credentials (machine to machine) with a certificate-signed JWT assertion

/** The form-encoded token request body, as a parsed object (`URLSearchParams` entries). */
export const NsTokenRequestSchema = z.strictObject({
  grant_type: z.literal('client_credentials'),
  client_assertion_type: z.literal(NS_CLIENT_ASSERTION_TYPE),
  client_assertion: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a compact JWS'),
});

/** The assertion's protected header: `kid` is the certificate id NetSuite shows after the upload. */
export const NsClientAssertionHeaderSchema = z.object({
  alg: z.enum(['PS256', 'ES256']),
  kid: z.string().min(1).max(200),
  typ: z.literal('JWT').optional(),
});

/** The assertion's claims: lifetime at most one hour, scope `rest_webservices`, aud = the token URL. */
export const NsClientAssertionClaimsSchema = z
  .object({
    iss: z.string().min(1).max(200),
    scope: z.union([z.array(z.string()).min(1), z.string().min(1)]),
    aud: z.url(),
    iat: z.number().int().positive(),
    exp: z.number().int().positive(),
  })
  .refine((c) => c.exp > c.iat && c.exp - c.iat <= 3600, 'exp must be after iat and at most one hour later');

/** NetSuite sends `expires_in` as a string ("3600"); a number is accepted too. */
export const NsTokenResponseSchema = z.object({
  access_token: z.string().min(1).max(8192),
  expires_in: z.union([z.number().int().positive(), z.string().regex(/^\d{1,7}$/).transform(Number)]).pipe(z.number().int().positive()),
  token_type: z.string().regex(/^bearer$/i),
});

/** RFC 6749 §5.2 error of the token endpoint; only the code is ever logged. */
export const NsOAuthErrorSchema = z.object({ error: z.string().max(64) });

// ---------------------------------------------------------------------------------------------------
// Record v1: customer

const HoldOverride = z.enum(['AUTO', 'ON', 'OFF']);

/** A select field comes as `{ id, refName }` in REST; a bare value is accepted as well. */
export const NsCreditHoldOverrideSchema = z.union([HoldOverride, z.object({ id: HoldOverride, refName: z.string().max(50).optional() }).transform((r) => r.id)]);

export const NsAddressSchema = z.object({
  addr1: z.string().max(200).optional(),
  addr2: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
  state: z.string().max(100).optional(),
  zip: z.string().max(20).optional(),
  /** `id` is the ISO 3166-1 alpha-2 code, `refName` the country's name. */
  country: NsRefSchema.optional(),
  addrText: z.string().max(1000).optional(),
});

/** The `addressBook` sublist; `items` only with `expandSubResources=true`. */
export const NsAddressBookSchema = z.object({
  links: z.array(NsLinkSchema).max(10).optional(),
  items: z
    .array(
      z.object({
        defaultBilling: z.boolean().optional(),
        defaultShipping: z.boolean().optional(),
        label: z.string().max(200).optional(),
        addressBookAddress: NsAddressSchema.optional(),
      }),
    )
    .max(200)
    .optional(),
});

/** Amounts on records are JSON numbers in the customer's currency (decimals, not minor units). */
const amount = z.number().finite().min(-1e13).max(1e13);

export const NsCustomerSchema = z.object({
  links: z.array(NsLinkSchema).max(10).optional(),
  id: z.string().regex(NS_INTERNAL_ID),
  entityId: z.string().max(200).optional(),
  companyName: z.string().max(200).optional(),
  isPerson: z.boolean().optional(),
  email: z.string().max(254).optional(),
  phone: z.string().max(40).optional(),
  isInactive: z.boolean().optional(),
  currency: NsRefSchema,
  /** Absent when the customer has no credit limit set. */
  creditLimit: amount.optional(),
  balance: amount.optional(),
  overdueBalance: amount.optional(),
  daysOverdue: z.number().int().min(-100_000).max(100_000).optional(),
  unbilledOrders: amount.optional(),
  creditHoldOverride: NsCreditHoldOverrideSchema.optional(),
  vatRegNumber: z.string().max(40).optional(),
  defaultTaxReg: z.string().max(40).optional(),
  /** Free text rendering of the default address; the structured one is in `addressBook`. */
  defaultAddress: z.string().max(1000).optional(),
  addressBook: NsAddressBookSchema.optional(),
  lastModifiedDate: z.iso.datetime({ offset: true }),
});

/** Enough of a record to know it exists (`?fields=id`). */
export const NsRecordIdSchema = z.object({ id: z.string().regex(NS_INTERNAL_ID) });

// ---------------------------------------------------------------------------------------------------
// SuiteQL (query v1): open invoices

export const NsSuiteQlRequestSchema = z.strictObject({ q: z.string().min(1).max(10_000) });

/** SuiteQL returns every value as a string (numbers too); JSON numbers are accepted as well. */
const suiteQlText = (pattern: RegExp, message: string) =>
  z
    .union([z.string(), z.number().finite()])
    .transform(String)
    .pipe(z.string().regex(pattern, message));

const decimalText = suiteQlText(/^-?\d{1,13}(?:\.\d{1,6})?$/, 'must be a decimal');

/**
 * One row of Strata's open-invoice query. Dates are asked for with `TO_CHAR(…, 'YYYY-MM-DD')`, so
 * they do not depend on the account's date-format preference (which defaults to M/D/YYYY);
 * anything else is rejected rather than guessed.
 */
export const NsOpenInvoiceRowSchema = z.object({
  links: z.array(NsLinkSchema).max(10).optional(),
  id: suiteQlText(NS_INTERNAL_ID, 'must be an internal id'),
  tranid: z.string().min(1).max(64),
  trandate: z.iso.date(),
  /** Absent (SuiteQL drops nulls) when the invoice has no terms: then it is due on its date. */
  duedate: z.iso.date().optional(),
  foreigntotal: decimalText,
  foreignamountunpaid: decimalText,
  /** The currency's ISO 4217 code (`currency.symbol`, joined in the query). */
  currency: z.string().regex(/^[A-Z]{3}$/),
});

const suiteQlPage = <T extends z.ZodType>(item: T) =>
  z.object({
    links: z.array(NsLinkSchema).max(10).optional(),
    count: z.number().int().min(0),
    hasMore: z.boolean(),
    offset: z.number().int().min(0),
    totalResults: z.number().int().min(0),
    items: z.array(item).max(NS_SUITEQL_MAX_LIMIT),
  });

export const NsOpenInvoicePageSchema = suiteQlPage(NsOpenInvoiceRowSchema);

// ---------------------------------------------------------------------------------------------------
// Types: `…Wire` is what travels (a sandbox writes it), the plain name what the adapter reads.

export type NsRef = z.output<typeof NsRefSchema>;
export type NsError = z.output<typeof NsErrorSchema>;
export type NsTokenResponse = z.output<typeof NsTokenResponseSchema>;
export type NsTokenResponseWire = z.input<typeof NsTokenResponseSchema>;
export type NsCustomer = z.output<typeof NsCustomerSchema>;
export type NsCustomerWire = z.input<typeof NsCustomerSchema>;
export type NsOpenInvoiceRow = z.output<typeof NsOpenInvoiceRowSchema>;
export type NsOpenInvoiceRowWire = z.input<typeof NsOpenInvoiceRowSchema>;
export type NsOpenInvoicePage = z.output<typeof NsOpenInvoicePageSchema>;
export type NsOpenInvoicePageWire = z.input<typeof NsOpenInvoicePageSchema>;
