import { AppError } from '../../../shared/errors.js';
import type { CallContext } from '../../../shared/http/app-env.js';
import { err, ok, type DomainError, type Result } from '../../../shared/result.js';
import type { CrmAccount, CrmPort } from '../../system/crm/contract.js';
import type { CreditProfile, ErpPort, Invoice } from '../../system/erp/contract.js';
import type { IdentityXref } from '../../system/xref/contract.js';

export type SourceName = 'crm' | 'erp';

/** What happened to one source of a composed view: views say which sources are missing, never hide it. */
export type SourceStatus =
  | { readonly source: SourceName; readonly status: 'ok' }
  | { readonly source: SourceName; readonly status: 'not_linked' }
  | { readonly source: SourceName; readonly status: 'unavailable'; readonly code: DomainError['code'] };

export interface AccountSnapshot {
  readonly crmAccountId: string;
  readonly account?: CrmAccount;
  readonly erpCustomerId?: string;
  readonly credit?: CreditProfile;
  readonly openInvoices?: readonly Invoice[];
  readonly sources: readonly SourceStatus[];
}

export interface AccountSnapshotDeps {
  readonly crm: CrmPort;
  readonly erp: ErpPort;
  readonly xref: IdentityXref;
  readonly crmVendor: string;
  /** Invoices fetched for a snapshot (the view shows totals and the oldest few). */
  readonly invoiceLimit?: number;
}

/**
 * Everything the systems of record say about one CRM account, fetched in parallel. One failing
 * source does not fail the snapshot: it is reported in `sources`. Only when the account is unknown
 * everywhere is the answer "not found", and only when every source failed is it an error.
 */
export const createAccountSnapshot = (deps: AccountSnapshotDeps) => ({
  async get(crmAccountId: string, ctx: CallContext): Promise<Result<AccountSnapshot>> {
    const crmRef = { domain: 'crm', vendor: deps.crmVendor, id: crmAccountId } as const;
    const [account, erpLink] = await Promise.all([
      deps.crm.getAccount(crmAccountId, ctx),
      // The cross-reference store being down makes the ERP part unavailable, not the whole card.
      deps.xref
        .canonicalIdOf(crmRef)
        .then((canonicalId) => (canonicalId ? deps.xref.refIn(canonicalId, 'erp') : undefined))
        .then((ref) => ({ ok: true as const, ref }))
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'dependency.unavailable') return { ok: false as const };
          throw error;
        }),
    ]);
    const erpRef = erpLink.ok ? erpLink.ref : undefined;

    const sources: SourceStatus[] = [];
    const snapshot: { -readonly [K in keyof AccountSnapshot]: AccountSnapshot[K] } = { crmAccountId, sources };

    if (account.ok) {
      snapshot.account = account.value;
      sources.push({ source: 'crm', status: 'ok' });
    } else if (account.error.code === 'crm.account_not_found') {
      if (erpLink.ok && !erpRef) return err(account.error);
      sources.push({ source: 'crm', status: 'unavailable', code: account.error.code });
    } else {
      sources.push({ source: 'crm', status: 'unavailable', code: account.error.code });
    }

    if (!erpLink.ok) {
      sources.push({ source: 'erp', status: 'unavailable', code: 'dependency.unavailable' });
    } else if (!erpRef) {
      sources.push({ source: 'erp', status: 'not_linked' });
    } else {
      snapshot.erpCustomerId = erpRef.id;
      const [credit, invoices] = await Promise.all([
        deps.erp.getCreditProfile(erpRef.id, ctx),
        deps.erp.listInvoices(erpRef.id, { status: 'open', limit: deps.invoiceLimit ?? 100 }, ctx),
      ]);
      if (credit.ok) snapshot.credit = credit.value;
      if (invoices.ok) snapshot.openInvoices = invoices.value;
      const failure = !credit.ok ? credit.error : !invoices.ok ? invoices.error : undefined;
      sources.push(failure ? { source: 'erp', status: 'unavailable', code: failure.code } : { source: 'erp', status: 'ok' });
    }

    const failed = sources.filter((s) => s.status === 'unavailable');
    if (failed.length > 0 && failed.length === sources.filter((s) => s.status !== 'not_linked').length) {
      // Nothing usable: answer with the first failure rather than an empty card.
      return err(!account.ok ? account.error : { code: (failed[0] as { code: DomainError['code'] }).code, retryable: true });
    }
    return ok(snapshot);
  },
});

export type AccountSnapshotWorkflow = ReturnType<typeof createAccountSnapshot>;
