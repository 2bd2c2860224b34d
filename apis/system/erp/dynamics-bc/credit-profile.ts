// The adapter's getCreditProfile: limit, blocked and LCY balances converted with BC's exchange rates, unbilled open orders, days overdue.
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, ok } from '../../../../shared/result.js';
import {
  BC_CUSTOMER_CREDIT_SELECT,
  BC_EXCHANGE_RATE_SELECT,
  BC_SALES_INVOICE_SELECT,
  BcCustomerCreditSchema,
  BcExchangeRateListSchema,
  BcOrderTotalListSchema,
  BcSalesInvoiceListSchema,
} from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { ErpPort } from '../contract.js';
import { DOMAIN, VENDOR, type DynamicsBcClient } from './client.js';
import { daysPastDue, isoToday, toCreditProfile } from './mapper.js';
import { dateLiteral, guidLiteral, isGuid, odataQuery, stringLiteral } from './odata.js';

export const createCreditProfileReads = (client: DynamicsBcClient): Pick<ErpPort, 'getCreditProfile'> => {
  const { config, clock, logger, company, list, getEntity, customerPath } = client;

  /** The exchange rate of `currency` against LCY in force today (the newest starting on or before it). */
  const exchangeRate = async (currency: string, now: number, ctx: CallContext) => {
    const found = await list(
      `${company}/currencyExchangeRates${odataQuery({
        $filter: `currencyCode eq ${stringLiteral(currency)} and startingDate le ${dateLiteral(isoToday(now))}`,
        $orderby: 'startingDate desc',
        $select: BC_EXCHANGE_RATE_SELECT.join(','),
        $top: 5,
      })}`,
      BcExchangeRateListSchema,
      5,
      ctx,
    );
    if (!found.ok) return found;
    const rate = found.value.find((r) => r.relationalCurrencyCode === '' || r.relationalCurrencyCode === config.localCurrency);
    if (!rate) {
      logger?.warn({ vendor: VENDOR, currency, traceId: ctx.trace.traceId }, 'no business central exchange rate to LCY for the customer currency');
      return fail('vendor.invalid_response', { vendor: DOMAIN });
    }
    return ok(rate);
  };

  const getCreditProfile: ErpPort['getCreditProfile'] = async (customerId, ctx) => {
    if (!isGuid(customerId)) return fail('erp.customer_not_found');
    const bc = await getEntity(
      customerPath(customerId, { $select: BC_CUSTOMER_CREDIT_SELECT.join(','), $expand: 'customerFinancialDetail' }),
      BcCustomerCreditSchema,
      'erp.customer_not_found',
      ctx,
    );
    if (!bc.ok) return bc;
    const now = clock.now();
    const id = guidLiteral(customerId);
    const [oldest, orders] = await Promise.all([
      // The oldest open invoice past due: its due date gives the days overdue.
      list(
        `${company}/salesInvoices${odataQuery({
          $filter: `customerId eq ${id} and status eq 'Open' and dueDate lt ${dateLiteral(isoToday(now))}`,
          $orderby: 'dueDate asc',
          $select: BC_SALES_INVOICE_SELECT.join(','),
          $top: 1,
        })}`,
        BcSalesInvoiceListSchema,
        1,
        ctx,
      ),
      // Open sales orders are what is ordered but not yet invoiced (BC deletes an order once fully invoiced).
      list(`${company}/salesOrders${odataQuery({ $filter: `customerId eq ${id}`, $select: 'id,currencyCode,totalAmountIncludingTax' })}`, BcOrderTotalListSchema, 1_000, ctx),
    ]);
    if (!oldest.ok) return oldest;
    if (!orders.ok) return orders;
    const currency = bc.value.currencyCode;
    const lcy = config.localCurrency;
    let fromLcy = (amount: number) => amount;
    if (currency !== lcy) {
      const rate = await exchangeRate(currency, now, ctx);
      if (!rate.ok) return rate;
      fromLcy = (amount) => (amount * rate.value.exchangeRateAmount) / rate.value.relationalExchangeRateAmount;
    }
    // Orders in the customer's currency add up as they are, LCY ones are converted; any other
    // currency would need a cross rate, so it is left out (and said so).
    let unbilled = 0;
    let skipped = 0;
    for (const o of orders.value) {
      if (o.currencyCode === currency) unbilled += o.totalAmountIncludingTax;
      else if (o.currencyCode === lcy) unbilled += fromLcy(o.totalAmountIncludingTax);
      else skipped++;
    }
    if (skipped > 0) logger?.warn({ vendor: VENDOR, skipped, traceId: ctx.trace.traceId }, 'open orders in a third currency left out of unbilled');
    const first = oldest.value[0];
    return toCreditProfile(bc.value, { fromLcy, unbilled, daysOverdue: first ? daysPastDue(first.dueDate, now) : 0, now });
  };

  return { getCreditProfile };
};
