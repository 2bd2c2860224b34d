// The Stripe sandbox's in-memory state (account, search lag, idempotency store), new ids, and the billing-period roll-over.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../../shared/clock.js';
import type { ParsedForm } from './form.js';
import { addIntervals, cycleContaining } from './periods.js';
import { buildSandboxAccount, type SandboxAccount } from './sandbox-data.js';

/** The sandbox app's request variables: the merged Stripe parameters and the answer's Request-Id. */
export type StripeSandboxEnv = { Variables: { params: ParsedForm; requestId: string } };

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomId = (prefix: string, length = 14) => `${prefix}_${[...randomBytes(length)].map((b) => BASE62[b % 62]).join('')}`;
export const seconds = (ms: number) => Math.floor(ms / 1000);

/** A remembered answer to an `Idempotency-Key`. */
export interface StoredResult {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
  readonly storedAt: number;
}

/** Everything a sandbox instance keeps; replaced wholesale by `POST /__sandbox/reset`. Read it at request time. */
export interface StripeSandboxState {
  account: SandboxAccount;
  /** When each record created through the API becomes searchable (epoch ms); seeded records always are. */
  searchableAt: Map<string, number>;
  idempotency: Map<string, StoredResult>;
  inFlight: Set<string>;
}

export const freshSandboxState = (clock: Clock): StripeSandboxState => ({
  account: buildSandboxAccount(clock.now()),
  searchableAt: new Map(),
  idempotency: new Map(),
  inFlight: new Set(),
});

/** What the resource route handlers reach by closure. */
export interface SandboxRouteDeps {
  readonly state: StripeSandboxState;
  readonly clock: Clock;
  /** How long a created record stays invisible to Search. */
  readonly searchLagMs: number;
}

export const isSearchable = ({ state, clock }: SandboxRouteDeps, id: string) => (state.searchableAt.get(id) ?? 0) <= clock.now();

/** Billing periods roll over on the sandbox clock: trials end, term-end cancellations happen. */
export const rollOver = (account: SandboxAccount, clock: Clock) => {
  const now = seconds(clock.now());
  for (const s of account.subscriptions.values()) {
    let guard = 0;
    while (s.status !== 'canceled' && s.status !== 'incomplete_expired' && guard++ < 1_000) {
      if (s.cancelAt !== null && s.cancelAt <= now) {
        s.status = 'canceled';
        s.canceledAt ??= s.cancelAt;
        s.endedAt = s.cancelAt;
        break;
      }
      if (s.currentPeriodEnd > now) break;
      const price = account.prices.get(s.item.price)!;
      const step = (anchor: number, n: number) => addIntervals(anchor, price.interval, price.intervalCount, n);
      const next = cycleContaining(s.billingCycleAnchor * 1000, s.currentPeriodEnd * 1000, step);
      s.currentPeriodStart = seconds(next.start);
      s.currentPeriodEnd = seconds(next.end);
      if (s.status === 'trialing') s.status = 'active';
    }
  }
};
