import { serveSandbox, type SandboxStats as SharedStats } from '../../../../test/harness/sandbox-harness.js';
import { testCallContext as sharedCallContext } from '../../../../test/harness/call-context.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { SANDBOX_SALESFORCE_CREDENTIALS } from './config.js';
import { createSalesforceSandbox, type RecordedRequest, type SalesforceSandboxOptions } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export { captureLogger } from '../../../../test/harness/sandbox-harness.js';

export type SandboxStats = SharedStats<RecordedRequest> & { readonly requests: readonly RecordedRequest[] };

/**
 * Serves the Salesforce sandbox on 127.0.0.1, port 0, mounted at `/salesforce` the way the sandbox
 * server mounts it, with helpers for its control API. For tests (and local experiments) only.
 */
export const startSalesforceSandbox = async (options: SalesforceSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createSalesforceSandbox(options), { basePath: '/salesforce' });
  const { origin, baseUrl, server, control } = harness;

  return {
    origin,
    baseUrl,
    server,
    harness,
    injectFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats: async () => (await control.stats()) as SandboxStats,
    resetStats: () => control.resetStats(),
    expireSessions: () => control.send('DELETE', '/sessions'),
    /**
     * A record with all its fields, read over the vendor API with a session of its own (as another
     * Salesforce client would), to check what a write left behind. Counts in the stats like any request.
     */
    async readRecord(object: string, id: string): Promise<Record<string, unknown>> {
      const token = await fetch(`${baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_SALESFORCE_CREDENTIALS.clientId, client_secret: SANDBOX_SALESFORCE_CREDENTIALS.clientSecret }),
      });
      const { access_token } = (await token.json()) as { access_token: string };
      const res = await fetch(`${baseUrl}/services/data/v62.0/sobjects/${object}/${id}`, { headers: { authorization: `Bearer ${access_token}` } });
      if (!res.ok) throw new Error(`sandbox read ${object}/${id}: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    },
    /** Vendor requests whose path contains `fragment`. */
    async count(fragment: string): Promise<number> {
      const s = await control.stats();
      return Object.entries(s.byPath).reduce((n, [path, hits]) => (path.includes(fragment) ? n + hits : n), 0);
    },
    close: () => harness.close(),
  };
};

export type SalesforceSandboxHandle = Awaited<ReturnType<typeof startSalesforceSandbox>>;

/** A port-call context with a deadline `budgetMs` from `clock.now()` and a signal that aborts then, as `callContext(c)` would build it. */
export const testCallContext = (clock: { now(): number }, budgetMs = 3_000): CallContext =>
  sharedCallContext({ clock, budgetMs, signal: AbortSignal.timeout(budgetMs) });
