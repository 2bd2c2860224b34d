import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { sandboxSalesforceConfig, type SalesforceConfig } from './config.js';
import { captureLogger, startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';

const GLOBEX = SEED_COMPANIES[0]!;
const TOKEN = '/services/oauth2/token';
const DATA = '/services/data/';

describe('Salesforce CRM adapter (against the sandbox over HTTP)', () => {
  let sandbox: SalesforceSandboxHandle;
  const clients: HttpClient[] = [];
  const adapter = (overrides: Partial<SalesforceConfig> = {}, deps: { clock?: { now(): number }; logger?: ReturnType<typeof captureLogger>['logger'] } = {}, on = sandbox): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: on.baseUrl });
    clients.push(http);
    return createSalesforceCrmAdapter({ ...sandboxSalesforceConfig(on.baseUrl), ...overrides }, { http, clock: deps.clock ?? systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  const ctx = () => testCallContext(systemClock);

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('getAccount', () => {
    it('when the account exists, maps every field and the primary contact into the canonical account', async () => {
      const result = await adapter().getAccount(GLOBEX.salesforceAccountId, ctx());
      expect(result).toEqual({
        ok: true,
        value: {
          id: '001Dn00000GlbxAIAR',
          name: 'Globex GmbH',
          externalId: 'cus_01HZX3GLOBEX',
          industry: 'Manufacturing',
          website: 'https://globex.example',
          billingCountry: 'Germany',
          ownerName: 'Dana Whitfield',
          primaryContact: {
            id: '003Dn00000GlbxP1AQ',
            name: 'Hanna Becker',
            title: 'Head of Procurement',
            email: 'hanna.becker@globex.example',
            phone: '+49 30 9018 2211',
          },
          // Salesforce's 2026-10-01T12:00:00.000+0000, as RFC 3339 UTC
          updatedAt: '2026-10-01T12:00:00.000Z',
        },
      });
    });

    it('when the account has no external id (not linked), leaves externalId out rather than sending null', async () => {
      const result = await adapter().getAccount('001Dn00000HooliAIA', ctx());
      expect(result.ok && result.value).toMatchObject({ id: '001Dn00000HooliAIA', name: 'Hooli Inc.', billingCountry: 'United States' });
      expect(result.ok && 'externalId' in result.value).toBe(false);
    });

    it('when given the 15-character form of the id, answers the account with its 18-character id', async () => {
      const result = await adapter().getAccount(GLOBEX.salesforceAccountId.slice(0, 15), ctx());
      expect(result.ok && result.value.id).toBe(GLOBEX.salesforceAccountId);
      expect(result.ok && result.value.primaryContact?.name).toBe('Hanna Becker');
    });

    it('when no account has the id, answers crm.account_not_found', async () => {
      const result = await adapter().getAccount('001Dn00000NopeAIAR', ctx());
      expect(result).toEqual({ ok: false, error: { code: 'crm.account_not_found', retryable: false } });
    });

    it.each([
      ['path traversal', '../001Dn00000GlbxAIAR'],
      ['encoded traversal', '%2e%2e%2f001Dn00000GlbxAIAR'],
      ['a query string riding along', '001Dn00000GlbxAIAR?fields=Id'],
      ['wrong length', '001Dn00000Glbx'],
      ['a contact id, not an account id', '003Dn00000GlbxP1AQ'],
    ])('when the id carries %s, answers crm.account_not_found without calling Salesforce', async (_, badId) => {
      const result = await adapter().getAccount(badId, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('findAccountByExternalId', () => {
    it('when one account carries the external id, answers it with its primary contact', async () => {
      const result = await adapter().findAccountByExternalId('cus_01HZX3INITECH', ctx());
      expect(result.ok && result.value).toMatchObject({
        id: '001Dn00000InitAIAR',
        name: 'Initech Ltd',
        externalId: 'cus_01HZX3INITECH',
        primaryContact: { name: 'Peter Gibbons', email: 'peter.gibbons@initech.example' },
      });
    });

    it('when no account carries it, answers crm.account_not_found', async () => {
      const result = await adapter().findAccountByExternalId('cus_01HZX3NOBODY', ctx());
      expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
    });

    it.each([["x' OR Name != '"], ["x\\' OR Name != \\'"], ['cus 01'], ['a'.repeat(65)], ['']])(
      'when the external id is %j (SOQL injection or off-pattern), answers not found without calling Salesforce',
      async (bad) => {
        const result = await adapter().findAccountByExternalId(bad, ctx());
        expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
        expect((await sandbox.stats()).total).toBe(0);
      },
    );

    it('when two accounts carry the same external id, refuses to pick one (vendor.error) and logs the ambiguity', async () => {
      const dupes = await startSalesforceSandbox({
        extraAccounts: [
          { Id: '001Dn00000DupeAIAR', Name: 'Globex (duplicate)', Industry: null, Website: null, BillingCountry: null, OwnerId: null, External_Id__c: 'cus_01HZX3GLOBEX', LastModifiedDate: '2026-10-05T12:00:00.000+0000' },
        ],
      });
      try {
        const { logger, text } = captureLogger();
        const result = await adapter({}, { logger }, dupes).findAccountByExternalId('cus_01HZX3GLOBEX', ctx());
        expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
        expect(text()).toContain('external id matches several salesforce accounts');
      } finally {
        await dupes.close();
      }
    });
  });

  describe('mapping against the contract', () => {
    it('when a Salesforce value is longer than the contract allows, answers vendor.invalid_response instead of breaking the contract', async () => {
      const odd = await startSalesforceSandbox({
        extraAccounts: [
          { Id: '001Dn00000LongAIAR', Name: 'Long Industry Ltd', Industry: 'x'.repeat(200), Website: null, BillingCountry: null, OwnerId: null, External_Id__c: null, LastModifiedDate: '2026-10-05T12:00:00.000+0000' },
        ],
      });
      try {
        const result = await adapter({}, {}, odd).getAccount('001Dn00000LongAIAR', ctx());
        expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
      } finally {
        await odd.close();
      }
    });
  });

  describe('OAuth session', () => {
    it('when many requests run, concurrently and after each other, asks for one token only', async () => {
      const crm = adapter();
      const results = await Promise.all(SEED_COMPANIES.map((c) => crm.getAccount(c.salesforceAccountId, ctx())));
      expect(results.every((r) => r.ok)).toBe(true);
      await crm.findAccountByExternalId('cus_01HZX3WAYNE', ctx());
      await crm.getAccount(GLOBEX.salesforceAccountId, ctx());
      expect(await sandbox.count(TOKEN)).toBe(1);
      expect(await sandbox.count(DATA)).toBe(SEED_COMPANIES.length * 2 + 4);
    });

    it('when Salesforce answers 401 INVALID_SESSION_ID, refreshes the session once and retries', async () => {
      const crm = adapter();
      expect((await crm.getAccount(GLOBEX.salesforceAccountId, ctx())).ok).toBe(true);
      await sandbox.expireSessions();
      // Both parallel reads of getAccount hit the stale session; still only one refresh.
      const result = await crm.getAccount(GLOBEX.salesforceAccountId, ctx());
      expect(result.ok && result.value.name).toBe('Globex GmbH');
      expect(await sandbox.count(TOKEN)).toBe(2);
    });

    it('when the fresh session is refused too, gives up after one refresh with vendor.error', async () => {
      const crm = adapter();
      await sandbox.injectFault({ fault: 'invalid-session', pathPattern: '/query', times: 2 });
      const result = await crm.findAccountByExternalId('cus_01HZX3GLOBEX', ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(await sandbox.count(TOKEN)).toBe(2);
      expect(await sandbox.count('/query')).toBe(2);
    });

    it('when the configured session lifetime has passed, asks for a new token before calling', async () => {
      const clock = createManualClock();
      const crm = adapter({ sessionTtlMs: 60_000 }, { clock });
      await crm.findAccountByExternalId('cus_01HZX3GLOBEX', testCallContext(clock));
      clock.advance(59_000);
      await crm.findAccountByExternalId('cus_01HZX3GLOBEX', testCallContext(clock));
      expect(await sandbox.count(TOKEN)).toBe(1);
      clock.advance(1_000);
      await crm.findAccountByExternalId('cus_01HZX3GLOBEX', testCallContext(clock));
      expect(await sandbox.count(TOKEN)).toBe(2);
    });

    it('when the client credentials are wrong, answers vendor.error, logs the OAuth error code but never the secret', async () => {
      const { logger, text } = captureLogger();
      const crm = adapter({ clientSecret: 'wrong-secret-canary' }, { logger });
      const result = await crm.getAccount(GLOBEX.salesforceAccountId, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(await sandbox.count(DATA)).toBe(0);
      expect(text()).toContain('"oauthError":"invalid_client"');
      expect(text()).not.toContain('wrong-secret-canary');
    });

    it('when the token names an instance_url on another host, refuses it and sends no request there or anywhere', async () => {
      const elsewhere = await startSalesforceSandbox({ publicBaseUrl: 'https://evil.example' });
      try {
        const { logger, text } = captureLogger();
        const result = await adapter({}, { logger }, elsewhere).getAccount(GLOBEX.salesforceAccountId, ctx());
        expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
        expect(await elsewhere.count(DATA)).toBe(0);
        expect(text()).toContain('instance_url is not the configured base URL');
      } finally {
        await elsewhere.close();
      }
    });

    it('sends the access token only as a Bearer header, and logs neither the token nor the contact data', async () => {
      const { logger, text } = captureLogger();
      await adapter({}, { logger }).getAccount(GLOBEX.salesforceAccountId, ctx());
      const { requests } = await sandbox.stats();
      expect(requests.filter((r) => r.path.includes(DATA)).every((r) => r.bearer)).toBe(true);
      expect(text()).not.toMatch(/00DDn00000SbxOr!/);
      expect(text()).not.toContain('hanna.becker@globex.example');
      expect(text()).toContain('"apiMax":15000'); // Sforce-Limit-Info usage is logged
    });
  });
});
