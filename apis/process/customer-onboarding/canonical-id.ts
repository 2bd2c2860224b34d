import { createHash } from 'node:crypto';

/**
 * The canonical customer id of a CRM account not yet in the cross-reference, derived from the
 * account itself: every execution, on any gateway process, derives the same id, so a step whose
 * vendor write succeeded before a crash finds its record again by this reference.
 */
export const canonicalIdFor = (crmRef: string): string =>
  `cus_${createHash('sha256').update(crmRef).digest('hex').slice(0, 24).toUpperCase()}`;
