import { z } from '@hono/zod-openapi';
import { CurrencySchema } from '../../../shared/canonical/money.js';
import { pii } from '../../../shared/canonical/pii.js';
import { CrmAccountIdSchema } from '../../system/crm/contract.js';
import { PostalAddressSchema } from '../../system/erp/contract.js';
import { SUPPORT_TIERS } from '../../system/support/contract.js';

export const CustomerOnboardingRequestSchema = z
  .strictObject({
    crmAccountId: CrmAccountIdSchema,
    legalName: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
      .optional()
      .openapi({ description: 'The legal entity name for the ERP and billing; default: the CRM account name' }),
    country: z.string().regex(/^[A-Z]{2}$/).openapi({ description: 'ISO 3166-1 alpha-2 country of the legal entity', example: 'US' }),
    currency: CurrencySchema,
    taxId: z.string().min(1).max(40).optional().openapi(pii('tax_id')),
    billingEmail: z.email().max(254).optional().openapi(pii('email')),
    billingAddress: PostalAddressSchema.optional(),
    supportTier: z.enum(SUPPORT_TIERS).default('standard').openapi({ description: 'Support entitlement / SLA tier' }),
    emailDomains: z
      .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/))
      .max(20)
      .optional()
      .openapi({ description: 'Email domains of the customer’s people (support desks route their tickets to the organisation)' }),
  })
  .openapi('CustomerOnboardingRequest');

export type CustomerOnboardingRequest = z.infer<typeof CustomerOnboardingRequestSchema>;

/** What a run keeps to execute (and resume) its steps: the request with the legal name resolved. */
export type OnboardingInput = Omit<CustomerOnboardingRequest, 'legalName'> & { readonly legalName: string };
