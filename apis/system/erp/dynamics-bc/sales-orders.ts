// The adapter's sales orders: createSalesOrder (lookup by externalDocumentNumber, then a deep insert with lines) and getSalesOrder.
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { fail } from '../../../../shared/result.js';
import { minorUnitExponent } from '../../../../shared/canonical/money.js';
import { BC_SALES_ORDER_SELECT, BcCustomerProbeSchema, BcSalesOrderListSchema, BcSalesOrderSchema, type BcSalesOrderCreate } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { ErpPort } from '../contract.js';
import { bcErrorCode, type DynamicsBcClient } from './client.js';
import { toSalesOrder } from './mapper.js';
import { externalDocumentNumberFor, guidLiteral, isGuid, odataQuery, stringLiteral } from './odata.js';

const decimal = (minor: number, currency: string) => minor / 10 ** minorUnitExponent(currency);

export const createSalesOrderOperations = (client: DynamicsBcClient): Pick<ErpPort, 'createSalesOrder' | 'getSalesOrder'> => {
  const { company, authorized, unexpected, list, getEntity, customerPath, meta } = client;

  const createSalesOrder: ErpPort['createSalesOrder'] = async (input, ctx) => {
    if (!isGuid(input.customerId)) return fail('erp.customer_not_found');
    // BC item numbers are Code[20] and line descriptions Text[100].
    if (input.lines.some((l) => l.itemId.length > 20)) return fail('erp.item_not_found');
    if (input.lines.some((l) => (l.description?.length ?? 0) > 100)) return fail('http.validation');
    const customer = await getEntity(customerPath(input.customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
    if (!customer.ok) return customer;

    const documentNumber = externalDocumentNumberFor(input.externalRef);
    const expandLines = { $select: BC_SALES_ORDER_SELECT.join(','), $expand: 'salesOrderLines' };
    const existing = await list(
      `${company}/salesOrders${odataQuery({ $filter: `externalDocumentNumber eq ${stringLiteral(documentNumber)} and customerId eq ${guidLiteral(input.customerId)}`, ...expandLines, $top: 1 })}`,
      BcSalesOrderListSchema,
      1,
      ctx,
    );
    if (!existing.ok) return existing;
    if (existing.value[0]) return toSalesOrder(existing.value[0], { externalRef: input.externalRef });

    const body: BcSalesOrderCreate = {
      customerId: guidLiteral(input.customerId),
      externalDocumentNumber: documentNumber,
      ...(input.orderedOn ? { orderDate: input.orderedOn } : {}),
      currencyCode: input.currency,
      salesOrderLines: input.lines.map((line) => ({
        lineType: 'Item' as const,
        lineObjectNumber: line.itemId,
        quantity: line.quantity,
        ...(line.unitPriceMinor !== undefined ? { unitPrice: decimal(line.unitPriceMinor, input.currency) } : {}),
        ...(line.description ? { description: line.description } : {}),
      })),
    };
    // `$expand` on the deep insert returns the created lines with the order (no `$select` on a write).
    const sent = await authorized(
      { method: 'POST', path: `${company}/salesOrders${odataQuery({ $expand: 'salesOrderLines' })}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), retry: false },
      ctx,
    );
    if (!sent.ok) return sent;
    if (sent.value.status === 201) {
      const created = parseVendorJson(sent.value, BcSalesOrderSchema, meta);
      return created.ok ? toSalesOrder(created.value, { externalRef: input.externalRef }) : created;
    }
    // The customer was just read, so a missing record in the deep insert is an item.
    if ((sent.value.status === 400 || sent.value.status === 404) && bcErrorCode(sent.value.body) === 'Internal_RecordNotFound') return fail('erp.item_not_found');
    return unexpected(sent.value, ctx);
  };

  const getSalesOrder: ErpPort['getSalesOrder'] = async (orderId, ctx) => {
    if (!isGuid(orderId)) return fail('erp.order_not_found');
    const bc = await getEntity(
      `${company}/salesOrders(${guidLiteral(orderId)})${odataQuery({ $select: BC_SALES_ORDER_SELECT.join(','), $expand: 'salesOrderLines' })}`,
      BcSalesOrderSchema,
      'erp.order_not_found',
      ctx,
    );
    return bc.ok ? toSalesOrder(bc.value) : bc;
  };

  return { createSalesOrder, getSalesOrder };
};
