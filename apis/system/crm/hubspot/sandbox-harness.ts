import { serveSandbox, type SandboxStats as SharedStats } from '../../../../test/harness/sandbox-harness.js';
import { testCallContext as sharedCallContext } from '../../../../test/harness/call-context.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createHubspotSandbox, type HubspotSandboxOptions, type RecordedRequest } from './sandbox.js';
import type { FaultRule } from './sandbox-faults.js';

export { captureLogger } from '../../../../test/harness/sandbox-harness.js';

export type SandboxStats = SharedStats<RecordedRequest> & { readonly requests: readonly RecordedRequest[] };

/** Where the harness mounts the sandbox, as the sandbox server does. */
export const MOUNT = '/hubspot';

/**
 * Serves the HubSpot sandbox on 127.0.0.1, port 0, mounted at `/hubspot` the way the sandbox server
 * mounts it, with helpers for its control API. For tests (and local experiments) only.
 */
export const startHubspotSandbox = async (options: HubspotSandboxOptions = {}) => {
  const harness = await serveSandbox<FaultRule, RecordedRequest>(createHubspotSandbox(options), { basePath: MOUNT });
  const { origin, baseUrl, server, control } = harness;
  const stats = async () => (await control.stats()) as SandboxStats;

  return {
    origin,
    baseUrl,
    server,
    harness,
    injectFault: (rule: FaultRule) => control.fault(rule),
    clearFaults: () => control.clearFaults(),
    stats,
    resetStats: () => control.resetStats(),
    /** Vendor requests (method and path without the mount) seen since the last reset. */
    async requests(): Promise<readonly RecordedRequest[]> {
      return (await stats()).requests.map((r) => ({ ...r, path: r.path.slice(MOUNT.length) }));
    },
    /** Vendor requests whose `METHOD path` contains `fragment` (e.g. `PATCH`, `/search`). */
    async count(fragment: string): Promise<number> {
      return (await stats()).requests.filter((r) => `${r.method} ${r.path}`.includes(fragment)).length;
    },
    close: () => harness.close(),
  };
};

export type HubspotSandboxHandle = Awaited<ReturnType<typeof startHubspotSandbox>>;

/** A port-call context with a deadline `budgetMs` from `clock.now()` and a signal that aborts then, as `callContext(c)` would build it. */
export const testCallContext = (clock: { now(): number }, budgetMs = 3_000): CallContext =>
  sharedCallContext({ clock, budgetMs, signal: AbortSignal.timeout(budgetMs) });
