import type { Scope } from '../auth/scopes.js';

/** The API identifier (`aud`, RFC 8707 resource) the sandbox gateway accepts tokens for. */
export const SANDBOX_AUDIENCE = 'https://api.strata.local';

/** A client registered with the embedded issuer: it may obtain these scopes and no others. */
export interface DemoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly Scope[];
  readonly description: string;
}

/**
 * SANDBOX ONLY. The secrets are deterministic (`<client_id>-sandbox-secret`) so that anyone can get
 * a token from a freshly started sandbox (`npm run token -- crm-integration`). They are known to the
 * world: the embedded issuer only runs when no external OAUTH_ISSUER is configured, and must never be
 * exposed beyond loopback.
 */
const sandboxSecret = (clientId: string) => `${clientId}-sandbox-secret`;

const client = (clientId: string, scopes: readonly Scope[], description: string): DemoClient => ({
  clientId,
  clientSecret: sandboxSecret(clientId),
  scopes,
  description,
});

export const DEMO_CLIENTS: readonly DemoClient[] = [
  client('crm-integration', ['erp:read', 'crm:read', 'credit:check', 'onboarding:write', 'operations:read', 'operations:write', 'accounts:read'], 'The CRM calling system and process APIs (credit checks before order submission, onboarding at closed-won)'),
  client('cs-frontend', ['accounts:read', 'pii:read'], 'The customer-success front end: experience views, PII revealed'),
  client('partner', ['accounts:read'], 'A partner: experience views only, PII masked'),
  client(
    'operator',
    ['erp:read', 'erp:write', 'crm:read', 'crm:write', 'billing:read', 'billing:write', 'support:read', 'support:write', 'credit:check', 'onboarding:write', 'operations:read', 'operations:write', 'accounts:read', 'pii:read', 'ops:admin'],
    'An operator: everything, including operator routes',
  ),
];
