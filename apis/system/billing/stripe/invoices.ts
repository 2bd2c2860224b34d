// A customer's invoices over Stripe: paged list by customer, mapped to the contract, newest issue first.
import { fail, ok } from '../../../../shared/result.js';
import { StripeInvoiceListSchema } from '../../../../openapi/vendors/stripe/schemas.js';
import { STRIPE_CUSTOMER_ID, type GetInvoicesQuery } from '../../../../openapi/vendors/stripe/types.js';
import { BillingInvoiceSchema, type BillingInvoice, type BillingPort } from '../contract.js';
import type { StripeClient } from './client.js';
import type { CustomerOperations } from './customers.js';
import { toBillingInvoice } from './mapper.js';

export const createInvoiceOperations = (client: StripeClient, customers: Pick<CustomerOperations, 'getCustomerRecord'>): Pick<BillingPort, 'listInvoices'> => {
  const { send, read, contract, collect, clampLimit } = client;
  const { getCustomerRecord } = customers;
  return {
    async listInvoices(customerId, options, ctx) {
      if (!STRIPE_CUSTOMER_ID.test(customerId)) return fail('billing.customer_not_found');
      const limit = clampLimit(options.limit);
      const records = await collect(limit, async (size, startingAfter) => {
        const query: GetInvoicesQuery = { customer: customerId, limit: size, ...(startingAfter ? { starting_after: startingAfter } : {}) };
        return read(await send({ method: 'GET', path: '/v1/invoices', query, retry: true }, ctx), StripeInvoiceListSchema, { params: { customer: 'billing.customer_not_found' } }, ctx);
      });
      if (!records.ok) return records;
      if (records.value.length === 0) {
        const probe = await getCustomerRecord(customerId, ctx);
        if (!probe.ok) return probe;
      }
      const out: BillingInvoice[] = [];
      for (const record of records.value) {
        const mapped = contract(BillingInvoiceSchema, toBillingInvoice(record), 'invoice');
        if (!mapped.ok) return mapped;
        out.push(mapped.value);
      }
      // Stripe lists by creation; the contract promises newest issue first (they differ only for late-finalized drafts).
      return ok(out.map((invoice, index) => ({ invoice, index })).sort((a, b) => b.invoice.issuedOn.localeCompare(a.invoice.issuedOn) || a.index - b.index).map((x) => x.invoice));
    },
  };
};
