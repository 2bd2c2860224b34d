import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import type { OutboundBudget } from '../../../../shared/resilience/outbound-budget.js';
import { fail, ok } from '../../../../shared/result.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createSalesforceCrmAdapter, type SalesforceAdapterDeps } from './adapter.js';
import { sandboxSalesforceConfig } from './config.js';
import { captureLogger, startSalesforceSandbox, testCallContext, type SalesforceSandboxHandle } from './sandbox-harness.js';
import { accountSearchSoql } from './soql.js';

// Search, contacts, opportunities and write-backs, against the sandbox over HTTP.
const [GLOBEX, INITECH, UMBRELLA, STARK] = SEED_COMPANIES as [(typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number]];
const DATA = '/services/data/';
const daysFromToday = (days: number) => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + days * 86_400_000).toISOString().slice(0, 10);

describe('Salesforce CRM adapter: search, contacts, opportunities, write-backs', () => {
  let sandbox: SalesforceSandboxHandle;
  const clients: HttpClient[] = [];
  const adapter = (deps: Partial<Pick<SalesforceAdapterDeps, 'logger' | 'budget'>> = {}, on = sandbox): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: on.baseUrl });
    clients.push(http);
    return createSalesforceCrmAdapter(sandboxSalesforceConfig(on.baseUrl), { http, clock: systemClock, ...deps });
  };
  const ctx = () => testCallContext(systemClock);
  const requests = async () => (await sandbox.stats()).requests.filter((r) => r.path.includes(DATA));

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({
      extraAccounts: [
        { Id: '001Dn00000GlAsAIAR', Name: 'globex Asia Pte. Ltd.', External_Id__c: null, LastModifiedDate: '2026-10-05T12:00:00.000+0000' },
        { Id: '001Dn00000GlAmAIAR', Name: 'Globex Americas LLC', External_Id__c: null, LastModifiedDate: '2026-10-05T12:00:00.000+0000' },
        { Id: '001Dn00000PctXAIAR', Name: '50% Off_Outlet', External_Id__c: null, LastModifiedDate: '2026-10-05T12:00:00.000+0000' },
      ],
    });
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

  describe('searchAccounts', () => {
    it('when names start with the prefix (any case), answers them by name, each as getAccount would, in two calls', async () => {
      const crm = adapter();
      const result = await crm.searchAccounts({ name: 'GLOBEX', limit: 10 }, ctx());
      expect(result.ok && result.value.map((a) => a.name)).toEqual(['Globex Americas LLC', 'globex Asia Pte. Ltd.', 'Globex GmbH']);
      expect(await sandbox.count(DATA)).toBe(2); // the accounts, then all their primary contacts at once
      const globex = await crm.getAccount(GLOBEX.salesforceAccountId, ctx());
      expect(result.ok && result.value[2]).toEqual(globex.ok && globex.value);
    });

    it('when there are more matches than the limit, answers the first ones by name', async () => {
      const result = await adapter().searchAccounts({ name: 'glo', limit: 2 }, ctx());
      expect(result.ok && result.value.map((a) => a.id)).toEqual(['001Dn00000GlAmAIAR', '001Dn00000GlAsAIAR']);
    });

    it('when nothing matches, answers an empty list after one call', async () => {
      expect(await adapter().searchAccounts({ name: 'Zorg', limit: 10 }, ctx())).toEqual({ ok: true, value: [] });
      expect(await sandbox.count(DATA)).toBe(1);
    });

    it.each([
      ['%%', []],
      ['__', []],
      ['50%', ['50% Off_Outlet']],
      ['50% Off_', ['50% Off_Outlet']],
      ["x' OR Name LIKE '", []],
    ])('when the prefix is %j, LIKE wildcards and quotes in it match only themselves', async (name, names) => {
      const result = await adapter().searchAccounts({ name, limit: 10 }, ctx());
      expect(result.ok && result.value.map((a) => a.name)).toEqual(names);
      expect((await requests())[0]!.query.q).toBe(accountSearchSoql(name, 10));
    });
  });

  describe('getContact', () => {
    it('when the contact exists, answers it in the canonical shape (by the 15-character id too)', async () => {
      const crm = adapter();
      const expected = { ok: true, value: { id: '003Dn00000InitA2AQ', name: 'Accounts Payable', title: 'Accounts Payable', email: 'ap@initech.example', phone: '+44 20 7946 0018' } };
      expect(await crm.getContact('003Dn00000InitA2AQ', ctx())).toEqual(expected);
      expect(await crm.getContact('003Dn00000InitA2', ctx())).toEqual({ ok: false, error: { code: 'crm.contact_not_found', retryable: false } });
      expect(await crm.getContact('003Dn00000InitA2AQ'.slice(0, 15), ctx())).toEqual(expected);
    });

    it('when no contact has the id, answers crm.contact_not_found', async () => {
      expect(await adapter().getContact('003Dn00000NopeP1AQ', ctx())).toEqual({ ok: false, error: { code: 'crm.contact_not_found', retryable: false } });
    });

    it.each([[GLOBEX.salesforceAccountId], ['../003Dn00000Glbx'], ["003' OR Id != '"]])('when the id is %j (not a contact id), answers not found without calling Salesforce', async (id) => {
      expect(await adapter().getContact(id, ctx())).toMatchObject({ ok: false, error: { code: 'crm.contact_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('getOpportunity', () => {
    it('when the opportunity exists, maps stage, vendor stage, amount in minor units and close date', async () => {
      const result = await adapter().getOpportunity(GLOBEX.opportunity.salesforceId, ctx());
      expect(result).toEqual({
        ok: true,
        value: {
          id: '006Dn00000GlbxOAAR',
          accountId: GLOBEX.salesforceAccountId,
          name: 'Globex — 2027 expansion',
          stage: 'negotiation',
          vendorStage: 'Negotiation/Review',
          amount: { amountMinor: 60_000_00, currency: 'EUR' },
          closeDate: daysFromToday(20),
          updatedAt: '2026-10-10T12:00:00.000Z',
        },
      });
    });

    it("when Salesforce's stage is a finer one, answers the canonical stage and keeps Salesforce's name", async () => {
      const result = await adapter().getOpportunity(UMBRELLA.opportunity.salesforceId, ctx());
      expect(result.ok && result.value).toMatchObject({ stage: 'qualification', vendorStage: 'Needs Analysis', amount: { amountMinor: 120_000_00, currency: 'EUR' } });
    });

    it('when no opportunity has the id, answers crm.opportunity_not_found; an account id is refused without a call', async () => {
      expect(await adapter().getOpportunity('006Dn00000NopeOAAR', ctx())).toMatchObject({ ok: false, error: { code: 'crm.opportunity_not_found' } });
      await sandbox.resetStats();
      expect(await adapter().getOpportunity(GLOBEX.salesforceAccountId, ctx())).toMatchObject({ ok: false, error: { code: 'crm.opportunity_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('updateOpportunity', () => {
    it('when the stage, amount and close date change, patches them (204) and answers the opportunity as Salesforce now has it', async () => {
      const crm = adapter();
      const closeDate = daysFromToday(3);
      const result = await crm.updateOpportunity(INITECH.opportunity.salesforceId, { stage: 'closed_won', amount: { amountMinor: 19_500_50, currency: 'GBP' }, closeDate }, ctx());
      expect(result.ok && result.value).toMatchObject({ stage: 'closed_won', vendorStage: 'Closed Won', amount: { amountMinor: 19_500_50, currency: 'GBP' }, closeDate });
      expect((await requests()).map((r) => `${r.method} ${r.json?.keys.join(',') ?? ''}`)).toEqual(['GET ', 'PATCH Amount,CloseDate,StageName', 'GET ']);
      // Salesforce derived the closed/won flags from the new stage.
      expect(await sandbox.readRecord('Opportunity', INITECH.opportunity.salesforceId)).toMatchObject({ IsClosed: true, IsWon: true, Probability: 100, Amount: 19500.5 });
    });

    it('when the same update is asked again, answers the same opportunity and sends no PATCH (idempotent)', async () => {
      const crm = adapter();
      const patch = { stage: 'negotiation', closeDate: daysFromToday(30) } as const;
      const first = await crm.updateOpportunity(GLOBEX.opportunity.salesforceId, patch, ctx());
      await sandbox.resetStats();
      const second = await crm.updateOpportunity(GLOBEX.opportunity.salesforceId, patch, ctx());
      expect(second).toEqual(first);
      expect((await requests()).map((r) => r.method)).toEqual(['GET']);
    });

    it("when the asked stage is the one Salesforce's finer stage already maps to, leaves the stage alone", async () => {
      const result = await adapter().updateOpportunity(UMBRELLA.opportunity.salesforceId, { stage: 'qualification' }, ctx());
      expect(result.ok && result.value).toMatchObject({ stage: 'qualification', vendorStage: 'Needs Analysis' });
      expect((await requests()).some((r) => r.method === 'PATCH')).toBe(false);
    });

    it('when the opportunity does not exist, answers crm.opportunity_not_found and patches nothing', async () => {
      expect(await adapter().updateOpportunity('006Dn00000NopeOAAR', { stage: 'closed_lost' }, ctx())).toMatchObject({ ok: false, error: { code: 'crm.opportunity_not_found' } });
      expect((await requests()).some((r) => r.method === 'PATCH')).toBe(false);
    });

    it('when Salesforce refuses the update (a currency the org has not activated), answers vendor.error and logs only the code and field', async () => {
      const { logger, text } = captureLogger();
      const result = await adapter({ logger }).updateOpportunity(STARK.opportunity.salesforceId, { amount: { amountMinor: 100_00, currency: 'CHF' } }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(text()).toContain('"errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"');
      expect(text()).toContain('"fields":["CurrencyIsoCode"]');
      expect(text()).not.toContain('bad value for restricted picklist');
    });
  });

  describe('writeBackReferences', () => {
    it("when given the other systems' ids, writes them into the account's custom fields; writing them again changes nothing", async () => {
      const crm = adapter();
      const references = { erpCustomerId: GLOBEX.netsuiteCustomerId, billingCustomerId: GLOBEX.vendorIds.stripeCustomerId, supportOrganizationId: GLOBEX.vendorIds.zendeskOrganizationId };
      expect(await crm.writeBackReferences({ kind: 'account', id: GLOBEX.salesforceAccountId }, references, ctx())).toEqual({ ok: true, value: undefined });
      const written = await sandbox.readRecord('Account', GLOBEX.salesforceAccountId);
      expect(written).toMatchObject({ ERP_Customer_Id__c: '8812', Billing_Customer_Id__c: 'cus_QGlobex0000001', Support_Organization_Id__c: '360000008812' });
      expect(await crm.writeBackReferences({ kind: 'account', id: GLOBEX.salesforceAccountId }, references, ctx())).toEqual({ ok: true, value: undefined });
      expect(await sandbox.readRecord('Account', GLOBEX.salesforceAccountId)).toMatchObject({ ERP_Customer_Id__c: '8812', Billing_Customer_Id__c: 'cus_QGlobex0000001' });
    });

    it('when given only some references, leaves the others as they were', async () => {
      const crm = adapter();
      await crm.writeBackReferences({ kind: 'account', id: INITECH.salesforceAccountId }, { erpCustomerId: '8813', billingCustomerId: 'cus_QInitech000001' }, ctx());
      await crm.writeBackReferences({ kind: 'account', id: INITECH.salesforceAccountId }, { supportOrganizationId: '360000008813' }, ctx());
      expect(await sandbox.readRecord('Account', INITECH.salesforceAccountId)).toMatchObject({ ERP_Customer_Id__c: '8813', Billing_Customer_Id__c: 'cus_QInitech000001', Support_Organization_Id__c: '360000008813' });
    });

    it('when given an order number, writes it onto the opportunity, where getOpportunity shows it', async () => {
      const crm = adapter();
      expect(await crm.writeBackReferences({ kind: 'opportunity', id: STARK.opportunity.salesforceId }, { orderNumber: 'SO-10077' }, ctx())).toEqual({ ok: true, value: undefined });
      const opportunity = await crm.getOpportunity(STARK.opportunity.salesforceId, ctx());
      expect(opportunity.ok && opportunity.value.orderNumber).toBe('SO-10077');
    });

    it('when the record does not exist, answers its not-found code; an off-pattern id gets it without a call', async () => {
      const crm = adapter();
      expect(await crm.writeBackReferences({ kind: 'account', id: '001Dn00000NopeAIAR' }, { erpCustomerId: '1' }, ctx())).toMatchObject({ ok: false, error: { code: 'crm.account_not_found' } });
      expect(await crm.writeBackReferences({ kind: 'opportunity', id: '006Dn00000NopeOAAR' }, { orderNumber: '1' }, ctx())).toMatchObject({ ok: false, error: { code: 'crm.opportunity_not_found' } });
      await sandbox.resetStats();
      expect(await crm.writeBackReferences({ kind: 'account', id: GLOBEX.opportunity.salesforceId }, { erpCustomerId: '1' }, ctx())).toMatchObject({ ok: false, error: { code: 'crm.account_not_found' } });
      expect(await crm.writeBackReferences({ kind: 'opportunity', id: '006/../001' }, { orderNumber: '1' }, ctx())).toMatchObject({ ok: false, error: { code: 'crm.opportunity_not_found' } });
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when a reference belongs on the other record, throws (a caller bug) rather than dropping it', async () => {
      const crm = adapter();
      await expect(crm.writeBackReferences({ kind: 'account', id: GLOBEX.salesforceAccountId }, { orderNumber: 'SO-1' }, ctx())).rejects.toThrow(/orderNumber/);
      await expect(crm.writeBackReferences({ kind: 'opportunity', id: GLOBEX.opportunity.salesforceId }, { erpCustomerId: '8812' }, ctx())).rejects.toThrow(/erpCustomerId/);
      expect((await sandbox.stats()).total).toBe(0);
    });
  });

  describe('outbound budget', () => {
    it('asks the budget before every Salesforce request and releases each slot', async () => {
      let acquired = 0;
      let released = 0;
      const budget: OutboundBudget = {
        acquire: async (vendor) => {
          expect(vendor).toBe('salesforce');
          acquired++;
          return ok({ release: () => void released++ });
        },
      };
      expect((await adapter({ budget }).getAccount(GLOBEX.salesforceAccountId, ctx())).ok).toBe(true);
      expect(acquired).toBe((await sandbox.stats()).total); // token + account + contact
      expect(released).toBe(acquired);
    });

    it('when the budget is spent, answers vendor.rate_limited without calling Salesforce', async () => {
      const budget: OutboundBudget = { acquire: async () => fail('vendor.rate_limited', { retryable: true, retryAfterSeconds: 7 }) };
      const result = await adapter({ budget }).getOpportunity(GLOBEX.opportunity.salesforceId, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.rate_limited', retryable: true, retryAfterSeconds: 7, vendor: 'crm' } });
      expect((await sandbox.stats()).total).toBe(0);
    });
  });
});
