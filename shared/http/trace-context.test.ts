import { describe, expect, it } from 'vitest';
import { formatTraceparent, traceFrom } from './trace-context.js';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceFrom (W3C Trace Context)', () => {
  it('continues a valid traceparent with a new span of ours', () => {
    const t = traceFrom(valid);
    expect(t.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(t.spanId).not.toBe('00f067aa0ba902b7');
    expect(formatTraceparent(t, t.spanId)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  });

  it.each([
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['wrong length', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['garbage', 'hello'],
  ])('when the header has %s, starts a new trace instead of failing', (_why, header) => {
    const t = traceFrom(header);
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(t.flags).toBe('01');
  });
});
