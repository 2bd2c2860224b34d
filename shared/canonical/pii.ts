/** Kinds of personal data a schema field can be marked with; the masking policy has one masker per kind. */
export const PII_KINDS = ['email', 'phone', 'name', 'address', 'tax_id', 'bank_account', 'date_of_birth'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/**
 * OpenAPI metadata marking a field as personal data: `z.email().openapi(pii('email'))`. The mark is
 * visible in the published spec as `x-pii`, and the masking policy derives its rules from it.
 */
export const pii = (kind: PiiKind, description?: string) => ({ 'x-pii': kind, ...(description ? { description } : {}) }) as const;
