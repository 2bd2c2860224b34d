import type { ErrorCode } from '../../../shared/errors.js';

/**
 * What a person must do when a step is refused for a reason retrying cannot fix. The text is ours:
 * vendor messages never reach a client.
 */
const REMEDIATION: Partial<Record<ErrorCode, string>> = {
  'erp.duplicate_customer': 'Several ERP customers match this tax id or legal name and country. Merge the duplicates in the ERP (or give the tax id that identifies one), then resume.',
  'erp.invalid_order': 'The ERP refused the customer data. Correct it in the CRM, then resume.',
  'billing.reference_conflict': 'The billing platform already holds a different customer under this reference. Check the billing customer carrying the canonical id, then resume.',
  'support.duplicate_organization': 'The support desk already has an organisation with this name under another reference. Rename or link the existing organisation, then resume.',
  'crm.update_rejected': 'The CRM rejected the references written back (a validation rule or a field permission). Fix the rule or permission, then resume.',
  'crm.account_not_found': 'The CRM account no longer exists. Restore it, or start a new onboarding for the account that replaced it.',
};

export const remediationFor = (code: ErrorCode, system: string): string =>
  REMEDIATION[code] ?? `The ${system} system refused this step (${code}). Correct the data it names, then resume.`;

export const conflictRemediation = (system: string, ref: string): string =>
  `The ${system} record ${ref} is already linked to another customer in the cross-reference. Decide which customer it belongs to (merge or unlink), then resume.`;
