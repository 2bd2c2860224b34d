import { SEED_COMPANIES } from '../../../shared/sandbox/seed-companies.js';
import type { IdentityXref } from './contract.js';

/** Sandbox mode: links every seeded company's CRM and ERP records (idempotent, safe on every start). */
export const seedSandboxXref = async (xref: IdentityXref): Promise<void> => {
  for (const company of SEED_COMPANIES) {
    await xref.link(company.canonicalId, { domain: 'crm', vendor: 'salesforce', id: company.salesforceAccountId });
    await xref.link(company.canonicalId, { domain: 'erp', vendor: 'netsuite', id: company.netsuiteCustomerId });
  }
};
