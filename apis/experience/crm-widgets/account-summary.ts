import { z } from '@hono/zod-openapi';
import { MoneySchema, type Money } from '../../../shared/canonical/money.js';
import { ContactSchema, CrmAccountIdSchema } from '../../system/crm/contract.js';
import { InvoiceSchema, type CreditProfile, type Invoice } from '../../system/erp/contract.js';
import type { AccountSnapshot } from '../../process/account-snapshot/workflow.js';

/** How many invoices the card lists; the totals cover all open invoices. */
export const CARD_INVOICES = 5;
/** Days overdue from which the card shows the account as on hold for new orders. */
const HOLD_DAYS_OVERDUE = 30;

export const SourceStatusSchema = z
  .strictObject({
    source: z.enum(['crm', 'erp']),
    status: z.enum(['ok', 'not_linked', 'unavailable']),
    code: z.string().optional().openapi({ description: 'Why the source is unavailable (a stable error code)' }),
  })
  .openapi('SourceStatus');

export const AccountSummarySchema = z
  .strictObject({
    crmAccountId: CrmAccountIdSchema,
    name: z.string().optional(),
    primaryContact: ContactSchema.optional(),
    credit: z
      .strictObject({
        status: z.enum(['good', 'watch', 'hold']).openapi({ description: 'hold: on credit hold or long overdue; watch: overdue or nearly at the limit' }),
        creditLimit: MoneySchema,
        availableCredit: MoneySchema,
        openReceivables: MoneySchema,
        overdueReceivables: MoneySchema,
        daysOverdue: z.number().int(),
        asOf: z.iso.datetime(),
      })
      .optional()
      .openapi({ description: 'Absent when the ERP is not linked or unavailable (see sources)' }),
    invoices: z
      .strictObject({
        openCount: z.number().int(),
        openAmount: MoneySchema,
        overdueCount: z.number().int(),
        overdueAmount: MoneySchema,
        oldest: z.array(
          z.strictObject({ number: z.string(), dueOn: z.iso.date(), amountDue: MoneySchema, status: InvoiceSchema.shape.status, daysOverdue: z.number().int() }),
        ),
      })
      .optional(),
    sources: z.array(SourceStatusSchema).openapi({ description: 'Which systems answered; a card is partial when one did not' }),
    partial: z.boolean(),
  })
  .openapi('AccountSummary');

export type AccountSummary = z.infer<typeof AccountSummarySchema>;

const creditStatus = (p: CreditProfile): 'good' | 'watch' | 'hold' => {
  if (p.onCreditHold || (p.overdueReceivables.amountMinor > 0 && p.daysOverdue >= HOLD_DAYS_OVERDUE)) return 'hold';
  const available = p.creditLimit.amountMinor - p.openReceivables.amountMinor - p.unbilledOrders.amountMinor;
  if (p.overdueReceivables.amountMinor > 0 || available < p.creditLimit.amountMinor * 0.1) return 'watch';
  return 'good';
};

const sum = (invoices: readonly Invoice[], currency: string): Money => ({
  currency,
  // Invoices in another currency than the customer's are not added up (no FX in a widget).
  amountMinor: invoices.filter((i) => i.amountDue.currency === currency).reduce((t, i) => t + i.amountDue.amountMinor, 0),
});

/** Shapes a snapshot for the CRM sidebar card. */
export const toAccountSummary = (s: AccountSnapshot): AccountSummary => {
  const currency = s.credit?.creditLimit.currency ?? s.openInvoices?.[0]?.amountDue.currency ?? 'EUR';
  const overdue = s.openInvoices?.filter((i) => i.status === 'overdue') ?? [];
  return {
    crmAccountId: s.crmAccountId,
    ...(s.account ? { name: s.account.name } : {}),
    ...(s.account?.primaryContact ? { primaryContact: s.account.primaryContact } : {}),
    ...(s.credit
      ? {
          credit: {
            status: creditStatus(s.credit),
            creditLimit: s.credit.creditLimit,
            availableCredit: {
              currency: s.credit.creditLimit.currency,
              amountMinor: Math.max(0, s.credit.creditLimit.amountMinor - s.credit.openReceivables.amountMinor - s.credit.unbilledOrders.amountMinor),
            },
            openReceivables: s.credit.openReceivables,
            overdueReceivables: s.credit.overdueReceivables,
            daysOverdue: s.credit.daysOverdue,
            asOf: s.credit.asOf,
          },
        }
      : {}),
    ...(s.openInvoices
      ? {
          invoices: {
            openCount: s.openInvoices.length,
            openAmount: sum(s.openInvoices, currency),
            overdueCount: overdue.length,
            overdueAmount: sum(overdue, currency),
            oldest: s.openInvoices.slice(0, CARD_INVOICES).map((i) => ({ number: i.number, dueOn: i.dueOn, amountDue: i.amountDue, status: i.status, daysOverdue: i.daysOverdue })),
          },
        }
      : {}),
    sources: s.sources.map((x) => ({ source: x.source, status: x.status, ...(x.status === 'unavailable' ? { code: x.code } : {}) })),
    partial: s.sources.some((x) => x.status === 'unavailable'),
  };
};
