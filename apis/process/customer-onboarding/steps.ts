import type { DomainError, Result } from '../../../shared/result.js';
import type { BillingPort } from '../../system/billing/contract.js';
import type { CrmPort } from '../../system/crm/contract.js';
import type { ErpPort } from '../../system/erp/contract.js';
import type { SupportPort } from '../../system/support/contract.js';
import type { IdentityXref, XrefDomain } from '../../system/xref/contract.js';
import type { Run } from '../runs/run.js';
import type { StepDefinition, StepResult } from '../runs/run-steps.js';
import { conflictRemediation, remediationFor } from './remediation.js';
import type { OnboardingInput } from './schemas.js';

export interface OnboardingStepDeps {
  readonly crm: CrmPort;
  readonly erp: ErpPort;
  readonly billing: BillingPort;
  readonly support: SupportPort;
  readonly xref: IdentityXref;
  readonly vendors: Readonly<Record<XrefDomain, string>>;
}

/** A refused step: retryable faults fail the run (resume later), anything else parks it for a person. */
const refused = (error: DomainError, system: string): StepResult =>
  error.retryable ? { ok: false, error } : { ok: false, error, remediation: remediationFor(error.code, system) };

/**
 * Links the record to the run's customer; a record already linked to another customer parks the
 * run (two CRM accounts matched the same ERP customer — a person decides which one it is).
 */
const linked = async (deps: OnboardingStepDeps, canonicalId: string, domain: XrefDomain, id: string, done: StepResult & { ok: true }): Promise<StepResult> => {
  const outcome = await deps.xref.link(canonicalId, { domain, vendor: deps.vendors[domain], id });
  if (outcome === 'conflict') return { ok: false, error: { code: 'process.step_parked', retryable: false }, remediation: conflictRemediation(domain, `${deps.vendors[domain]}:${id}`) };
  return done;
};

const unwrap = async <T>(result: Promise<Result<T>>, system: string): Promise<{ value: T } | { refusal: StepResult }> => {
  const r = await result;
  return r.ok ? { value: r.value } : { refusal: refused(r.error, system) };
};

/**
 * Customer onboarding (DESIGN.md §4): the legal customer in the ERP (matched on natural keys before
 * creating), the customer in billing, the organisation and its SLA tier in support, then the ids
 * written back onto the CRM account. Every vendor write carries the canonical customer id as its
 * external reference, so each step is idempotent: run again, it finds its record.
 */
export const onboardingSteps = (deps: OnboardingStepDeps): StepDefinition<OnboardingInput>[] => {
  /** A step writing to one domain, through the vendor configured for it. */
  const step = (system: XrefDomain, name: string, execute: StepDefinition<OnboardingInput>['execute']): StepDefinition<OnboardingInput> => ({
    name: `${system}.${name}`,
    system,
    vendor: deps.vendors[system],
    execute,
  });
  const canonicalIdOf = (run: Run<OnboardingInput>) => run.results.canonicalCustomerId!;

  return [
    step('erp', 'customer', async (run, ctx) => {
      const { input } = run;
      const canonicalId = canonicalIdOf(run);
      const r = await unwrap(
        deps.erp.createOrMatchCustomer(
          {
            legalName: input.legalName,
            country: input.country,
            currency: input.currency,
            externalRef: canonicalId,
            ...(input.taxId ? { taxId: input.taxId } : {}),
            ...(input.billingEmail ? { email: input.billingEmail } : {}),
            ...(input.billingAddress ? { billingAddress: input.billingAddress } : {}),
          },
          ctx,
        ),
        'erp',
      );
      if ('refusal' in r) return r.refusal;
      const { customer, outcome } = r.value;
      return linked(deps, canonicalId, 'erp', customer.id, { ok: true, ref: customer.id, outcome, results: { erpCustomerId: customer.id } });
    }),
    step('billing', 'customer', async (run, ctx) => {
      const { input } = run;
      const canonicalId = canonicalIdOf(run);
      const r = await unwrap(
        deps.billing.createCustomer(
          { name: input.legalName, currency: input.currency, externalRef: canonicalId, ...(input.billingEmail ? { email: input.billingEmail } : {}) },
          ctx,
        ),
        'billing',
      );
      if ('refusal' in r) return r.refusal;
      return linked(deps, canonicalId, 'billing', r.value.id, { ok: true, ref: r.value.id, results: { billingCustomerId: r.value.id } });
    }),
    step('support', 'organization', async (run, ctx) => {
      const { input } = run;
      const canonicalId = canonicalIdOf(run);
      const org = await unwrap(
        deps.support.createOrganization({ name: input.legalName, externalRef: canonicalId, ...(input.emailDomains ? { domains: input.emailDomains } : {}) }, ctx),
        'support',
      );
      if ('refusal' in org) return org.refusal;
      const tier = await unwrap(deps.support.setEntitlement(org.value.id, input.supportTier, ctx), 'support');
      if ('refusal' in tier) return tier.refusal;
      return linked(deps, canonicalId, 'support', org.value.id, { ok: true, ref: org.value.id, results: { supportOrganizationId: org.value.id } });
    }),
    step('crm', 'write-back', async (run, ctx) => {
      const { erpCustomerId, billingCustomerId, supportOrganizationId } = run.results;
      const r = await unwrap(
        deps.crm.writeBackReferences(
          { kind: 'account', id: run.input.crmAccountId },
          { ...(erpCustomerId ? { erpCustomerId } : {}), ...(billingCustomerId ? { billingCustomerId } : {}), ...(supportOrganizationId ? { supportOrganizationId } : {}) },
          ctx,
        ),
        'crm',
      );
      if ('refusal' in r) return r.refusal;
      return { ok: true, ref: run.input.crmAccountId, outcome: 'updated' };
    }),
  ];
};
