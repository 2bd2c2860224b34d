/**
 * SAP S/4HANA Cloud — credit management master data and accounts-receivable line items.
 *
 * NO SPEC IS HELD for these two services: the EDMX of `API_CRDTMBUSINESSPARTNER` and of
 * `API_OPLACCTGDOCITEMCUBE_SRV` were not found in SAP-owned repositories (vendor-specs/README.md).
 * These declarations are WRITTEN BY HAND from SAP's public API documentation (SAP Business Accelerator
 * Hub service pages, and the released CDS views they project: `I_CreditManagementAccount`,
 * `I_OperationalAcctgDocItem`) — property names and ABAP lengths as documented there, EDM types by
 * SAP Gateway's standard mapping (CHAR → Edm.String, CURR → Edm.Decimal, DATS → Edm.DateTime,
 * boolean CHAR(1) → Edm.Boolean). They are the "documented shape written down once": the sandbox
 * serves exactly this and the conformance test holds it to these schemas. Before going live,
 * download both EDMX files from the Business Accelerator Hub, add them here, and mark the
 * declarations `held` so the conformance test checks them like the others.
 */
import { entity, v2 } from './odata.js';

/** Credit Management Master Data (`API_CRDTMBUSINESSPARTNER`; its communication scenario is tenant configuration). */
export const CREDIT_SERVICE_PATH = '/sap/opu/odata/sap/API_CRDTMBUSINESSPARTNER';
/** Operational Accounting Document Item – Read (`API_OPLACCTGDOCITEMCUBE_SRV`). */
export const AR_SERVICE_PATH = '/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV';
export const AR_ITEM_SET = 'A_OperationalAcctgDocItemCube';
export const CREDIT_ACCOUNT_SET = 'CreditManagementAccount';

/** Credit segment keys: CHAR(10). */
export const SAP_CREDIT_SEGMENT = /^[A-Z0-9]{1,10}$/;

/** A business partner's credit account in one credit segment: the limit and the block. */
export const CreditManagementAccount = entity('API_CRDTMBUSINESSPARTNER.CreditManagementAccountType', false, ['BusinessPartner', 'CreditSegment'], {
  BusinessPartner: v2.string(10),
  CreditSegment: v2.string(10),
  CreditLimitAmount: v2.decimal(),
  CreditSegmentCurrency: v2.string(5),
  CreditAccountIsBlocked: v2.boolean(),
  CreditAccountBlockReason: v2.string(2),
  CreditLimitValidityEndDate: v2.dateTime(),
});

/**
 * One line item of an accounting document. Strata reads customer lines (`FinancialAccountType` `D`):
 * invoices posted from billing (`AccountingDocumentType` `RV`) and incoming payments (`DZ`). A line is
 * open while `ClearingAccountingDocument` is empty; a payment that clears an invoice is the clearing
 * document of both lines. Amounts are signed (credit lines, `DebitCreditCode` `H`, are negative).
 */
export const ArLineItem = entity('API_OPLACCTGDOCITEMCUBE_SRV.A_OperationalAcctgDocItemCubeType', false, ['CompanyCode', 'FiscalYear', 'AccountingDocument', 'AccountingDocumentItem'], {
  CompanyCode: v2.string(4),
  FiscalYear: v2.string(4),
  AccountingDocument: v2.string(10),
  AccountingDocumentItem: v2.string(3),
  FinancialAccountType: v2.string(1),
  Customer: v2.string(10),
  AccountingDocumentType: v2.string(2),
  /** The reference printed on the invoice (XBLNR): the invoice number customers know. */
  DocumentReferenceID: v2.string(16),
  DocumentDate: v2.dateTime(),
  PostingDate: v2.dateTime(),
  NetDueDate: v2.dateTime(),
  ClearingDate: v2.dateTime(),
  ClearingAccountingDocument: v2.string(10),
  AmountInTransactionCurrency: v2.decimal(),
  TransactionCurrency: v2.string(5),
  DebitCreditCode: v2.string(1),
  PaymentMethod: v2.string(1),
});

/** The line-item properties Strata selects (`$select`): also the only ones the sandbox serves. */
export const AR_SELECT = Object.keys(ArLineItem.fields) as (keyof typeof ArLineItem.fields)[];
