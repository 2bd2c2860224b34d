/**
 * SAP S/4HANA Cloud — Sales Order (A2X), OData V4 service `CE_SALESORDER_0001`
 * (namespace `com.sap.gateway.srvd_a2x.api_salesorder.v0001`).
 *
 * DERIVED BY HAND from the EDMX held beside this file (`CE_SALESORDER_0001.subset.edmx`; origin in
 * README.md): the properties Strata reads or writes, with their EDM types and lengths as declared
 * there. The conformance test parses the EDMX and fails when a declaration drifts from it, and checks
 * that the deep-insert body only carries properties that are neither computed nor unknown.
 */
import { z } from 'zod';
import { entity, v4 } from './odata.js';

export const SO_SERVICE_PATH = '/sap/opu/odata4/sap/api_salesorder/srvd_a2x/sap/salesorder/0001';
const NS = 'com.sap.gateway.srvd_a2x.api_salesorder.v0001';

/** Sales order numbers (CHAR 10, internal numbering gives digits); matched before one enters a URL. */
export const SAP_SALES_ORDER_NUMBER = /^[A-Z0-9]{1,10}$/;
/** Product numbers (CHAR 18 in this service, upper case). */
export const SAP_PRODUCT = /^[A-Z0-9._-]{1,18}$/;

export const SalesOrderItem = entity(`${NS}.SalesOrderItem_Type`, true, ['SalesOrder', 'SalesOrderItem'], {
  SalesOrder: v4.string(10),
  SalesOrderItem: v4.string(6),
  Product: v4.string(18),
  SalesOrderItemText: v4.string(40),
  RequestedQuantity: v4.decimal(),
  RequestedQuantityISOUnit: v4.string(3),
  NetAmount: v4.decimal(),
  TransactionCurrency: v4.string(3),
  SDDocumentRejectionStatus: v4.string(1),
});

export const SalesOrder = entity(`${NS}.SalesOrder_Type`, true, ['SalesOrder'], {
  SalesOrder: v4.string(10),
  SalesOrderType: v4.string(4),
  SoldToParty: v4.string(10),
  SalesOrganization: v4.string(4),
  DistributionChannel: v4.string(2),
  OrganizationDivision: v4.string(2),
  CreationDate: v4.date(),
  CreationTime: v4.timeOfDay(),
  LastChangeDateTime: v4.dateTimeOffset(),
  /** "Customer Reference" (BSTKD): where Strata keeps the order's `externalRef` (see README.md). */
  PurchaseOrderByCustomer: v4.string(35),
  /** The ship-to party's PO number (BSTKD_E): Strata's `purchaseOrderNumber` (sold-to = ship-to). */
  PurchaseOrderByShipToParty: v4.string(35),
  SalesOrderDate: v4.date(),
  TotalNetAmount: v4.decimal(),
  TransactionCurrency: v4.string(3),
  OverallSDProcessStatus: v4.string(1),
  OverallSDDocumentRejectionSts: v4.string(1),
  TotalCreditCheckStatus: v4.string(1),
  OverallOrdReltdBillgStatus: v4.string(1),
});

export const SalesOrderReadSchema = SalesOrder.schema.extend({
  '@odata.etag': z.string().max(200).optional(),
  _Item: z.array(SalesOrderItem.schema).max(1000).optional(),
});

export type SalesOrderRead = z.output<typeof SalesOrderReadSchema>;

// ---------------------------------------------------------------------------------------------------
// Deep insert (`POST SalesOrder` with `_Item`, and a manual price as `_ItemPricingElement`)

export interface SalesOrderItemPricingCreate {
  readonly ConditionType: string;
  /** Decimal as a string (`IEEE754Compatible=true`). */
  readonly ConditionRateAmount: string;
  readonly ConditionCurrency: string;
}
export interface SalesOrderItemCreate {
  readonly SalesOrderItem: string;
  readonly Product: string;
  readonly RequestedQuantity: string;
  readonly SalesOrderItemText?: string;
  readonly _ItemPricingElement?: readonly SalesOrderItemPricingCreate[];
}
export interface SalesOrderCreate {
  readonly SalesOrderType: string;
  readonly SalesOrganization: string;
  readonly DistributionChannel: string;
  readonly OrganizationDivision: string;
  readonly SoldToParty: string;
  readonly TransactionCurrency: string;
  readonly PurchaseOrderByCustomer: string;
  readonly PurchaseOrderByShipToParty?: string;
  readonly SalesOrderDate?: string;
  readonly _Item: readonly SalesOrderItemCreate[];
}
