/**
 * The scope vocabulary of the gateway (fixed). Routes declare the scopes they need once, in their
 * `createRoute({ security: [{ oauth2: ['erp:read'] }] })`; `security: []` marks a public route.
 */
export const SCOPES = {
  'erp:read': 'Read ERP system APIs',
  'erp:write': 'Create ERP customers and sales orders',
  'crm:read': 'Read CRM system APIs',
  'crm:write': 'Update CRM opportunities and write back references',
  'billing:read': 'Read billing customers, subscriptions and invoices',
  'billing:write': 'Create billing customers and subscriptions, cancel subscriptions',
  'support:read': 'Read support organisations and cases',
  'support:write': 'Create support organisations and cases, set entitlements',
  'credit:check': 'Run process credit checks',
  'onboarding:write': 'Start customer onboarding',
  'operations:read': 'Read the status of process operations (run records)',
  'operations:write': 'Resume failed or parked process operations',
  'accounts:read': 'Read experience account views',
  'pii:read': 'Reveal PII fields unmasked',
  'ops:admin': 'Use operator routes',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as readonly Scope[];

/** The name of the security scheme routes reference in `security`. */
export const OAUTH2_SCHEME = 'oauth2';
