/**
 * Microsoft Dynamics 365 Business Central API v2.0 wire format, DERIVED from Microsoft's reference
 * documentation — no OpenAPI document exists for v2.0 (only v1.0 has a downloadable YAML; every
 * tenant serves its own CSDL at `…/api/v2.0/$metadata`). See README.md beside this file.
 *
 * - `BC_PROPERTIES` is the property table (name → documented type) of each entity Strata touches.
 *   For customer, customerFinancialDetail, salesOrder, salesOrderLine, salesInvoice and
 *   salesInvoiceLine it is transcribed from `business-central-api-v2.0.docs-subset.json` (the
 *   conformance test proves it equal to the subset's tables). customerPayment and
 *   customerPaymentJournal are not in the held subset: their tables are written from Microsoft's
 *   public API v2.0 reference pages (`dynamics_customerpayment`, `dynamics_customerpaymentjournal`),
 *   and so is currencyExchangeRate (`dynamics_currencyexchangerate`).
 * - Every zod schema below is built from that table with `bcProperty(entity, name)`, so a property
 *   the adapter reads or writes cannot exist without a documented name and type.
 * - Object schemas strip unknown keys: a real tenant sends more than we read (and `@odata.*`
 *   annotations), and what we did not ask for must not travel further. Length caps are BC's own
 *   field lengths (Text[100] names, Code[20] numbers…), all within the canonical contract's caps.
 * - The Entra ID (OAuth 2.0 client credentials) token shapes are written from the Microsoft identity
 *   platform reference ("OAuth 2.0 client credentials flow"), also not part of the subset.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Paths and constants

/** The API root under the service URL: `/v2.0/{tenantId}/{environment}/api/v2.0`. */
export const bcApiRoot = (tenantId: string, environment: string): string => `/v2.0/${tenantId}/${environment}/api/v2.0`;
/** `companies({companyId})`, the segment every entity lives under. */
export const bcCompanySegment = (companyId: string): string => `companies(${companyId})`;
/** The scope of a client-credentials token for Business Central. */
export const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default';
/** The Entra ID v2.0 token endpoint of a tenant. */
export const entraTokenUrl = (tenantId: string): string => `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;
/** Entity ids (`SystemId`) are GUIDs; matched before any id enters a URL or a `$filter` (RELIABILITY.md B7). */
export const BC_GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const BC_EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** The most entities BC returns in one page (413 beyond, per the operational limits). */
export const BC_MAX_PAGE_SIZE = 20_000;

// ---------------------------------------------------------------------------------------------------
// Property tables

export type BcPropertyType = 'GUID' | 'string' | 'decimal' | 'integer' | 'boolean' | 'date' | 'datetime' | `NAV.${string}`;

/** Documented properties (name → type) of the entities Strata touches. */
export const BC_PROPERTIES = {
  customer: {
    id: 'GUID', number: 'string', displayName: 'string', type: 'NAV.contactType', addressLine1: 'string', addressLine2: 'string', city: 'string',
    state: 'string', country: 'string', postalCode: 'string', phoneNumber: 'string', email: 'string', website: 'string', salespersonCode: 'string',
    balanceDue: 'decimal', creditLimit: 'decimal', taxLiable: 'boolean', taxAreaId: 'GUID', taxAreaDisplayName: 'string',
    taxRegistrationNumber: 'string', currencyId: 'GUID', currencyCode: 'string', paymentTermsId: 'GUID', shipmentMethodId: 'GUID',
    paymentMethodId: 'GUID', blocked: 'NAV.customerBlocked', lastModifiedDateTime: 'datetime',
  },
  customerFinancialDetail: {
    id: 'GUID', number: 'string', balance: 'decimal', totalSalesExcludingTax: 'decimal', overdueAmount: 'decimal', lastModifiedDateTime: 'datetime',
  },
  salesOrder: {
    id: 'GUID', number: 'string', externalDocumentNumber: 'string', orderDate: 'date', postingDate: 'date', customerId: 'GUID',
    customerNumber: 'string', customerName: 'string', billToName: 'string', billToCustomerId: 'GUID', billToCustomerNumber: 'string',
    shipToName: 'string', shipToContact: 'string', sellToAddressLine1: 'string', sellToAddressLine2: 'string', sellToCity: 'string',
    sellToCountry: 'string', sellToState: 'string', sellToPostCode: 'string', billToAddressLine1: 'string', billToAddressLine2: 'string',
    billToCity: 'string', billToCountry: 'string', billToState: 'string', billToPostCode: 'string', shipToAddressLine1: 'string',
    shipToAddressLine2: 'string', shipToCity: 'string', shipToCountry: 'string', shipToState: 'string', shipToPostCode: 'string',
    shortcutDimension1Code: 'string', shortcutDimension2Code: 'string', currencyId: 'GUID', currencyCode: 'string', pricesIncludeTax: 'boolean',
    paymentTermsId: 'GUID', shipmentMethodId: 'GUID', salesperson: 'string', partialShipping: 'boolean', requestedDeliveryDate: 'date',
    discountAmount: 'decimal', discountAppliedBeforeTax: 'boolean', totalAmountExcludingTax: 'decimal', totalTaxAmount: 'decimal',
    totalAmountIncludingTax: 'decimal', fullyShipped: 'boolean', status: 'NAV.salesOrderEntityBufferStatus', lastModifiedDateTime: 'datetime',
    phoneNumber: 'string', email: 'string',
  },
  salesOrderLine: {
    id: 'GUID', documentId: 'GUID', sequence: 'integer', itemId: 'GUID', accountId: 'GUID', lineType: 'NAV.invoiceLineAggLineType',
    lineObjectNumber: 'string', description: 'string', description2: 'string', unitOfMeasureId: 'GUID', unitOfMeasureCode: 'string',
    quantity: 'decimal', unitPrice: 'decimal', discountAmount: 'decimal', discountPercent: 'decimal', discountAppliedBeforeTax: 'boolean',
    amountExcludingTax: 'decimal', taxCode: 'string', taxPercent: 'decimal', totalTaxAmount: 'decimal', amountIncludingTax: 'decimal',
    invoiceDiscountAllocation: 'decimal', netAmount: 'decimal', netTaxAmount: 'decimal', netAmountIncludingTax: 'decimal', shipmentDate: 'date',
    shippedQuantity: 'decimal', invoicedQuantity: 'decimal', invoiceQuantity: 'decimal', shipQuantity: 'decimal', itemVariantId: 'GUID',
    locationId: 'GUID',
  },
  salesInvoice: {
    id: 'GUID', number: 'string', externalDocumentNumber: 'string', invoiceDate: 'date', postingDate: 'date', dueDate: 'date',
    promisedPayDate: 'date', customerPurchaseOrderReference: 'string', customerId: 'GUID', customerNumber: 'string', customerName: 'string',
    billToName: 'string', billToCustomerId: 'GUID', billToCustomerNumber: 'string', shipToName: 'string', shipToContact: 'string',
    sellToAddressLine1: 'string', sellToAddressLine2: 'string', sellToCity: 'string', sellToCountry: 'string', sellToState: 'string',
    sellToPostCode: 'string', billToAddressLine1: 'string', billToAddressLine2: 'string', billToCity: 'string', billToCountry: 'string',
    billToState: 'string', billToPostCode: 'string', shipToAddressLine1: 'string', shipToAddressLine2: 'string', shipToCity: 'string',
    shipToCountry: 'string', shipToState: 'string', shipToPostCode: 'string', currencyId: 'GUID', shortcutDimension1Code: 'string',
    shortcutDimension2Code: 'string', currencyCode: 'string', orderId: 'GUID', orderNumber: 'string', paymentTermsId: 'GUID',
    shipmentMethodId: 'GUID', salesperson: 'string', disputeStatusId: 'GUID', disputeStatus: 'string', pricesIncludeTax: 'boolean',
    remainingAmount: 'decimal', discountAmount: 'decimal', discountAppliedBeforeTax: 'boolean', totalAmountExcludingTax: 'decimal',
    totalTaxAmount: 'decimal', totalAmountIncludingTax: 'decimal', status: 'NAV.invoiceEntityAggregateStatus', lastModifiedDateTime: 'datetime',
    phoneNumber: 'string', email: 'string',
  },
  salesInvoiceLine: {
    id: 'GUID', documentId: 'GUID', sequence: 'integer', itemId: 'GUID', accountId: 'GUID', lineType: 'NAV.invoiceLineAggLineType',
    lineObjectNumber: 'string', description: 'string', description2: 'string', unitOfMeasureId: 'GUID', unitOfMeasureCode: 'string',
    quantity: 'decimal', unitPrice: 'decimal', discountAmount: 'decimal', discountPercent: 'decimal', discountAppliedBeforeTax: 'boolean',
    amountExcludingTax: 'decimal', taxCode: 'string', taxPercent: 'decimal', totalTaxAmount: 'decimal', amountIncludingTax: 'decimal',
    invoiceDiscountAllocation: 'decimal', netAmount: 'decimal', netTaxAmount: 'decimal', netAmountIncludingTax: 'decimal', shipmentDate: 'date',
    itemVariantId: 'GUID', locationId: 'GUID',
  },
  // Not in the held subset: from Microsoft's public API v2.0 reference (resources/dynamics_customerpayment).
  customerPayment: {
    id: 'GUID', journalId: 'GUID', journalDisplayName: 'string', lineNumber: 'integer', customerId: 'GUID', customerNumber: 'string',
    contactId: 'string', postingDate: 'date', documentNumber: 'string', externalDocumentNumber: 'string', amount: 'decimal',
    appliesToInvoiceId: 'GUID', appliesToInvoiceNumber: 'string', description: 'string', comment: 'string', lastModifiedDateTime: 'datetime',
  },
  // Not in the held subset: from Microsoft's public API v2.0 reference (resources/dynamics_currencyexchangerate).
  currencyExchangeRate: {
    id: 'GUID', currencyCode: 'string', startingDate: 'date', exchangeRateAmount: 'decimal', relationalCurrencyCode: 'string',
    relationalExchangeRateAmount: 'decimal', lastModifiedDateTime: 'datetime',
  },
  // Not in the held subset: from Microsoft's public API v2.0 reference (resources/dynamics_customerpaymentjournal).
  customerPaymentJournal: {
    id: 'GUID', code: 'string', displayName: 'string', balancingAccountId: 'GUID', balancingAccountNumber: 'string', lastModifiedDateTime: 'datetime',
  },
} as const satisfies Record<string, Record<string, BcPropertyType>>;

export type BcEntity = keyof typeof BC_PROPERTIES;

/** Which entities the held docs subset documents, under the key the subset files them. */
export const DOCS_SUBSET_RESOURCES: Partial<Record<BcEntity, string>> = {
  customer: 'customer',
  customerFinancialDetail: 'customerFinancialDetail',
  salesOrder: 'salesorder',
  salesOrderLine: 'salesorderline',
  salesInvoice: 'salesinvoice',
  salesInvoiceLine: 'salesinvoiceline',
};

/** Navigation properties Strata expands (`$expand=` / deep insert), per entity. */
export const BC_NAVIGATION = {
  customer: ['customerFinancialDetail'],
  salesOrder: ['salesOrderLines'],
} as const;

type ZodFor<T> = T extends 'decimal' | 'integer' ? z.ZodNumber : T extends 'boolean' ? z.ZodBoolean : z.ZodString;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The zod schema of one documented property: GUID → GUID pattern, decimal → finite number, integer →
 * integer, boolean, date → `YYYY-MM-DD`, datetime → ISO 8601 with offset, string and `NAV.*` enums
 * (text on the wire) → string. A name that is not in `BC_PROPERTIES` does not type-check.
 */
export const bcProperty = <E extends BcEntity, P extends keyof (typeof BC_PROPERTIES)[E] & string>(entity: E, property: P): ZodFor<(typeof BC_PROPERTIES)[E][P]> => {
  const type = (BC_PROPERTIES[entity] as Record<string, BcPropertyType>)[property];
  if (!type) throw new Error(`${entity}.${property} is not a documented Business Central property`);
  const schema =
    type === 'GUID'
      ? z.string().regex(BC_GUID)
      : type === 'decimal'
        ? z.number()
        : type === 'integer'
          ? z.number().int()
          : type === 'boolean'
            ? z.boolean()
            : type === 'date'
              ? z.string().regex(ISO_DATE)
              : type === 'datetime'
                ? z.string().regex(ISO_DATETIME)
                : z.string();
  return schema as ZodFor<(typeof BC_PROPERTIES)[E][P]>;
};

const customer = <P extends keyof typeof BC_PROPERTIES.customer>(p: P) => bcProperty('customer', p);
const financial = <P extends keyof typeof BC_PROPERTIES.customerFinancialDetail>(p: P) => bcProperty('customerFinancialDetail', p);
const order = <P extends keyof typeof BC_PROPERTIES.salesOrder>(p: P) => bcProperty('salesOrder', p);
const orderLine = <P extends keyof typeof BC_PROPERTIES.salesOrderLine>(p: P) => bcProperty('salesOrderLine', p);
const invoice = <P extends keyof typeof BC_PROPERTIES.salesInvoice>(p: P) => bcProperty('salesInvoice', p);
const payment = <P extends keyof typeof BC_PROPERTIES.customerPayment>(p: P) => bcProperty('customerPayment', p);

// ---------------------------------------------------------------------------------------------------
// Envelopes

/** `{"error": {"code", "message"}}`: every OData error of the API. `message` is vendor text (may hold PII). */
export const BcErrorSchema = z.object({
  error: z.object({ code: z.string().max(200), message: z.string().max(10_000) }),
});

/** A collection: `{"@odata.context", "value": [...], "@odata.nextLink"?}`. */
export const bcCollection = <T extends z.ZodType>(item: T) =>
  z.object({
    value: z.array(item).max(BC_MAX_PAGE_SIZE),
    '@odata.nextLink': z.string().max(4096).optional(),
  });

// ---------------------------------------------------------------------------------------------------
// Entities, as Strata reads them (the `$select` lists are these schemas' keys)

/** `blocked` values: " " (not blocked), "Ship", "Invoice", "All". */
export const BC_BLOCKED = [' ', 'Ship', 'Invoice', 'All'] as const;

export const BcCustomerFinancialDetailSchema = z.object({
  id: financial('id'),
  balance: financial('balance'),
  overdueAmount: financial('overdueAmount'),
});

/** The customer fields Strata maps (`$select` list); `customerFinancialDetail` only when expanded. */
export const BcCustomerSchema = z.object({
  id: customer('id'),
  number: customer('number').max(20),
  displayName: customer('displayName').max(100),
  addressLine1: customer('addressLine1').max(100).optional(),
  addressLine2: customer('addressLine2').max(50).optional(),
  city: customer('city').max(30).optional(),
  state: customer('state').max(30).optional(),
  country: customer('country').max(10).optional(),
  postalCode: customer('postalCode').max(20).optional(),
  phoneNumber: customer('phoneNumber').max(30).optional(),
  email: customer('email').max(80).optional(),
  creditLimit: customer('creditLimit').optional(),
  taxRegistrationNumber: customer('taxRegistrationNumber').max(20).optional(),
  currencyCode: customer('currencyCode').max(10),
  blocked: customer('blocked').max(20),
  lastModifiedDateTime: customer('lastModifiedDateTime'),
  customerFinancialDetail: BcCustomerFinancialDetailSchema.optional(),
});
export const BC_CUSTOMER_SELECT = Object.keys(BcCustomerSchema.shape).filter((k) => k !== 'customerFinancialDetail');
export const BcCustomerListSchema = bcCollection(BcCustomerSchema);

/** What the credit profile reads: `customers({id})?$select=…&$expand=customerFinancialDetail`. */
export const BcCustomerCreditSchema = BcCustomerSchema.pick({ id: true, currencyCode: true, creditLimit: true, blocked: true }).extend({
  customerFinancialDetail: BcCustomerFinancialDetailSchema,
});
export const BC_CUSTOMER_CREDIT_SELECT = ['id', 'currencyCode', 'creditLimit', 'blocked'];

export const BcSalesOrderLineSchema = z.object({
  id: orderLine('id'),
  sequence: orderLine('sequence'),
  lineType: orderLine('lineType').max(30),
  lineObjectNumber: orderLine('lineObjectNumber').max(20),
  description: orderLine('description').max(100).optional(),
  quantity: orderLine('quantity'),
  unitPrice: orderLine('unitPrice'),
  netAmount: orderLine('netAmount'),
});

/** The sales order fields Strata maps; `salesOrderLines` when expanded (always, for a full order). */
export const BcSalesOrderSchema = z.object({
  id: order('id'),
  number: order('number').max(20),
  externalDocumentNumber: order('externalDocumentNumber').max(35),
  orderDate: order('orderDate'),
  customerId: order('customerId'),
  currencyCode: order('currencyCode').max(10),
  totalAmountIncludingTax: order('totalAmountIncludingTax'),
  fullyShipped: order('fullyShipped').optional(),
  status: order('status').max(30),
  lastModifiedDateTime: order('lastModifiedDateTime'),
  salesOrderLines: z.array(BcSalesOrderLineSchema).max(500).optional(),
});
export const BC_SALES_ORDER_SELECT = Object.keys(BcSalesOrderSchema.shape).filter((k) => k !== 'salesOrderLines');
export const BcSalesOrderListSchema = bcCollection(BcSalesOrderSchema);

/** Open orders' totals, for the unbilled figure of the credit profile. */
export const BcOrderTotalSchema = BcSalesOrderSchema.pick({ id: true, currencyCode: true, totalAmountIncludingTax: true });
export const BcOrderTotalListSchema = bcCollection(BcOrderTotalSchema);

/** `status`: " ", "Draft", "In Review", "Open", "Paid", "Canceled" or "Corrective". */
export const BcSalesInvoiceSchema = z.object({
  id: invoice('id'),
  number: invoice('number').max(20),
  invoiceDate: invoice('invoiceDate'),
  dueDate: invoice('dueDate'),
  customerId: invoice('customerId'),
  currencyCode: invoice('currencyCode').max(10),
  totalAmountIncludingTax: invoice('totalAmountIncludingTax'),
  remainingAmount: invoice('remainingAmount'),
  status: invoice('status').max(30),
});
export const BC_SALES_INVOICE_SELECT = Object.keys(BcSalesInvoiceSchema.shape);
export const BcSalesInvoiceListSchema = bcCollection(BcSalesInvoiceSchema);

/** A customer payment (a line of a customer payment journal). No currency property: it is the customer's. */
export const BcCustomerPaymentSchema = z.object({
  id: payment('id'),
  customerId: payment('customerId'),
  postingDate: payment('postingDate'),
  documentNumber: payment('documentNumber').max(20),
  amount: payment('amount'),
  appliesToInvoiceId: payment('appliesToInvoiceId').optional(),
});
export const BC_CUSTOMER_PAYMENT_SELECT = Object.keys(BcCustomerPaymentSchema.shape);
export const BcCustomerPaymentListSchema = bcCollection(BcCustomerPaymentSchema);

const rate = <P extends keyof typeof BC_PROPERTIES.currencyExchangeRate>(p: P) => bcProperty('currencyExchangeRate', p);

/**
 * An exchange rate: `exchangeRateAmount` units of `currencyCode` are worth `relationalExchangeRateAmount`
 * units of the relational currency (blank, or the LCY code: the company's local currency).
 */
export const BcExchangeRateSchema = z.object({
  currencyCode: rate('currencyCode').max(10),
  startingDate: rate('startingDate'),
  exchangeRateAmount: rate('exchangeRateAmount').positive(),
  relationalCurrencyCode: rate('relationalCurrencyCode').max(10),
  relationalExchangeRateAmount: rate('relationalExchangeRateAmount').positive(),
});
export const BC_EXCHANGE_RATE_SELECT = Object.keys(BcExchangeRateSchema.shape);
export const BcExchangeRateListSchema = bcCollection(BcExchangeRateSchema);

/** The existence probe: `customers({id})?$select=id,currencyCode`. */
export const BcCustomerProbeSchema = BcCustomerSchema.pick({ id: true, currencyCode: true });

// ---------------------------------------------------------------------------------------------------
// Request bodies Strata sends (strict: the conformance test checks the adapter's bodies with these)

/** `POST companies({id})/customers`. `number` is set by Strata (see the adapter: it is the external reference). */
export const BcCustomerCreateSchema = z.strictObject({
  number: customer('number').min(1).max(20),
  displayName: customer('displayName').min(1).max(100),
  type: customer('type').pipe(z.literal('Company')),
  addressLine1: customer('addressLine1').max(100).optional(),
  addressLine2: customer('addressLine2').max(50).optional(),
  city: customer('city').max(30).optional(),
  state: customer('state').max(30).optional(),
  country: customer('country').max(10),
  postalCode: customer('postalCode').max(20).optional(),
  phoneNumber: customer('phoneNumber').max(30).optional(),
  email: customer('email').max(80).optional(),
  taxRegistrationNumber: customer('taxRegistrationNumber').max(20).optional(),
  currencyCode: customer('currencyCode').max(10),
});
export type BcCustomerCreate = z.infer<typeof BcCustomerCreateSchema>;

/** One line of a deep insert: an item by its number. */
export const BcSalesOrderLineCreateSchema = z.strictObject({
  lineType: orderLine('lineType').pipe(z.literal('Item')),
  lineObjectNumber: orderLine('lineObjectNumber').min(1).max(20),
  quantity: orderLine('quantity').positive(),
  unitPrice: orderLine('unitPrice').min(0).optional(),
  description: orderLine('description').max(100).optional(),
});

/** `POST companies({id})/salesOrders?$expand=salesOrderLines` with the lines inserted deep. */
export const BcSalesOrderCreateSchema = z.strictObject({
  customerId: order('customerId'),
  externalDocumentNumber: order('externalDocumentNumber').min(1).max(35),
  orderDate: order('orderDate').optional(),
  currencyCode: order('currencyCode').max(10),
  salesOrderLines: z.array(BcSalesOrderLineCreateSchema).min(1).max(500),
});
export type BcSalesOrderCreate = z.infer<typeof BcSalesOrderCreateSchema>;

/** `POST companies({id})/customerPaymentJournals({id})/customerPayments` (the sandbox accepts it; the adapter only reads). */
export const BcCustomerPaymentCreateSchema = z.strictObject({
  customerId: payment('customerId').optional(),
  customerNumber: payment('customerNumber').max(20).optional(),
  postingDate: payment('postingDate').optional(),
  documentNumber: payment('documentNumber').max(20).optional(),
  externalDocumentNumber: payment('externalDocumentNumber').max(35).optional(),
  amount: payment('amount'),
  appliesToInvoiceId: payment('appliesToInvoiceId').optional(),
  appliesToInvoiceNumber: payment('appliesToInvoiceNumber').max(20).optional(),
  description: payment('description').max(100).optional(),
  comment: payment('comment').max(250).optional(),
});

// ---------------------------------------------------------------------------------------------------
// Microsoft Entra ID: OAuth 2.0 client credentials (identity platform v2.0 endpoint)

/** The form-encoded token request body, as a parsed object. */
export const EntraTokenRequestSchema = z.strictObject({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(1000),
  scope: z.literal(BC_SCOPE),
});
export type EntraTokenRequest = z.infer<typeof EntraTokenRequestSchema>;

/** `expires_in` is seconds (a number on v2.0; a numeric string is accepted too). */
export const EntraTokenResponseSchema = z.object({
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.coerce.number().int().positive().max(86_400),
  access_token: z.string().min(1).max(16_384),
});
export type EntraTokenResponseWire = { token_type: 'Bearer'; expires_in: number; ext_expires_in: number; access_token: string };

/** The OAuth error body: `error` is an RFC 6749 code; the rest (AADSTS text, trace ids) is vendor text. */
export const EntraErrorSchema = z.object({
  error: z.string().max(100),
  error_description: z.string().max(5000).optional(),
  error_codes: z.array(z.number().int()).max(20).optional(),
});
