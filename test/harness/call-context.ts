import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { CallContext } from '../../shared/http/app-env.js';

/** A port call context for tests: a fresh trace, and a deadline `budgetMs` from the clock's now. */
export const testCallContext = (options: { clock?: Clock; budgetMs?: number; signal?: AbortSignal } = {}): CallContext => {
  const clock = options.clock ?? systemClock;
  const traceId = randomUUID().replaceAll('-', '');
  return {
    signal: options.signal ?? new AbortController().signal,
    deadlineAt: clock.now() + (options.budgetMs ?? 5_000),
    requestId: traceId,
    trace: { traceId, spanId: traceId.slice(0, 16), flags: '01' },
  };
};
