import { SEED_COMPANIES, type SeedCompany } from '../../../shared/sandbox/seed-companies.js';
import type { IdentityXref, XrefDomain } from './contract.js';

/** Where each sandbox vendor keeps a seeded company's id. */
const SEED_IDS: Record<string, (c: SeedCompany) => string> = {
  netsuite: (c) => c.netsuiteCustomerId,
  'sap-s4hana': (c) => c.vendorIds.sapBusinessPartner,
  'dynamics-bc': (c) => c.vendorIds.businessCentralId,
  salesforce: (c) => c.salesforceAccountId,
  hubspot: (c) => c.vendorIds.hubspotCompanyId,
  stripe: (c) => c.vendorIds.stripeCustomerId,
  chargebee: (c) => c.vendorIds.chargebeeCustomerId,
  zendesk: (c) => c.vendorIds.zendeskOrganizationId,
  servicenow: (c) => c.vendorIds.servicenowCompanySysId,
};

/** The seeded id of a company in one sandbox vendor; undefined for a vendor without seeds. */
export const seededIdOf = (company: SeedCompany, vendor: string): string | undefined => SEED_IDS[vendor]?.(company);

/**
 * Sandbox mode: links every seeded company's records in the sandbox vendors serving each domain
 * (idempotent, safe on every start). Domains served by a real vendor are left to real onboarding.
 */
export const seedSandboxXref = async (xref: IdentityXref, sandboxVendors: Partial<Record<XrefDomain, string>> = { crm: 'salesforce', erp: 'netsuite' }): Promise<void> => {
  for (const company of SEED_COMPANIES) {
    for (const [domain, vendor] of Object.entries(sandboxVendors) as [XrefDomain, string][]) {
      const id = seededIdOf(company, vendor);
      if (id) await xref.link(company.canonicalId, { domain, vendor, id });
    }
  }
};
