import { randomUUID } from 'node:crypto';
import type { TraceContext } from './app-env.js';

// W3C Trace Context §3.2: version 00, lower-case hex, neither id all zeros.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

// randomUUID draws from a pre-filled entropy pool: far cheaper per request than randomBytes().
// Its fixed version/variant nibbles leave 122 random bits, plenty for a trace id (W3C asks for uniqueness).
const hex32 = (): string => randomUUID().replaceAll('-', '');
export const newSpanId = (): string => hex32().slice(16);

/**
 * Continues the caller's trace when its `traceparent` is valid, otherwise starts a new one
 * (an invalid header is never an error: RELIABILITY.md B9).
 */
export const traceFrom = (header: string | undefined): TraceContext => {
  const m = header ? TRACEPARENT.exec(header.trim()) : null;
  if (m && !ALL_ZERO.test(m[1]!) && !ALL_ZERO.test(m[2]!)) {
    return { traceId: m[1]!, spanId: newSpanId(), flags: m[3]! };
  }
  return { traceId: hex32(), spanId: newSpanId(), flags: '01' };
};

export const formatTraceparent = (trace: { traceId: string; flags: string }, spanId: string): string =>
  `00-${trace.traceId}-${spanId}-${trace.flags}`;
