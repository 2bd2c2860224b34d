import type { Clock } from '../../../shared/clock.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import { createSingleFlightCache } from '../../../shared/resilience/single-flight-cache.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { CreditProfile, ErpPort } from '../../system/erp/contract.js';
import type { IdentityXref } from '../../system/xref/contract.js';
import { assessCredit } from './assess-credit.js';
import type { CreditCheck, CreditCheckRequest } from './schemas.js';

export interface CreditCheckDeps {
  readonly erp: ErpPort;
  readonly xref: IdentityXref;
  readonly clock: Clock;
  /** Which CRM vendor's ids the CRM sends (`salesforce`). */
  readonly crmVendor: string;
  /** How long an ERP credit profile may be reused. Short: exposure changes with every invoice. */
  readonly profileTtlMs?: number;
}

/**
 * Credit check, called synchronously by the CRM before an order is submitted. The ERP is protected:
 * a credit profile is reused for `profileTtlMs`, and identical concurrent look-ups share one ERP call.
 */
export const createCreditCheck = (deps: CreditCheckDeps) => {
  const profiles = createSingleFlightCache<CreditProfile>(deps.clock, { ttlMs: deps.profileTtlMs ?? 30_000 });

  return {
    async run(request: CreditCheckRequest, ctx: CallContext): Promise<Result<CreditCheck>> {
      const canonicalId = await deps.xref.canonicalIdOf({ domain: 'crm', vendor: deps.crmVendor, id: request.crmAccountId });
      const erpRef = canonicalId ? await deps.xref.refIn(canonicalId, 'erp') : undefined;
      if (!erpRef) return fail('xref.not_linked');

      const profile = await profiles.get(erpRef.id, () => deps.erp.getCreditProfile(erpRef.id, ctx));
      if (!profile.ok) return profile;
      const p = profile.value;
      const assessment = assessCredit(p, request.orderAmount);
      return ok({
        decision: assessment.decision,
        reasons: [...assessment.reasons],
        availableCredit: assessment.availableCredit,
        creditLimit: p.creditLimit,
        openReceivables: p.openReceivables,
        overdueReceivables: p.overdueReceivables,
        erpCustomerId: p.customerId,
        profileAsOf: p.asOf,
        checkedAt: new Date(deps.clock.now()).toISOString(),
      });
    },
  };
};

export type CreditCheckWorkflow = ReturnType<typeof createCreditCheck>;
