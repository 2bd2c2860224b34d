/**
 * The identity cross-reference: one canonical customer id ↔ each system's own id
 * (`crm:salesforce:001…`, `erp:netsuite:8812`). Master data: durable, no TTL, written idempotently,
 * resolvable in both directions (DESIGN.md §3).
 */
export const XREF_DOMAINS = ['crm', 'erp', 'billing', 'support'] as const;
export type XrefDomain = (typeof XREF_DOMAINS)[number];

export interface SystemRef {
  readonly domain: XrefDomain;
  readonly vendor: string;
  readonly id: string;
}

export type LinkOutcome = 'linked' | 'already_linked' | 'conflict';

/** Lookups and links throw `AppError('dependency.unavailable')` when the store cannot be reached. */
export interface IdentityXref {
  /**
   * Links a system record to a canonical customer. Idempotent: linking the same pair again is
   * `already_linked`; a record already linked to another customer, or a customer already linked to
   * another record of that domain, is a `conflict` and changes nothing.
   */
  link(canonicalId: string, ref: SystemRef): Promise<LinkOutcome>;
  /** System record → canonical customer id. */
  canonicalIdOf(ref: SystemRef): Promise<string | undefined>;
  /** Canonical customer → its record in one domain. */
  refIn(canonicalId: string, domain: XrefDomain): Promise<SystemRef | undefined>;
}

export const formatRef = (ref: SystemRef): string => `${ref.domain}:${ref.vendor}:${ref.id}`;

export const parseRef = (text: string): SystemRef | undefined => {
  const [domain, vendor, ...rest] = text.split(':');
  const id = rest.join(':');
  if (!domain || !vendor || !id || !(XREF_DOMAINS as readonly string[]).includes(domain)) return undefined;
  return { domain: domain as XrefDomain, vendor, id };
};
