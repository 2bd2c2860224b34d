/**
 * `Retry-After` in either form (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns whole
 * seconds, at least 1, capped so a vendor cannot park us for hours; undefined when absent or garbage.
 */
export const parseRetryAfter = (value: string | undefined, nowMs: number, capSeconds = 120): number | undefined => {
  if (!value) return undefined;
  const trimmed = value.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else {
    // HTTP-date (IMF-fixdate and the two obsolete forms) always names a weekday and GMT.
    if (!/^[A-Za-z]{3}.*GMT$/.test(trimmed)) return undefined;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - nowMs) / 1000);
  }
  return Math.min(Math.max(seconds, 1), capSeconds);
};
