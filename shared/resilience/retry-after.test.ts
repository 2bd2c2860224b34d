import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const now = Date.parse('2026-11-22T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => expect(parseRetryAfter('30', now)).toBe(30));
  it('reads an HTTP-date as seconds from now', () => expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30));
  it('caps a vendor asking for hours', () => expect(parseRetryAfter('86400', now, 120)).toBe(120));
  it('never answers less than one second, even for a date in the past', () => expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(1));
  it('ignores garbage and absence', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
