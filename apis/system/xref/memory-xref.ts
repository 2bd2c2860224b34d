import { formatRef, parseRef, type IdentityXref, type SystemRef, type XrefDomain } from './contract.js';

/** One-process cross-reference, for sandbox mode without REDIS_URL and for unit tests. */
export const createMemoryXref = (): IdentityXref => {
  const byRef = new Map<string, string>();
  const byCanonical = new Map<string, Map<XrefDomain, string>>();
  return {
    async link(canonicalId, ref) {
      const key = formatRef(ref);
      const existing = byRef.get(key);
      if (existing) return existing === canonicalId ? 'already_linked' : 'conflict';
      const domains = byCanonical.get(canonicalId) ?? new Map<XrefDomain, string>();
      if (domains.has(ref.domain)) return 'conflict';
      domains.set(ref.domain, key);
      byCanonical.set(canonicalId, domains);
      byRef.set(key, canonicalId);
      return 'linked';
    },
    async canonicalIdOf(ref: SystemRef) {
      return byRef.get(formatRef(ref));
    },
    async refIn(canonicalId, domain) {
      const key = byCanonical.get(canonicalId)?.get(domain);
      return key ? parseRef(key) : undefined;
    },
  };
};
