/**
 * NetSuite wire format, HAND-WRITTEN (no licensed OpenAPI document exists to generate from: NetSuite
 * builds one per account). Written from Oracle's public NetSuite REST Web Services reference (record
 * v1: customer and salesOrder reads and creates, external ids, idempotency keys; SuiteQL query v1;
 * OAuth 2.0 client credentials with a JWT assertion; `nsError`) and the NetSuite section of
 * vendor-specs/README.md. See README.md beside this file for the origin and the assumptions.
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
export const NS_RECORD_PATH = '/services/rest/record/v1';
export const NS_CUSTOMER_PATH = `${NS_RECORD_PATH}/customer`;
export const NS_SALES_ORDER_PATH = `${NS_RECORD_PATH}/salesOrder`;
export const NS_SUITEQL_PATH = '/services/rest/query/v1/suiteql';
export const NS_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const NS_SCOPE = 'rest_webservices';
/** NetSuite caps a SuiteQL page at 1000 rows. */
export const NS_SUITEQL_MAX_LIMIT = 1000;
/** Internal ids of records are positive integers; this is matched before an id enters a URL or a query. */
export const NS_INTERNAL_ID = /^\d{1,12}$/;
/**
 * The external ids Strata writes (its own references, e.g. the canonical customer id). NetSuite
 * allows more characters; Strata only ever writes these, so one can follow `eid:` in a record path.
 */
export const NS_EXTERNAL_ID = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * Request headers of record writes: the idempotency key (a UUID; a repeated key answers with the first
 * request's outcome) and strict property-name validation (an unknown field is an error, not a warning).
 */
export const NS_IDEMPOTENCY_KEY_HEADER = 'x-netsuite-idempotency-key';
export const NS_PROPERTY_NAME_VALIDATION_HEADER = 'x-netsuite-propertynamevalidation';
export const NS_IDEMPOTENCY_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The price level id that means "custom rate" on a transaction line. */
export const NS_CUSTOM_PRICE_LEVEL = '-1';

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
  /** Set by integrations (Strata writes the canonical customer id); unique per record type. */
  externalId: z.string().max(255).optional(),
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
// Record v1 writes: `POST /customer`, `POST /salesOrder` (answered 204 No Content, with `Location`)

/** A reference field in a request body: the internal id only. */
export const NsRefWriteSchema = z.strictObject({ id: z.string().min(1).max(64) });

/** An address in a request body; NetSuite requires none of its fields but the country. */
export const NsAddressWriteSchema = z.strictObject({
  addr1: z.string().min(1).max(200).optional(),
  addr2: z.string().max(200).optional(),
  city: z.string().min(1).max(100).optional(),
  state: z.string().max(100).optional(),
  zip: z.string().max(20).optional(),
  country: z.strictObject({ id: z.string().regex(/^[A-Z]{2}$/) }),
});

/** The body of `POST /customer` as Strata sends it: a company, its currency, tax number and default address. */
export const NsCustomerCreateSchema = z.strictObject({
  externalId: z.string().regex(NS_EXTERNAL_ID),
  companyName: z.string().min(1).max(200),
  isPerson: z.literal(false),
  /** Required on OneWorld accounts (the customer's primary subsidiary). */
  subsidiary: NsRefWriteSchema.optional(),
  currency: NsRefWriteSchema,
  email: z.string().max(254).optional(),
  phone: z.string().max(40).optional(),
  vatRegNumber: z.string().max(40).optional(),
  addressBook: z
    .strictObject({
      items: z.array(z.strictObject({ defaultBilling: z.boolean(), defaultShipping: z.boolean(), addressBookAddress: NsAddressWriteSchema })).min(1).max(1),
    })
    .optional(),
});

const decimalAmount = z.number().finite().min(0).max(1e13);

/** The body of `POST /salesOrder` as Strata sends it. A line with a `rate` carries the custom price level. */
export const NsSalesOrderCreateSchema = z.strictObject({
  externalId: z.string().regex(NS_EXTERNAL_ID),
  entity: NsRefWriteSchema,
  currency: NsRefWriteSchema,
  tranDate: z.iso.date().optional(),
  /** The customer's purchase order number ("PO #" in the UI). */
  otherRefNum: z.string().max(64).optional(),
  item: z.strictObject({
    items: z
      .array(
        z
          .strictObject({
            item: NsRefWriteSchema,
            quantity: z.number().finite().positive().max(1e9),
            rate: decimalAmount.optional(),
            price: NsRefWriteSchema.optional(),
            description: z.string().max(255).optional(),
          })
          .refine((l) => (l.rate === undefined) === (l.price === undefined), 'a custom rate goes with the custom price level (-1)'),
      )
      .min(1)
      .max(500),
  }),
});

// ---------------------------------------------------------------------------------------------------
// Record v1: salesOrder

const ORDER_STATUS = z.enum(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);

/**
 * `orderStatus`: A Pending Approval, B Pending Fulfillment, C Cancelled, D Partially Fulfilled,
 * E Pending Billing/Partially Fulfilled, F Pending Billing, G Billed, H Closed.
 */
export const NsOrderStatusSchema = z.union([ORDER_STATUS, z.object({ id: ORDER_STATUS, refName: z.string().max(100).optional() }).transform((r) => r.id)]);

export const NsSalesOrderLineSchema = z.object({
  line: z.number().int().min(0).max(1_000_000).optional(),
  /** `refName` is the item's name/number (`itemId`). */
  item: NsRefSchema,
  /** Up to 4000 characters in NetSuite; the mapper keeps what the canonical model holds. */
  description: z.string().max(4000).optional(),
  quantity: z.number().finite().positive().max(1e9),
  rate: amount.optional(),
  amount,
});

export const NsSalesOrderSchema = z.object({
  links: z.array(NsLinkSchema).max(10).optional(),
  id: z.string().regex(NS_INTERNAL_ID),
  /** The document number NetSuite assigns ("SO-104233" with a prefix set up): the authoritative order number. */
  tranId: z.string().min(1).max(64),
  externalId: z.string().max(64).optional(),
  entity: NsRefSchema,
  currency: NsRefSchema,
  tranDate: z.iso.date(),
  otherRefNum: z.string().max(64).optional(),
  orderStatus: NsOrderStatusSchema,
  total: amount,
  createdDate: z.iso.datetime({ offset: true }),
  lastModifiedDate: z.iso.datetime({ offset: true }).optional(),
  /** The `item` sublist; `items` only with `expandSubResources=true`. */
  item: z.object({ links: z.array(NsLinkSchema).max(10).optional(), items: z.array(NsSalesOrderLineSchema).max(500).optional() }).optional(),
});

// ---------------------------------------------------------------------------------------------------
// SuiteQL (query v1)

export const NsSuiteQlRequestSchema = z.strictObject({ q: z.string().min(1).max(10_000) });

/** SuiteQL returns every value as a string (numbers too); JSON numbers are accepted as well. */
const suiteQlText = (pattern: RegExp, message: string) =>
  z
    .union([z.string(), z.number().finite()])
    .transform(String)
    .pipe(z.string().regex(pattern, message));

const decimalText = suiteQlText(/^-?\d{1,13}(?:\.\d{1,6})?$/, 'must be a decimal');
const internalIdText = suiteQlText(NS_INTERNAL_ID, 'must be an internal id');
const rowLinks = z.array(NsLinkSchema).max(10).optional();

/**
 * One row of Strata's invoice query (`transaction` of type `CustInvc`). Dates are asked for with
 * `TO_CHAR(…, 'YYYY-MM-DD')`, so they do not depend on the account's date-format preference (which
 * defaults to M/D/YYYY); anything else is rejected rather than guessed.
 */
export const NsInvoiceRowSchema = z.object({
  links: rowLinks,
  id: internalIdText,
  tranid: z.string().min(1).max(64),
  trandate: z.iso.date(),
  /** Absent (SuiteQL drops nulls) when the invoice has no terms: then it is due on its date. */
  duedate: z.iso.date().optional(),
  foreigntotal: decimalText,
  /** 0 once paid in full. */
  foreignamountunpaid: decimalText,
  /** The currency's ISO 4217 code (`currency.symbol`, joined in the query). */
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/**
 * One row of Strata's customer-payment query (`transaction` of type `CustPymt`), left-joined with
 * `PreviousTransactionLineLink` (link type `Payment`): one row per invoice the payment is applied to,
 * a payment applied to nothing once, without `appliedto`.
 */
export const NsPaymentRowSchema = z.object({
  links: rowLinks,
  id: internalIdText,
  tranid: z.string().min(1).max(64).optional(),
  trandate: z.iso.date(),
  foreigntotal: decimalText,
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** `BUILTIN.DF(paymentmethod)`: the method's display name. */
  paymentmethod: z.string().max(64).optional(),
  /** The invoice's internal id (`previousdoc`). */
  appliedto: internalIdText.optional(),
});

/** A row of a query selecting internal ids only (customer matching). */
export const NsIdRowSchema = z.object({ links: rowLinks, id: internalIdText });

/** A row of the item look-up: internal id and the item's name/number. */
export const NsItemRowSchema = z.object({ links: rowLinks, id: internalIdText, itemid: z.string().min(1).max(64) });

/** A row of the currency look-up: internal id and ISO code. */
export const NsCurrencyRowSchema = z.object({ links: rowLinks, id: internalIdText, symbol: z.string().regex(/^[A-Z]{3}$/) });

/** A page of SuiteQL rows: `limit`/`offset` paging, `hasMore`, a `next` link while there is more. */
export const nsSuiteQlPageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    links: z.array(NsLinkSchema).max(10).optional(),
    count: z.number().int().min(0),
    hasMore: z.boolean(),
    offset: z.number().int().min(0),
    totalResults: z.number().int().min(0),
    items: z.array(item).max(NS_SUITEQL_MAX_LIMIT),
  });

export const NsInvoicePageSchema = nsSuiteQlPageSchema(NsInvoiceRowSchema);
export const NsPaymentPageSchema = nsSuiteQlPageSchema(NsPaymentRowSchema);
export const NsIdPageSchema = nsSuiteQlPageSchema(NsIdRowSchema);
export const NsItemPageSchema = nsSuiteQlPageSchema(NsItemRowSchema);
export const NsCurrencyPageSchema = nsSuiteQlPageSchema(NsCurrencyRowSchema);

// ---------------------------------------------------------------------------------------------------
// Types: `…Wire` is what travels (a sandbox writes it), the plain name what the adapter reads.

export type NsRef = z.output<typeof NsRefSchema>;
export type NsError = z.output<typeof NsErrorSchema>;
export type NsErrorWire = z.input<typeof NsErrorSchema>;
export type NsTokenResponse = z.output<typeof NsTokenResponseSchema>;
export type NsTokenResponseWire = z.input<typeof NsTokenResponseSchema>;
export type NsCustomer = z.output<typeof NsCustomerSchema>;
export type NsCustomerWire = z.input<typeof NsCustomerSchema>;
export type NsCustomerCreate = z.input<typeof NsCustomerCreateSchema>;
export type NsSalesOrderCreate = z.input<typeof NsSalesOrderCreateSchema>;
export type NsSalesOrder = z.output<typeof NsSalesOrderSchema>;
export type NsSalesOrderWire = z.input<typeof NsSalesOrderSchema>;
export type NsInvoiceRow = z.output<typeof NsInvoiceRowSchema>;
export type NsInvoiceRowWire = z.input<typeof NsInvoiceRowSchema>;
export type NsPaymentRow = z.output<typeof NsPaymentRowSchema>;
export type NsPaymentRowWire = z.input<typeof NsPaymentRowSchema>;
export type NsSuiteQlPageWire<Row> = Omit<z.input<typeof NsIdPageSchema>, 'items'> & { items: Row[] };
