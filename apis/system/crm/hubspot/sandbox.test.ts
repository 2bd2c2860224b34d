import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { SANDBOX_HUBSPOT_ACCESS_TOKEN } from './config.js';
import { startHubspotSandbox, type HubspotSandboxHandle } from './sandbox-harness.js';
import type { HubspotSandboxOptions } from './sandbox.js';

type Json = Record<string, unknown>;

describe('HubSpot sandbox', () => {
  let sandbox: HubspotSandboxHandle;
  const call = async (on: HubspotSandboxHandle, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${on.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_ACCESS_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };
  const search = async (body: unknown, on = sandbox) => call(on, 'POST', '/crm/v3/objects/companies/search', body);
  const names = (body: Json) => (body.results as { properties: { name: string } }[]).map((r) => r.properties.name);
  const withSandbox = async (options: HubspotSandboxOptions, run: (s: HubspotSandboxHandle) => Promise<void>) => {
    const s = await startHubspotSandbox(options);
    try {
      await run(s);
    } finally {
      await s.close();
    }
  };

  beforeAll(async () => {
    sandbox = await startHubspotSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('seed data', () => {
    it.each(SEED_COMPANIES.map((c) => [c.legalName, c] as const))('%s: the company carries the canonical id, its deal and its contacts', async (_, seed) => {
      const company = await call(sandbox, 'GET', `/crm/v3/objects/companies/${seed.vendorIds.hubspotCompanyId}?properties=name,external_id&associations=contacts,deals`);
      expect(company.body).toMatchObject({ id: seed.vendorIds.hubspotCompanyId, properties: { name: seed.legalName, external_id: seed.canonicalId } });
      const associations = company.body.associations as Record<string, { results: { id: string }[] }>;
      expect(associations.deals!.results.map((a) => a.id)).toEqual([seed.opportunity.hubspotDealId]);
      expect(associations.contacts!.results.length).toBeGreaterThanOrEqual(1);
      const deal = await call(sandbox, 'GET', `/crm/v3/objects/deals/${seed.opportunity.hubspotDealId}?properties=dealname,deal_currency_code&associations=companies`);
      expect(deal.body).toMatchObject({ properties: { dealname: seed.opportunity.name, deal_currency_code: seed.currency } });
    });
  });

  describe('search', () => {
    it('EQ is case-insensitive and exact; filter groups are ORed', async () => {
      const one = await search({ filterGroups: [{ filters: [{ propertyName: 'external_id', operator: 'EQ', value: 'CUS_01HZX3WAYNE' }] }], properties: ['name'] });
      expect(names(one.body)).toEqual(['Wayne Enterprises B.V.']);
      const two = await search({
        filterGroups: [{ filters: [{ propertyName: 'external_id', operator: 'EQ', value: 'cus_01HZX3WAYNE' }] }, { filters: [{ propertyName: 'name', operator: 'EQ', value: 'initech ltd' }] }],
        sorts: [{ propertyName: 'name', direction: 'DESCENDING' }],
        properties: ['name'],
      });
      expect(names(two.body)).toEqual(['Wayne Enterprises B.V.', 'Initech Ltd']);
    });

    it('CONTAINS_TOKEN matches whole words; * completes a partial one', async () => {
      expect(names((await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'industries' }] }], properties: ['name'] })).body)).toEqual(['Stark Industries Inc.']);
      expect((await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'indus' }] }] })).body.total).toBe(0);
      expect(names((await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'ENTER*' }] }], properties: ['name'] })).body)).toEqual(['Wayne Enterprises B.V.']);
    });

    it('answers 10 results when no limit is given and refuses a window past 10 000', async () => {
      await withSandbox(
        {
          customize: (p) => {
            for (let i = 0; i < 15; i++) p.objects.companies.set(String(1000 + i), { id: String(1000 + i), properties: { name: `Bulk ${i}` }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', associations: {} });
          },
        },
        async (s) => {
          const page = await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'bulk' }] }] }, s);
          expect((page.body.results as unknown[]).length).toBe(10);
          expect(page.body).toMatchObject({ total: 15, paging: { next: { after: '10' } } });
          const far = await search({ limit: 100, after: '9950' }, s);
          expect(far).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR' } });
        },
      );
    });

    it.each([
      ['a property the portal lacks', { filterGroups: [{ filters: [{ propertyName: 'secret', operator: 'EQ', value: 'x' }] }] }],
      ['IN with values', { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'IN', values: ['a'] }] }] }],
      ['EQ without a value', { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ' }] }] }],
      ['a limit above 200', { limit: 201 }],
      ['a body that is not JSON', undefined],
    ])('refuses %s with VALIDATION_ERROR', async (_, body) => {
      const res = await search(body);
      expect(res).toMatchObject({ status: 400, body: { status: 'error', category: 'VALIDATION_ERROR' } });
    });
  });

  describe('PATCH', () => {
    it('sets string values, clears a property with "", bumps hs_lastmodifieddate, and answers the updated properties', async () => {
      const clock = createManualClock(Date.parse('2026-11-05T09:30:00Z'));
      await withSandbox({ clock }, async (s) => {
        const res = await call(s, 'PATCH', '/crm/v3/objects/deals/9100000003', { properties: { amount: '99.5', order_number: 'SO-9', closedate: '1798761600000' } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ updatedAt: '2026-11-05T09:30:00.000Z', properties: { amount: '99.5', order_number: 'SO-9', closedate: '2027-01-01T00:00:00.000Z', hs_lastmodifieddate: '2026-11-05T09:30:00.000Z' } });
        const cleared = await call(s, 'PATCH', '/crm/v3/objects/deals/9100000003', { properties: { order_number: '' } });
        expect((cleared.body.properties as Json).order_number).toBeNull();
      });
    });

    it.each([
      ['deals', { amount: 'lots' }, 'INVALID_DECIMAL'],
      ['deals', { deal_currency_code: 'CHF' }, 'INVALID_OPTION'],
      ['deals', { closedate: 'next tuesday' }, 'INVALID_DATETIME'],
      ['contacts', { is_primary: 'yes' }, 'INVALID_BOOLEAN'],
      ['companies', { hs_object_id: '1' }, 'READ_ONLY_VALUE'],
      ['companies', { favourite_colour: 'blue' }, 'PROPERTY_DOESNT_EXIST'],
    ])('%s: refuses %j with %s and changes nothing', async (type, properties, code) => {
      const id = { deals: '9100000004', contacts: '7510000031', companies: '5783271004' }[type]!;
      const before = await call(sandbox, 'GET', `/crm/v3/objects/${type}/${id}`);
      const res = await call(sandbox, 'PATCH', `/crm/v3/objects/${type}/${id}`, { properties });
      expect(res).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR', errors: [{ code }] } });
      expect((await call(sandbox, 'GET', `/crm/v3/objects/${type}/${id}`)).body).toEqual(before.body);
    });
  });

  describe('rate-limit headers and limits', () => {
    it('every response shows the limits and what remains of them', async () => {
      const clock = createManualClock(Date.parse('2026-11-05T09:30:00Z'));
      await withSandbox({ clock, rateLimit: { max: 5, intervalMs: 10_000, daily: 100 } }, async (s) => {
        const first = await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        expect(Object.fromEntries([...first.headers].filter(([k]) => k.startsWith('x-hubspot-ratelimit')))).toEqual({
          'x-hubspot-ratelimit-max': '5',
          'x-hubspot-ratelimit-remaining': '4',
          'x-hubspot-ratelimit-interval-milliseconds': '10000',
          'x-hubspot-ratelimit-daily': '100',
          'x-hubspot-ratelimit-daily-remaining': '99',
        });
        const missing = await call(s, 'GET', '/crm/v3/objects/companies/1');
        expect(missing.status).toBe(404);
        expect(missing.headers.get('x-hubspot-ratelimit-remaining')).toBe('3');
        clock.advance(10_000); // the rolling window has moved on; the day has not
        const later = await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        expect(later.headers.get('x-hubspot-ratelimit-remaining')).toBe('4');
        expect(later.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('97');
      });
    });

    it('when enforced, refuses the request past the 10-second limit with the RATE_LIMIT 429 until the window moves', async () => {
      const clock = createManualClock(Date.parse('2026-11-05T09:30:00Z'));
      await withSandbox({ clock, rateLimit: { max: 2, enforce: true } }, async (s) => {
        await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        const refused = await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        expect(refused).toMatchObject({ status: 429, body: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } });
        expect(refused.headers.get('retry-after')).toBeNull();
        clock.advance(10_000);
        expect((await call(s, 'GET', '/crm/v3/objects/companies/5783271001')).status).toBe(200);
      });
    });

    it('when the daily allowance is spent, refuses with policy DAILY', async () => {
      await withSandbox({ rateLimit: { daily: 1, enforce: true } }, async (s) => {
        await call(s, 'GET', '/crm/v3/objects/companies/5783271001');
        expect(await call(s, 'GET', '/crm/v3/objects/companies/5783271001')).toMatchObject({ status: 429, body: { policyName: 'DAILY' } });
      });
    });
  });

  describe('scopes and the control API', () => {
    it('refuses a call whose scope the token lacks with MISSING_SCOPES naming it', async () => {
      await withSandbox({ scopes: ['crm.objects.companies.read'] }, async (s) => {
        expect((await call(s, 'GET', '/crm/v3/objects/companies/5783271001')).status).toBe(200);
        const res = await call(s, 'PATCH', '/crm/v3/objects/companies/5783271001', { properties: { name: 'x' } });
        expect(res).toMatchObject({ status: 403, body: { category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['crm.objects.companies.write'] } }] } });
      });
    });

    it('the control API is neither recorded nor counted against the limits', async () => {
      await withSandbox({ rateLimit: { max: 1, enforce: true } }, async (s) => {
        await s.stats();
        await s.clearFaults();
        expect((await s.stats()).total).toBe(0);
        expect((await call(s, 'GET', '/crm/v3/objects/companies/5783271001')).status).toBe(200);
      });
    });
  });
});
