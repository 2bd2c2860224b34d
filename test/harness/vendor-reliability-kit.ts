import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, systemClock, type Clock } from '../../shared/clock.js';
import type { CallContext } from '../../shared/http/app-env.js';
import type { Result } from '../../shared/result.js';
import type { FaultRule } from '../../shared/sandbox/fault-injection.js';
import { testCallContext } from './call-context.js';
import type { SandboxHarness } from './sandbox-harness.js';

/** What the kit asks of the adapter under test; the vendor maps it onto its own config. */
export interface ReliabilityAdapterOptions {
  readonly clock: Clock;
  readonly retries: number;
  readonly attemptTimeoutMs: number;
  readonly backoffMs: number;
  readonly breaker?: { readonly failureThreshold: number; readonly openMs: number };
  /** The undici client's response cap (E8); the client default when absent. */
  readonly maxResponseBytes?: number;
}

/** One adapter on the vendor's sandbox, built per scenario by the vendor's setup. */
export interface VendorReliabilitySubject {
  /** The vendor's main read (one chain of vendor calls hitting `readPathPattern` once when all is well). */
  read(ctx: CallContext): Promise<Result<unknown>>;
  /** A regular expression (unanchored) for the read's vendor path: where faults are armed and calls counted. */
  readonly readPathPattern: string;
  /** The `vendor` field of the errors: `erp`, `crm`, `billing`, `support`. */
  readonly domain: string;
  /** The served sandbox (owned by the vendor's test file: the kit never closes it). */
  readonly harness: Pick<SandboxHarness, 'control'>;
  /** What the adapter's logger wrote, one entry per line. */
  logs(): string[];
  /** Releases the adapter's HTTP client. */
  close(): Promise<void>;
}

export interface VendorReliabilityOptions {
  /** The `vendor` field of the `invalid vendor response` log line (e.g. `salesforce`). */
  readonly logName: string;
  /** What must never reach the logs: the vendor's error messages, the record's data, the HTML fault page. */
  readonly neverLogged: RegExp;
  /**
   * E8: the cap for a response the read gets (from a cold start: the token answer must fit), and the
   * fault that makes it oversized if the normal answer is not. Absent only where the vendor's E8 runs on
   * another read (its main read's answer is smaller than its token answer); say where in the vendor's test.
   */
  readonly overCap?: { readonly maxResponseBytes: number; readonly fault?: FaultRule<string> };
}

const T0 = Date.parse('2026-11-01T10:00:00Z');

/** A call context whose signal aborts at the deadline, as the request-context policy builds it. */
const ctx = (clock: Clock = systemClock, budgetMs = 3_000): CallContext =>
  testCallContext({ clock, budgetMs, signal: AbortSignal.timeout(budgetMs) });

const codeOf = (r: Result<unknown>) => (r.ok ? undefined : r.error.code);
const errorOf = (r: Result<unknown>) => (r.ok ? undefined : r.error);

/**
 * RELIABILITY.md E1, E3–E8 for one vendor's main read, over real HTTP against its sandbox: the same
 * scenarios and assertions for every vendor; only the read, the path it hits and the adapter wiring change.
 * Writes (E2) and the vendor's own faults stay in the vendor's tests.
 */
export const describeVendorReliability = (
  vendorName: string,
  setup: (options: ReliabilityAdapterOptions) => Promise<VendorReliabilitySubject>,
  options: VendorReliabilityOptions,
): void => {
  describe(`${vendorName} main read under vendor faults (RELIABILITY.md E, shared kit)`, () => {
    const open: VendorReliabilitySubject[] = [];
    /** An adapter with faults cleared and, unless `cold`, a first successful read (tokens, sessions) before counting starts. */
    const start = async (overrides: Partial<ReliabilityAdapterOptions> = {}, cold = false) => {
      const subject = await setup({ clock: systemClock, retries: 2, attemptTimeoutMs: 1_000, backoffMs: 5, ...overrides });
      open.push(subject);
      const { control } = subject.harness;
      await control.clearFaults();
      if (!cold) expect((await subject.read(ctx(overrides.clock))).ok).toBe(true);
      await control.resetStats();
      const calls = () => control.count(subject.readPathPattern);
      const fault = (rule: FaultRule<string>) => control.fault({ pathPattern: subject.readPathPattern, ...rule });
      return { subject, control, calls, fault };
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map(async (s) => {
        await s.harness.control.clearFaults();
        await s.close();
      }));
    });

    describe('E1 read timeout', () => {
      it('when every attempt hangs, retries a bounded number of times within the deadline, then vendor.timeout', async () => {
        const { subject, calls, fault } = await start({ attemptTimeoutMs: 150, retries: 2 });
        await fault({ fault: 'timeout' });
        const started = performance.now();
        const result = await subject.read(ctx(systemClock, 2_000));
        const elapsed = performance.now() - started;
        expect(result).toEqual({ ok: false, error: { code: 'vendor.timeout', retryable: true, vendor: subject.domain } });
        expect(await calls()).toBe(3); // 1 + 2 retries, never more
        expect(elapsed).toBeLessThan(2_000); // inside the caller's deadline
      });

      it('when the deadline is shorter than the retries would need, stops at the deadline', async () => {
        const { subject, calls, fault } = await start({ attemptTimeoutMs: 1_000, retries: 2 });
        await fault({ fault: 'timeout' });
        const result = await subject.read(ctx(systemClock, 300));
        expect(codeOf(result)).toBe('vendor.timeout');
        expect(await calls()).toBe(1);
      });
    });

    describe('E3 vendor 5xx and the circuit breaker', () => {
      it.each([['error500'], ['error503']] as const)('when the vendor answers %s, retries the read, then vendor.error without its body', async (kind) => {
        const { subject, calls, fault } = await start({ retries: 2 });
        await fault({ fault: kind });
        const result = await subject.read(ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: true, vendor: subject.domain } });
        expect(await calls()).toBe(3);
        expect(subject.logs().join('')).not.toMatch(options.neverLogged);
      });

      it('when failures reach the threshold, opens the circuit: no vendor call until the open period ends', async () => {
        const clock = createManualClock(T0);
        const { subject, control, calls, fault } = await start({ clock, retries: 0, breaker: { failureThreshold: 3, openMs: 10_000 } });
        await fault({ fault: 'error503' });
        for (let i = 0; i < 3; i++) await subject.read(ctx(clock));
        expect(await calls()).toBe(3);

        const opened = await subject.read(ctx(clock));
        expect(errorOf(opened)).toMatchObject({ code: 'vendor.circuit_open', retryable: true, vendor: subject.domain, retryAfterSeconds: 10 });
        expect((await control.stats()).total).toBe(3); // the open circuit sent nothing at all

        await control.clearFaults();
        clock.advance(10_000); // half-open: one trial call goes through and closes the circuit
        expect((await subject.read(ctx(clock))).ok).toBe(true);
      });
    });

    describe('E4 vendor throttling', () => {
      it('when the vendor answers 429 with Retry-After in seconds, answers vendor.rate_limited with it and calls nothing while paused', async () => {
        const clock = createManualClock(T0);
        const { subject, control, calls, fault } = await start({ clock });
        await fault({ fault: 'rate-limit', retryAfter: 30, times: 1 });
        const limited = await subject.read(ctx(clock));
        expect(limited).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, vendor: subject.domain, retryAfterSeconds: 30 } });
        expect(await calls()).toBe(1); // a 429 is not retried

        const paused = await subject.read(ctx(clock));
        expect(codeOf(paused)).toBe('vendor.rate_limited');
        expect((await control.stats()).total).toBe(1); // not hammered while paused

        clock.advance(30_000);
        expect((await subject.read(ctx(clock))).ok).toBe(true);
      });

      it('when Retry-After is an HTTP-date, normalises it to seconds', async () => {
        const clock = createManualClock(T0);
        const { subject, fault } = await start({ clock });
        await fault({ fault: 'rate-limit', retryAfter: new Date(clock.now() + 45_000).toUTCString(), times: 1 });
        const limited = await subject.read(ctx(clock));
        expect(errorOf(limited)).toMatchObject({ code: 'vendor.rate_limited', retryAfterSeconds: 45 });
      });
    });

    describe('E5 trickling body', () => {
      it('when the body trickles in slower than the attempt budget, the timeout covers the body read: vendor.timeout in time', async () => {
        const { subject, fault } = await start({ retries: 0, attemptTimeoutMs: 200 });
        await fault({ fault: 'trickle', delayMs: 50 });
        const started = performance.now();
        const result = await subject.read(ctx(systemClock, 2_000));
        expect(codeOf(result)).toBe('vendor.timeout');
        expect(performance.now() - started).toBeLessThan(2_000);
      });
    });

    describe('E6 malformed vendor bodies', () => {
      it.each([
        ['html', 'an HTML page with a 200'],
        ['malformed', 'truncated JSON'],
        ['wrong-types', 'the right shape with wrong types'],
      ] as const)('when the vendor sends %s (%s), answers vendor.invalid_response and logs only its size and hash', async (kind, _description) => {
        const { subject, fault } = await start();
        await fault({ fault: kind });
        const result = await subject.read(ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: subject.domain } });
        const lines = subject.logs();
        const invalid = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'invalid vendor response');
        expect(invalid).toMatchObject({ vendor: options.logName, bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{16,}$/) });
        const logged = lines.join('');
        expect(logged).not.toMatch(options.neverLogged);
        expect(logged).not.toMatch(/<html|<!DOCTYPE/i);
      });
    });

    describe('E7 redirects', () => {
      let elsewhere: Server;
      let elsewhereHits = 0;
      beforeAll(async () => {
        elsewhere = createServer((_req, res) => {
          elsewhereHits += 1;
          res.end('{}');
        }).listen(0, '127.0.0.1');
        await once(elsewhere, 'listening');
      });
      afterAll(async () => {
        elsewhere.closeAllConnections();
        await new Promise((resolve) => elsewhere.close(resolve));
      });

      it('when the vendor redirects to another host, answers vendor.error, never follows (no credentials sent there) and does not retry', async () => {
        const { subject, control, calls, fault } = await start();
        await fault({ fault: 'redirect', location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal` });
        const result = await subject.read(ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: subject.domain } });
        expect(elsewhereHits).toBe(0);
        expect(await calls()).toBe(1);
        expect((await control.stats()).total).toBe(1); // no token refresh, no second attempt
      });

      it('when the redirect points at the sandbox under the other loopback name, it is not followed either', async () => {
        const { subject, control, calls, fault } = await start();
        await fault({ fault: 'redirect' });
        const result = await subject.read(ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: subject.domain } });
        expect(await control.count('/__sandbox/redirect-target')).toBe(0);
        expect(await calls()).toBe(1);
      });
    });

    if (options.overCap) describe('E8 response larger than the cap', () => {
      it('when the response is larger than the client cap, answers vendor.invalid_response without reading it whole or retrying', async () => {
        const overCap = options.overCap!;
        const { subject, calls, fault } = await start({ maxResponseBytes: overCap.maxResponseBytes }, true);
        if (overCap.fault) await fault(overCap.fault);
        const started = performance.now();
        const result = await subject.read(ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.invalid_response', retryable: false, vendor: subject.domain } });
        expect(subject.logs().join('')).toContain('"failure":"too_large"'); // cut off at the cap, not parsed after reading it all
        expect(await calls()).toBe(1);
        expect(performance.now() - started).toBeLessThan(2_000);
      });
    });
  });
};
