// The adapter's receivables reads: listInvoices (salesInvoices by status) and listPayments (customerPayments journal lines).
import { fail, ok } from '../../../../shared/result.js';
import { BC_CUSTOMER_PAYMENT_SELECT, BC_SALES_INVOICE_SELECT, BcCustomerPaymentListSchema, BcCustomerProbeSchema, BcSalesInvoiceListSchema } from '../../../../openapi/vendors/dynamics-bc/types.js';
import { MAX_INVOICE_PAGE, MAX_PAYMENT_PAGE, type ErpPort } from '../contract.js';
import { DOMAIN, clamp, type DynamicsBcClient } from './client.js';
import { toInvoice, toPayment } from './mapper.js';
import { guidLiteral, isGuid, odataQuery } from './odata.js';

export const createInvoiceAndPaymentReads = (client: DynamicsBcClient): Pick<ErpPort, 'listInvoices' | 'listPayments'> => {
  const { clock, company, list, getEntity, customerPath } = client;

  const listInvoices: ErpPort['listInvoices'] = async (customerId, options, ctx) => {
    if (!isGuid(customerId)) return fail('erp.customer_not_found');
    // The route already bounds it; clamped again so no caller can ask BC for an unbounded page (B6).
    const limit = clamp(options.limit, MAX_INVOICE_PAGE);
    const statuses = options.status === 'open' ? ["'Open'"] : options.status === 'paid' ? ["'Paid'"] : ["'Open'", "'Paid'"];
    const filter = `customerId eq ${guidLiteral(customerId)} and (${statuses.map((s) => `status eq ${s}`).join(' or ')})`;
    const path = `${company}/salesInvoices${odataQuery({ $filter: filter, $orderby: 'dueDate asc,number asc', $select: BC_SALES_INVOICE_SELECT.join(','), $top: limit })}`;
    const found = await list(path, BcSalesInvoiceListSchema, limit, ctx);
    if (!found.ok) return found;
    if (found.value.length === 0) {
      // An unknown customer has no invoices either: tell "no invoices" from "no customer".
      const probe = await getEntity(customerPath(customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
      if (!probe.ok) return probe;
    }
    const now = clock.now();
    const invoices = [];
    for (const bc of found.value) {
      const mapped = toInvoice(bc, now);
      if (!mapped.ok) return mapped;
      if (mapped.value) invoices.push(mapped.value);
    }
    return ok(invoices);
  };

  const listPayments: ErpPort['listPayments'] = async (customerId, options, ctx) => {
    if (!isGuid(customerId)) return fail('erp.customer_not_found');
    const limit = clamp(options.limit, MAX_PAYMENT_PAGE);
    // The customer first: it must exist, and a payment line's currency is the customer's.
    const customer = await getEntity(customerPath(customerId, { $select: 'id,currencyCode' }), BcCustomerProbeSchema, 'erp.customer_not_found', ctx);
    if (!customer.ok) return customer;
    const currency = customer.value.currencyCode;
    if (!/^[A-Z]{3}$/.test(currency)) return fail('vendor.invalid_response', { vendor: DOMAIN });
    const path = `${company}/customerPayments${odataQuery({
      $filter: `customerId eq ${guidLiteral(customerId)}`,
      $orderby: 'postingDate desc,lineNumber desc',
      $select: BC_CUSTOMER_PAYMENT_SELECT.join(','),
      $top: limit,
    })}`;
    const found = await list(path, BcCustomerPaymentListSchema, limit, ctx);
    return found.ok ? ok(found.value.map((p) => toPayment(p, currency))) : found;
  };

  return { listInvoices, listPayments };
};
