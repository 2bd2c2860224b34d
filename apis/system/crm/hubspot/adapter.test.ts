import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import type { HttpClient } from '../../../../shared/vendor-http/http-client.js';
import type { CrmPort } from '../contract.js';
import { createHubspotCrmAdapter } from './adapter.js';
import { SANDBOX_HUBSPOT_ACCESS_TOKEN, sandboxHubspotConfig, type HubspotConfig } from './config.js';
import type { Portal, PortalObject } from './sandbox-data.js';
import { captureLogger, startHubspotSandbox, testCallContext, type HubspotSandboxHandle } from './sandbox-harness.js';
import type { HubspotSandboxOptions } from './sandbox.js';

const [GLOBEX, INITECH, UMBRELLA, STARK] = SEED_COMPANIES as [(typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number], (typeof SEED_COMPANIES)[number]];
const DAY_MS = 86_400_000;
const dayFromToday = (days: number) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + days * DAY_MS).toISOString().slice(0, 10);

const company = (id: string, name: string, extra: Record<string, string | null> = {}): PortalObject => ({
  id,
  properties: { hs_object_id: id, name, createdate: '2026-01-01T00:00:00.000Z', hs_lastmodifieddate: '2026-10-05T12:00:00.000Z', ...extra },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-10-05T12:00:00.000Z',
  associations: {},
});
const addCompanies = (...companies: PortalObject[]) => (portal: Portal) => {
  for (const c of companies) portal.objects.companies.set(c.id, c);
};

describe('HubSpot CRM adapter (against the sandbox over HTTP)', () => {
  let sandbox: HubspotSandboxHandle;
  const clients: HttpClient[] = [];
  const extraSandboxes: HubspotSandboxHandle[] = [];
  const adapter = (overrides: Partial<HubspotConfig> = {}, deps: { logger?: ReturnType<typeof captureLogger>['logger'] } = {}, on = sandbox): CrmPort => {
    const http = createUndiciHttpClient({ baseUrl: on.baseUrl });
    clients.push(http);
    return createHubspotCrmAdapter({ ...sandboxHubspotConfig(on.baseUrl), ...overrides }, { http, clock: systemClock, ...(deps.logger ? { logger: deps.logger } : {}) });
  };
  /** A sandbox of its own, for tests that change the portal. */
  const own = async (options: HubspotSandboxOptions) => {
    const started = await startHubspotSandbox(options);
    extraSandboxes.push(started);
    return started;
  };
  const ctx = () => testCallContext(systemClock);

  beforeAll(async () => {
    sandbox = await startHubspotSandbox();
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    await sandbox.resetStats();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(extraSandboxes.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('getAccount', () => {
    it('when the company exists, maps it, its owner and its flagged primary contact into the canonical account', async () => {
      const result = await adapter().getAccount(GLOBEX.vendorIds.hubspotCompanyId, ctx());
      expect(result).toEqual({
        ok: true,
        value: {
          id: '5783271001',
          name: 'Globex GmbH',
          externalId: 'cus_01HZX3GLOBEX',
          industry: 'Manufacturing', // HubSpot's option value MANUFACTURING, as a label
          website: 'https://globex.example',
          billingCountry: 'Germany',
          ownerName: 'Dana Whitfield',
          primaryContact: { id: '7510000001', name: 'Hanna Becker', title: 'Head of Procurement', email: 'hanna.becker@globex.example', phone: '+49 30 9018 2211' },
          updatedAt: '2026-10-01T12:00:00.000Z',
        },
      });
    });

    it('when an older contact is not flagged, still answers the contact flagged is_primary', async () => {
      const result = await adapter().getAccount(INITECH.vendorIds.hubspotCompanyId, ctx());
      // Initech's accounts-payable contact was created first; Peter Gibbons carries the flag.
      expect(result.ok && result.value.primaryContact).toMatchObject({ id: '7510000011', name: 'Peter Gibbons' });
    });

    it('when no contact is flagged, answers the oldest associated contact; an unlinked company has no externalId', async () => {
      const result = await adapter().getAccount('5783271006', ctx());
      expect(result.ok && result.value).toMatchObject({ name: 'Hooli Inc.', primaryContact: { id: '7510000051', name: 'Gavin Belson' } });
      expect(result.ok && 'externalId' in result.value).toBe(false);
    });

    it('reads the contacts in one batch read and each owner once (cached)', async () => {
      const crm = adapter();
      await crm.getAccount(UMBRELLA.vendorIds.hubspotCompanyId, ctx());
      await crm.getAccount(UMBRELLA.vendorIds.hubspotCompanyId, ctx());
      expect(await sandbox.count('/contacts/batch/read')).toBe(2);
      const batch = (await sandbox.requests()).find((r) => r.path.endsWith('/batch/read'));
      expect((batch?.body as { inputs: unknown[] }).inputs).toHaveLength(3); // Umbrella has three contacts
      expect(await sandbox.count('/owners/')).toBe(1);
    });

    it('when no company has the id, answers crm.account_not_found', async () => {
      const result = await adapter().getAccount('5783279999', ctx());
      expect(result).toEqual({ ok: false, error: { code: 'crm.account_not_found', retryable: false } });
    });

    it.each([
      ['path traversal', '../5783271001'],
      ['encoded traversal', '%2e%2e%2f5783271001'],
      ['a query string riding along', '5783271001?properties=name'],
      ['letters', 'abc'],
      ['too many digits', '1'.repeat(21)],
      ['a Salesforce id', GLOBEX.salesforceAccountId],
    ])('when the id carries %s, answers crm.account_not_found without calling HubSpot', async (_, badId) => {
      const result = await adapter().getAccount(badId, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when a HubSpot value is longer than the contract allows, answers vendor.invalid_response instead of breaking the contract', async () => {
      const odd = await own({ customize: addCompanies(company('5783271050', 'Long Industry Ltd', { industry: 'X'.repeat(200) })) });
      const result = await adapter({}, {}, odd).getAccount('5783271050', ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
    });
  });

  describe('findAccountByExternalId', () => {
    it('when one company carries the external id, answers it with its primary contact', async () => {
      const result = await adapter().findAccountByExternalId('cus_01HZX3INITECH', ctx());
      expect(result.ok && result.value).toMatchObject({ id: '5783271002', name: 'Initech Ltd', externalId: 'cus_01HZX3INITECH', primaryContact: { name: 'Peter Gibbons' } });
      const search = (await sandbox.requests()).find((r) => r.path.endsWith('/companies/search'));
      expect(search?.body).toEqual({
        filterGroups: [{ filters: [{ propertyName: 'external_id', operator: 'EQ', value: 'cus_01HZX3INITECH' }] }],
        properties: ['external_id'],
        limit: 2,
      });
    });

    it('when no company carries it, answers crm.account_not_found', async () => {
      const result = await adapter().findAccountByExternalId('cus_01HZX3NOBODY', ctx());
      expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
    });

    it.each([['x" OR name != "'], ['cus*'], ['cus 01'], ['a'.repeat(65)], ['']])('when the external id is %j (off-pattern), answers not found without calling HubSpot', async (bad) => {
      const result = await adapter().findAccountByExternalId(bad, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('crm.account_not_found');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when two companies carry the same external id, refuses to pick one (vendor.error) and logs the ambiguity', async () => {
      const dupes = await own({ customize: addCompanies(company('5783271051', 'Globex (duplicate)', { external_id: 'cus_01HZX3GLOBEX' })) });
      const { logger, text } = captureLogger();
      const result = await adapter({}, { logger }, dupes).findAccountByExternalId('cus_01HZX3GLOBEX', ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(text()).toContain('external id matches several hubspot companies');
    });
  });

  describe('searchAccounts', () => {
    it('answers the companies whose name starts with the prefix, case-insensitively, without primary contacts', async () => {
      const result = await adapter().searchAccounts({ name: 'gLoB', limit: 10 }, ctx());
      expect(result).toEqual({
        ok: true,
        value: [
          {
            id: '5783271001', name: 'Globex GmbH', externalId: 'cus_01HZX3GLOBEX', industry: 'Manufacturing', website: 'https://globex.example',
            billingCountry: 'Germany', ownerName: 'Dana Whitfield', updatedAt: '2026-10-01T12:00:00.000Z',
          },
        ],
      });
      const search = (await sandbox.requests()).find((r) => r.path.endsWith('/companies/search'))?.body as { filterGroups: unknown; sorts: unknown };
      expect(search.filterGroups).toEqual([{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'glob*' }] }]);
      expect(search.sorts).toEqual([{ propertyName: 'name', direction: 'ASCENDING' }]);
    });

    it('keeps only names that start with the whole prefix (the token also matches later words), sorted by name, at most limit', async () => {
      const portal = await own({
        customize: addCompanies(
          company('5783271060', 'Acme Globex Partners'),
          company('5783271061', 'Globex Austria GmbH'),
          company('5783271062', 'globex benelux B.V.'),
          company('5783271063', 'Globe Trotters Ltd'),
        ),
      });
      const crm = adapter({}, {}, portal);
      const two = await crm.searchAccounts({ name: 'Globex', limit: 2 }, ctx());
      expect(two.ok && two.value.map((a) => a.name)).toEqual(['Globex Austria GmbH', 'globex benelux B.V.']);
      const all = await crm.searchAccounts({ name: 'globex ', limit: 10 }, ctx());
      expect(all.ok && all.value.map((a) => a.name)).toEqual(['Globex Austria GmbH', 'globex benelux B.V.', 'Globex GmbH']);
      const words = await crm.searchAccounts({ name: 'Globex G', limit: 10 }, ctx());
      expect(words.ok && words.value.map((a) => a.id)).toEqual(['5783271001']);
    });

    it('when the matches lie beyond the first page, follows paging.next.after (bounded)', async () => {
      // 120 companies whose second word matches sort before the one real match.
      const decoys = Array.from({ length: 120 }, (_, i) => company(String(5783272000 + i), `Alpha Zephyr ${String(i).padStart(3, '0')}`));
      const portal = await own({ customize: addCompanies(...decoys, company('5783271070', 'Zephyr Logistics SE')) });
      const result = await adapter({}, {}, portal).searchAccounts({ name: 'zeph', limit: 5 }, ctx());
      expect(result.ok && result.value.map((a) => a.name)).toEqual(['Zephyr Logistics SE']);
      const searches = (await portal.requests()).filter((r) => r.path.endsWith('/search')).map((r) => (r.body as { after?: string }).after);
      expect(searches).toEqual([undefined, '100']);
    });

    it('when the prefix has no letter or digit, answers an empty list without calling HubSpot', async () => {
      expect(await adapter().searchAccounts({ name: '--', limit: 5 }, ctx())).toEqual({ ok: true, value: [] });
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('sends only letters and digits as the token: a "*" in the input is not a wildcard', async () => {
      const result = await adapter().searchAccounts({ name: 'gl*', limit: 5 }, ctx());
      expect(result).toEqual({ ok: true, value: [] });
      const search = (await sandbox.requests()).find((r) => r.path.endsWith('/search'))?.body as { filterGroups: { filters: { value: string }[] }[] };
      expect(search.filterGroups[0]!.filters[0]!.value).toBe('gl*');
    });
  });

  describe('getContact', () => {
    it('maps a contact; one without a first name is named by its last name', async () => {
      const crm = adapter();
      expect(await crm.getContact('7510000001', ctx())).toEqual({
        ok: true,
        value: { id: '7510000001', name: 'Hanna Becker', title: 'Head of Procurement', email: 'hanna.becker@globex.example', phone: '+49 30 9018 2211' },
      });
      const ap = await crm.getContact('7510000012', ctx());
      expect(ap.ok && ap.value).toEqual({ id: '7510000012', name: 'Accounts Payable', title: 'Accounts Payable', email: 'ap@initech.example', phone: '+44 20 7946 0018' });
    });

    it('when no contact has the id, answers crm.contact_not_found; an off-pattern id is not sent', async () => {
      const crm = adapter();
      expect(await crm.getContact('7510009999', ctx())).toEqual({ ok: false, error: { code: 'crm.contact_not_found', retryable: false } });
      expect(await crm.getContact('75100/00001', ctx())).toEqual({ ok: false, error: { code: 'crm.contact_not_found', retryable: false } });
      expect((await sandbox.stats()).total).toBe(1);
    });
  });

  describe('getOpportunity', () => {
    it('maps the deal: stage through the pipeline table, decimal amount in minor units, close date, company', async () => {
      const result = await adapter().getOpportunity(GLOBEX.opportunity.hubspotDealId, ctx());
      expect(result).toEqual({
        ok: true,
        value: {
          id: '9100000001',
          accountId: '5783271001',
          name: 'Globex — 2027 expansion',
          stage: 'negotiation',
          vendorStage: 'contractsent',
          amount: { amountMinor: 60_000_00, currency: 'EUR' },
          closeDate: dayFromToday(20),
          updatedAt: '2026-10-10T12:00:00.000Z',
        },
      });
    });

    it.each(SEED_COMPANIES.map((c) => [c.legalName, c] as const))('%s: the deal has the seed stage, amount and currency', async (_, seed) => {
      const result = await adapter().getOpportunity(seed.opportunity.hubspotDealId, ctx());
      expect(result.ok && result.value).toMatchObject({
        accountId: seed.vendorIds.hubspotCompanyId,
        stage: seed.opportunity.stage,
        amount: { amountMinor: seed.opportunity.amountMinor, currency: seed.currency },
        closeDate: dayFromToday(seed.opportunity.closeInDays),
      });
    });

    it('when the deal is missing, answers crm.opportunity_not_found', async () => {
      expect(await adapter().getOpportunity('9100000099', ctx())).toEqual({ ok: false, error: { code: 'crm.opportunity_not_found', retryable: false } });
    });

    it('when the deal is in a custom pipeline (stage not in the table), answers vendor.invalid_response and says why', async () => {
      const portal = await own({
        customize: (p) => {
          p.objects.deals.get(STARK.opportunity.hubspotDealId)!.properties.dealstage = '128301234';
        },
      });
      const { logger, text } = captureLogger();
      const result = await adapter({}, { logger }, portal).getOpportunity(STARK.opportunity.hubspotDealId, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.invalid_response');
      expect(text()).toContain('deal stage is not a stage of the default pipeline');
    });
  });

  describe('updateOpportunity', () => {
    it('PATCHes stage, amount and close date as HubSpot strings and answers the deal as HubSpot now has it', async () => {
      const crm = adapter();
      const result = await crm.updateOpportunity(INITECH.opportunity.hubspotDealId, { stage: 'closed_won', amount: { amountMinor: 18_250_50, currency: 'GBP' }, closeDate: '2027-01-15' }, ctx());
      expect(result.ok && result.value).toMatchObject({ stage: 'closed_won', vendorStage: 'closedwon', amount: { amountMinor: 18_250_50, currency: 'GBP' }, closeDate: '2027-01-15', accountId: '5783271002' });
      const patch = (await sandbox.requests()).find((r) => r.method === 'PATCH');
      expect(patch?.path).toBe('/crm/v3/objects/deals/9100000002');
      expect(patch?.body).toEqual({ properties: { dealstage: 'closedwon', amount: '18250.50', closedate: '2027-01-15T00:00:00.000Z' } });
      expect(await crm.getOpportunity(INITECH.opportunity.hubspotDealId, ctx())).toEqual(result);
    });

    it('is idempotent: the same change again finds the values in place and sends no PATCH', async () => {
      const crm = adapter();
      const change = { closeDate: '2027-03-31', amount: { amountMinor: 125_000_00, currency: 'EUR' } } as const;
      const first = await crm.updateOpportunity(UMBRELLA.opportunity.hubspotDealId, change, ctx());
      const again = await crm.updateOpportunity(UMBRELLA.opportunity.hubspotDealId, change, ctx());
      expect(again.ok && again.value).toMatchObject({ closeDate: '2027-03-31', amount: { amountMinor: 125_000_00, currency: 'EUR' } });
      expect(first.ok && again.ok && again.value.updatedAt).toBe(first.ok ? first.value.updatedAt : '');
      expect(await sandbox.count('PATCH')).toBe(1);
    });

    it('when the canonical stage is already the one asked for, keeps the finer HubSpot stage (contractsent stays)', async () => {
      const result = await adapter().updateOpportunity(GLOBEX.opportunity.hubspotDealId, { stage: 'negotiation' }, ctx());
      expect(result.ok && result.value).toMatchObject({ stage: 'negotiation', vendorStage: 'contractsent' });
      expect(await sandbox.count('PATCH')).toBe(0);
    });

    it('when the currency changes, writes deal_currency_code with the amount', async () => {
      const portal = await own({});
      const result = await adapter({}, {}, portal).updateOpportunity(GLOBEX.opportunity.hubspotDealId, { amount: { amountMinor: 70_000_00, currency: 'USD' } }, ctx());
      expect(result.ok && result.value.amount).toEqual({ amountMinor: 70_000_00, currency: 'USD' });
      expect((await portal.requests()).find((r) => r.method === 'PATCH')?.body).toEqual({ properties: { amount: '70000.00', deal_currency_code: 'USD' } });
    });

    it('when HubSpot refuses a value (a currency the portal has not enabled), answers vendor.error and logs the code, not the message', async () => {
      const { logger, text } = captureLogger();
      const result = await adapter({}, { logger }).updateOpportunity(STARK.opportunity.hubspotDealId, { amount: { amountMinor: 1_000, currency: 'JPY' } }, ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(text()).toContain('"codes":["INVALID_OPTION"]');
      expect(text()).not.toContain('allowed options');
    });

    it('when the deal is missing or the id off-pattern, answers crm.opportunity_not_found and writes nothing', async () => {
      const crm = adapter();
      expect(await crm.updateOpportunity('9100000099', { stage: 'closed_lost' }, ctx())).toEqual({ ok: false, error: { code: 'crm.opportunity_not_found', retryable: false } });
      expect(await crm.updateOpportunity('91000/0001', { stage: 'closed_lost' }, ctx())).toEqual({ ok: false, error: { code: 'crm.opportunity_not_found', retryable: false } });
      expect(await sandbox.count('PATCH')).toBe(0);
    });
  });

  describe('writeBackReferences', () => {
    const readCompany = async (on: HubspotSandboxHandle, id: string, properties: string) => {
      const res = await fetch(`${on.baseUrl}/crm/v3/objects/companies/${id}?properties=${properties}`, { headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}` } });
      return ((await res.json()) as { properties: Record<string, string | null> }).properties;
    };

    it('writes the ERP, billing and support ids onto the company custom properties, once', async () => {
      const portal = await own({});
      const crm = adapter({}, {}, portal);
      const refs = { erpCustomerId: GLOBEX.netsuiteCustomerId, billingCustomerId: GLOBEX.vendorIds.stripeCustomerId, supportOrganizationId: GLOBEX.vendorIds.zendeskOrganizationId };
      expect(await crm.writeBackReferences({ kind: 'account', id: GLOBEX.vendorIds.hubspotCompanyId }, refs, ctx())).toEqual({ ok: true, value: undefined });
      expect(await crm.writeBackReferences({ kind: 'account', id: GLOBEX.vendorIds.hubspotCompanyId }, refs, ctx())).toEqual({ ok: true, value: undefined });
      expect(await portal.count('PATCH')).toBe(1);
      expect(await readCompany(portal, GLOBEX.vendorIds.hubspotCompanyId, 'erp_customer_id,billing_customer_id,support_organization_id')).toMatchObject({
        erp_customer_id: '8812',
        billing_customer_id: 'cus_QGlobex0000001',
        support_organization_id: '360000008812',
      });
    });

    it('writes only the references that changed', async () => {
      const portal = await own({});
      const crm = adapter({}, {}, portal);
      await crm.writeBackReferences({ kind: 'account', id: STARK.vendorIds.hubspotCompanyId }, { erpCustomerId: '8815' }, ctx());
      await crm.writeBackReferences({ kind: 'account', id: STARK.vendorIds.hubspotCompanyId }, { erpCustomerId: '8815', billingCustomerId: 'cus_QStark0000001' }, ctx());
      const patches = (await portal.requests()).filter((r) => r.method === 'PATCH').map((r) => r.body);
      expect(patches).toEqual([{ properties: { erp_customer_id: '8815' } }, { properties: { billing_customer_id: 'cus_QStark0000001' } }]);
    });

    it('writes the order number onto the deal, where getOpportunity then shows it', async () => {
      const portal = await own({});
      const crm = adapter({}, {}, portal);
      expect((await crm.writeBackReferences({ kind: 'opportunity', id: STARK.opportunity.hubspotDealId }, { orderNumber: 'SO-2026-00481' }, ctx())).ok).toBe(true);
      const deal = await crm.getOpportunity(STARK.opportunity.hubspotDealId, ctx());
      expect(deal.ok && deal.value.orderNumber).toBe('SO-2026-00481');
    });

    it('refuses a reference that has no place on the target (an order number on a company) without calling HubSpot', async () => {
      const result = await adapter().writeBackReferences({ kind: 'account', id: GLOBEX.vendorIds.hubspotCompanyId }, { orderNumber: 'SO-1' }, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('http.validation');
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when the portal lacks the custom property, answers vendor.error and logs PROPERTY_DOESNT_EXIST', async () => {
      const portal = await own({ customize: (p) => void delete p.definitions.companies.erp_customer_id });
      const { logger, text } = captureLogger();
      const result = await adapter({}, { logger }, portal).writeBackReferences({ kind: 'account', id: GLOBEX.vendorIds.hubspotCompanyId }, { erpCustomerId: '8812' }, ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(text()).toContain('PROPERTY_DOESNT_EXIST');
    });

    it('when the record is missing, answers the not-found code of its kind', async () => {
      const crm = adapter();
      expect(await crm.writeBackReferences({ kind: 'account', id: '5783279999' }, { erpCustomerId: '1' }, ctx())).toEqual({ ok: false, error: { code: 'crm.account_not_found', retryable: false } });
      expect(await crm.writeBackReferences({ kind: 'opportunity', id: 'x' }, { orderNumber: '1' }, ctx())).toEqual({ ok: false, error: { code: 'crm.opportunity_not_found', retryable: false } });
    });
  });

  describe('auth and rate-limit headers', () => {
    it('sends the private-app token only as a Bearer header, and logs neither the token nor contact data', async () => {
      const { logger, text } = captureLogger();
      await adapter({}, { logger }).getAccount(GLOBEX.vendorIds.hubspotCompanyId, ctx());
      const requests = await sandbox.requests();
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((r) => r.bearer)).toBe(true);
      expect(text()).not.toContain(SANDBOX_HUBSPOT_ACCESS_TOKEN);
      expect(text()).not.toContain('hanna.becker@globex.example');
      expect(text()).toContain('"remaining":'); // X-HubSpot-RateLimit-Remaining is logged
    });

    it('when the token is refused (401), answers vendor.error and logs the category', async () => {
      const { logger, text } = captureLogger();
      const result = await adapter({ accessToken: 'pat-na1-wrong-token-canary' }, { logger }).getContact('7510000001', ctx());
      expect(result).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'crm' } });
      expect(text()).toContain('"category":"INVALID_AUTHENTICATION"');
      expect(text()).not.toContain('wrong-token-canary');
    });

    it('when the token lacks a scope (403 MISSING_SCOPES), answers vendor.error and logs the category', async () => {
      const portal = await own({ scopes: ['crm.objects.companies.read'] });
      const { logger, text } = captureLogger();
      const result = await adapter({}, { logger }, portal).getContact('7510000001', ctx());
      expect(result.ok ? undefined : result.error.code).toBe('vendor.error');
      expect(text()).toContain('"category":"MISSING_SCOPES"');
    });

    it('when little of the 10-second allowance remains, warns once per interval', async () => {
      const portal = await own({ rateLimit: { max: 10 } });
      const { logger, lines } = captureLogger();
      const crm = adapter({}, { logger }, portal);
      // 3 requests (company, contacts, owner), then 2 each (the owner is cached): 9 of 10, 1 remaining
      for (let i = 0; i < 4; i++) await crm.getAccount(GLOBEX.vendorIds.hubspotCompanyId, ctx());
      const warnings = lines.map((l) => JSON.parse(l) as { msg: string; remaining?: number }).filter((l) => l.msg === 'hubspot rate limit nearly spent');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.remaining).toBeLessThanOrEqual(1);
    });
  });
});
