import { z } from '@hono/zod-openapi';
import { MoneySchema } from '../../../shared/canonical/money.js';
import { CrmAccountIdSchema } from '../../system/crm/contract.js';
import { ErpCustomerIdSchema } from '../../system/erp/contract.js';

export const CreditCheckRequestSchema = z
  .strictObject({
    crmAccountId: CrmAccountIdSchema,
    orderAmount: MoneySchema.refine((m) => m.amountMinor > 0, { message: 'must be greater than 0', path: ['amountMinor'] }),
  })
  .openapi('CreditCheckRequest');

export const CreditReasonSchema = z
  .strictObject({
    code: z.enum(['credit_hold', 'overdue_balance', 'over_limit', 'no_credit_line', 'currency_mismatch']),
    decision: z.enum(['approve', 'review', 'decline']),
    message: z.string(),
  })
  .openapi('CreditReason');

export const CreditCheckSchema = z
  .strictObject({
    decision: z.enum(['approve', 'review', 'decline']).openapi({ description: 'The strictest decision among the reasons; approve when there are none' }),
    reasons: z.array(CreditReasonSchema),
    availableCredit: MoneySchema,
    creditLimit: MoneySchema,
    openReceivables: MoneySchema,
    overdueReceivables: MoneySchema,
    erpCustomerId: ErpCustomerIdSchema,
    profileAsOf: z.iso.datetime().openapi({ description: 'When the ERP credit profile was read (it is cached briefly)' }),
    checkedAt: z.iso.datetime(),
  })
  .openapi('CreditCheck');

export type CreditCheckRequest = z.infer<typeof CreditCheckRequestSchema>;
export type CreditCheck = z.infer<typeof CreditCheckSchema>;
