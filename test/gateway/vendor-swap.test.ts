import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdOf } from '../../apis/system/xref/seed-xref.js';
import { SEED_COMPANIES } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

/**
 * "Swap the vendor" through the whole gateway: the same process and experience routes, and the
 * system reads of every domain, answer the same canonical data whichever vendors serve the domains.
 */
const GLOBEX = SEED_COMPANIES[0]!;
const UMBRELLA = SEED_COMPANIES.find((c) => c.legalName.startsWith('Umbrella'))!;

const COMBINATIONS = [
  { ERP_VENDOR: 'sap-s4hana', CRM_VENDOR: 'hubspot', BILLING_VENDOR: 'chargebee', SUPPORT_VENDOR: 'servicenow' },
  { ERP_VENDOR: 'dynamics-bc', CRM_VENDOR: 'salesforce', BILLING_VENDOR: 'stripe', SUPPORT_VENDOR: 'zendesk' },
  { ERP_VENDOR: 'netsuite', CRM_VENDOR: 'hubspot', BILLING_VENDOR: 'chargebee', SUPPORT_VENDOR: 'servicenow' },
] as const;

describe.each(COMBINATIONS)('the gateway with %o', (vendors) => {
  let t: TestApp;
  const crmId = (c: typeof GLOBEX) => seededIdOf(c, vendors.CRM_VENDOR)!;
  beforeAll(async () => (t = await createTestApp({ vendors })));
  afterAll(() => t.close());

  it('runs a credit check keyed by this CRM’s account id against this ERP', async () => {
    const ok = await t.post('/process/v1/credit-checks', 'credit:check', { crmAccountId: crmId(GLOBEX), orderAmount: { amountMinor: 1_000_00, currency: 'EUR' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ decision: 'approve', erpCustomerId: seededIdOf(GLOBEX, vendors.ERP_VENDOR) });
    const hold = await t.post('/process/v1/credit-checks', 'credit:check', { crmAccountId: crmId(UMBRELLA), orderAmount: { amountMinor: 1_00, currency: 'EUR' } });
    expect(await hold.json()).toMatchObject({ decision: 'decline', reasons: [expect.objectContaining({ code: 'credit_hold' })] });
  });

  it('serves the CRM widget card from this CRM and this ERP', async () => {
    const r = await t.get(`/experience/v1/crm-widgets/accounts/${crmId(GLOBEX)}/summary`, 'accounts:read pii:read');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      name: GLOBEX.legalName,
      primaryContact: { email: GLOBEX.primaryContact.email },
      credit: { status: 'good', creditLimit: { amountMinor: GLOBEX.credit.limitMinor, currency: 'EUR' } },
      partial: false,
    });
  });

  it('reads the same company from every domain’s system API', async () => {
    const reads = [
      [`/system/v1/erp/customers/${seededIdOf(GLOBEX, vendors.ERP_VENDOR)}`, 'erp:read', { legalName: GLOBEX.legalName }],
      [`/system/v1/crm/accounts/${crmId(GLOBEX)}`, 'crm:read', { name: GLOBEX.legalName }],
      [`/system/v1/billing/customers/${seededIdOf(GLOBEX, vendors.BILLING_VENDOR)}`, 'billing:read', { name: GLOBEX.legalName }],
      [`/system/v1/support/organizations/${seededIdOf(GLOBEX, vendors.SUPPORT_VENDOR)}`, 'support:read', { name: GLOBEX.legalName, tier: GLOBEX.support.tier }],
    ] as const;
    for (const [path, scope, expected] of reads) {
      const r = await t.get(path, scope);
      expect(r.status, path).toBe(200);
      expect(await r.json()).toMatchObject(expected);
    }
  });
});
