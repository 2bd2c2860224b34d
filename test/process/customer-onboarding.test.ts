import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNLINKED_HUBSPOT_COMPANY_ID } from '../../apis/system/crm/hubspot/sandbox-data.js';
import { UNLINKED_SALESFORCE_ACCOUNT } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, type SandboxVendor, type TestApp } from '../harness/test-app.js';

/**
 * RELIABILITY.md E9 — a multi-vendor process half done — for every vendor through its sandbox:
 * customer onboarding of a CRM account with no customer anywhere else (Hooli), with each system's
 * write refused in turn. The answer names the operation, the run record shows what was done and
 * what was not, resuming finishes it without executing a finished step again, and no system ends
 * up with two records.
 */
const COMBINATIONS = [
  { ERP_VENDOR: 'netsuite', CRM_VENDOR: 'salesforce', BILLING_VENDOR: 'stripe', SUPPORT_VENDOR: 'zendesk' },
  { ERP_VENDOR: 'sap-s4hana', CRM_VENDOR: 'hubspot', BILLING_VENDOR: 'chargebee', SUPPORT_VENDOR: 'servicenow' },
  { ERP_VENDOR: 'dynamics-bc', CRM_VENDOR: 'salesforce', BILLING_VENDOR: 'chargebee', SUPPORT_VENDOR: 'zendesk' },
] as const;
type Vendors = (typeof COMBINATIONS)[number];

const HOOLI: Record<Vendors['CRM_VENDOR'], string> = { salesforce: UNLINKED_SALESFORCE_ACCOUNT.id, hubspot: UNLINKED_HUBSPOT_COMPANY_ID };

/** The request each vendor's adapter sends for the step's write (the create, or the CRM update). */
const WRITES: Record<string, { method: 'POST' | 'PATCH'; pathPattern: string }> = {
  netsuite: { method: 'POST', pathPattern: '/record/v1/customer$' },
  'sap-s4hana': { method: 'POST', pathPattern: '/A_BusinessPartner$' },
  'dynamics-bc': { method: 'POST', pathPattern: '/customers$' },
  stripe: { method: 'POST', pathPattern: '/v1/customers$' },
  chargebee: { method: 'POST', pathPattern: '/customers$' },
  zendesk: { method: 'POST', pathPattern: '/organizations(\\.json)?$' },
  servicenow: { method: 'POST', pathPattern: '/table/core_company$' },
  salesforce: { method: 'PATCH', pathPattern: '/sobjects/Account/' },
  hubspot: { method: 'PATCH', pathPattern: '/objects/companies/' },
};

const STEPS = [
  ['erp.customer', 'ERP_VENDOR'],
  ['billing.customer', 'BILLING_VENDOR'],
  ['support.organization', 'SUPPORT_VENDOR'],
  ['crm.write-back', 'CRM_VENDOR'],
] as const;

const SCOPES = 'onboarding:write operations:read operations:write';

interface OperationBody {
  operationId: string;
  status: string;
  results: Record<string, string>;
  steps: { name: string; vendor: string; status: string; attempts: number; ref?: string; outcome?: string; error?: { code: string; retryable: boolean; vendor?: string; remediation?: string } }[];
  executions: number;
}

describe.each(COMBINATIONS)('customer onboarding with %o', (vendors) => {
  let t: TestApp;
  const hooli = HOOLI[vendors.CRM_VENDOR];
  const request = { crmAccountId: hooli, country: 'US', currency: 'USD', taxId: 'US-94-1234567', billingEmail: 'ap@hooli.example', supportTier: 'premium', emailDomains: ['hooli.example'] };
  const onboard = (body: object = request) => t.post('/process/v1/customer-onboardings', SCOPES, body);
  const writes = (vendor: string) => t.vendorRequests(vendor as SandboxVendor).then((rs) => rs.filter((r) => r.method === WRITES[vendor]!.method && new RegExp(WRITES[vendor]!.pathPattern).test(r.path)).length);

  beforeEach(async () => (t = await createTestApp({ vendors })));
  afterEach(() => t.close());

  it('onboards the account in every system, links the ids and writes them back to the CRM', async () => {
    const res = await onboard();
    expect(res.status).toBe(201);
    const op = (await res.json()) as OperationBody;
    expect(res.headers.get('location')).toBe(`/process/v1/operations/${op.operationId}`);
    expect(op).toMatchObject({ status: 'succeeded', executions: 1 });
    expect(op.steps.map((s) => [s.name, s.vendor, s.status, s.attempts])).toEqual(STEPS.map(([name, key]) => [name, vendors[key], 'succeeded', 1]));
    expect(op.steps[0]).toMatchObject({ outcome: 'created', ref: op.results.erpCustomerId });
    expect(op.results).toEqual({
      canonicalCustomerId: expect.stringMatching(/^cus_[0-9A-F]{24}$/),
      erpCustomerId: expect.any(String),
      billingCustomerId: expect.any(String),
      supportOrganizationId: expect.any(String),
    });

    // The records exist, under the account's name, and the process layer now knows the customer.
    const reads = [
      [`/system/v1/erp/customers/${op.results.erpCustomerId}`, 'erp:read', { legalName: 'Hooli Inc.', taxId: request.taxId }],
      [`/system/v1/billing/customers/${op.results.billingCustomerId}`, 'billing:read', { name: 'Hooli Inc.', externalRef: op.results.canonicalCustomerId }],
      [`/system/v1/support/organizations/${op.results.supportOrganizationId}`, 'support:read', { name: 'Hooli Inc.', tier: 'premium' }],
    ] as const;
    for (const [path, scope, expected] of reads) {
      const r = await t.get(path, `${scope} pii:read`);
      expect(r.status, path).toBe(200);
      expect(await r.json()).toMatchObject(expected);
    }
    const credit = await t.post('/process/v1/credit-checks', 'credit:check', { crmAccountId: hooli, orderAmount: { amountMinor: 1_00, currency: 'USD' } });
    expect([credit.status, ((await credit.json()) as { erpCustomerId: string }).erpCustomerId]).toEqual([200, op.results.erpCustomerId]);
    expect(await writes(vendors.CRM_VENDOR)).toBe(1);
  });

  it('onboarding the same account again matches every record instead of creating a second one', async () => {
    const first = (await (await onboard()).json()) as OperationBody;
    const again = await onboard();
    expect(again.status).toBe(201);
    const second = (await again.json()) as OperationBody;
    expect(second.operationId).not.toBe(first.operationId);
    expect(second.results).toEqual(first.results);
    expect(second.steps[0]).toMatchObject({ outcome: 'matched' });
    // Vendor-generated ids (Stripe, Zendesk, ServiceNow, the ERPs) would differ had a second record been made.
    const found = await t.get(`/system/v1/erp/customers?taxId=${request.taxId}`, 'erp:read');
    expect(((await found.json()) as unknown[]).length).toBe(1);
  });

  describe.each(STEPS)('when the %s write fails', (stepName, vendorKey) => {
    const vendor = vendors[vendorKey];
    const system = stepName.split('.')[0]!;
    const index = STEPS.findIndex(([name]) => name === stepName);

    it('answers the failure with the operation, records the half-done run, and resuming finishes it without a duplicate', async () => {
      await t.fault(vendor as SandboxVendor, { fault: 'error503', ...WRITES[vendor] });
      const res = await onboard();
      expect(res.status).toBe(502);
      const problem = (await res.json()) as { code: string; operationId: string; operation: string; failedStep: string; vendor: string };
      expect(problem).toMatchObject({ code: 'vendor.error', failedStep: stepName, vendor: system, operation: `/process/v1/operations/${problem.operationId}` });

      // No silent half-state: the record says which steps are done (with their ids) and which are not.
      const recorded = (await (await t.get(problem.operation, SCOPES)).json()) as OperationBody;
      expect(recorded.status).toBe('failed');
      expect(recorded.steps.map((s) => s.status)).toEqual(STEPS.map((_, i) => (i < index ? 'succeeded' : i === index ? 'failed' : 'pending')));
      expect(recorded.steps[index]).toMatchObject({ attempts: 1, vendor, error: { code: 'vendor.error', retryable: true, vendor: system } });
      for (const done of recorded.steps.slice(0, index)) expect(done.ref).toEqual(expect.any(String));
      const writesBefore = Object.fromEntries(await Promise.all(STEPS.map(async ([, key]) => [vendors[key], await writes(vendors[key])] as const)));

      // The vendor recovers; the operation is resumed from the failed step.
      await t.clearFaults(vendor as SandboxVendor);
      const resumed = await t.post(`${problem.operation}/resume`, SCOPES, undefined);
      expect(resumed.status).toBe(200);
      const done = (await resumed.json()) as OperationBody;
      expect(done).toMatchObject({ operationId: problem.operationId, status: 'succeeded', executions: 2 });
      expect(done.steps.map((s) => s.attempts)).toEqual(STEPS.map((_, i) => (i < index ? 1 : i === index ? 2 : 1)));

      // Finished steps were not executed again: systems before the failed one saw no further write.
      for (const [, key] of STEPS.slice(0, index)) {
        if (vendors[key] !== vendor) expect(await writes(vendors[key]), vendors[key]).toBe(writesBefore[vendors[key]]);
      }
      // And nothing was duplicated: onboarding again matches the same record everywhere.
      const again = (await (await onboard()).json()) as OperationBody;
      expect(again.results).toEqual(done.results);
    });
  });
});
