/**
 * Calendar arithmetic for billing periods and committed terms, in UTC, the way Stripe steps a
 * billing cycle: every period boundary is computed from the anchor (never from the previous
 * boundary, so nothing drifts), and an anchor on the 29th–31st falls back to the last day of shorter
 * months (Jan 31 → Feb 28/29 → Mar 31).
 */

const MS_PER_DAY = 86_400_000;

/** `anchorMs` plus `months` calendar months, day clamped to the target month's length, time of day kept. */
export const addMonths = (anchorMs: number, months: number): number => {
  const d = new Date(anchorMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return Date.UTC(targetYear, targetMonth, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
};

export type Interval = 'day' | 'week' | 'month' | 'year';

/** The boundary `n` intervals after the anchor. */
export const addIntervals = (anchorMs: number, interval: Interval, count: number, n: number): number => {
  switch (interval) {
    case 'day':
      return anchorMs + n * count * MS_PER_DAY;
    case 'week':
      return anchorMs + n * count * 7 * MS_PER_DAY;
    case 'month':
      return addMonths(anchorMs, n * count);
    case 'year':
      return addMonths(anchorMs, n * count * 12);
  }
};

/**
 * The window `[start, end)` of a cycle anchored at `anchorMs` that contains `atMs` (the first one
 * when `atMs` is before the anchor), with its index.
 */
export const cycleContaining = (anchorMs: number, atMs: number, step: (anchor: number, n: number) => number): { index: number; start: number; end: number } => {
  if (atMs < anchorMs) return { index: 0, start: anchorMs, end: step(anchorMs, 1) };
  // A first guess from the average length, then exact steps either way.
  const approx = Math.max(0, Math.floor((atMs - anchorMs) / Math.max(1, step(anchorMs, 1) - anchorMs)) - 1);
  let n = approx;
  while (n > 0 && step(anchorMs, n) > atMs) n--;
  while (step(anchorMs, n + 1) <= atMs) n++;
  return { index: n, start: step(anchorMs, n), end: step(anchorMs, n + 1) };
};

/** `YYYY-MM-DD` of an epoch-milliseconds instant, in UTC. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Start of the UTC day of `ms`. */
export const startOfUtcDay = (ms: number): number => Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;

export const DAY_MS = MS_PER_DAY;
