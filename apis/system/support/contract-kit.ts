/**
 * The support contract's behavioural suite: every support adapter runs it against its own sandbox,
 * so "swap the vendor" is proven, not claimed. It speaks only the contract and the seeded companies.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COMPANIES, type SeedCompany } from '../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { CaseSchema, OrganizationSchema, entitlementFor, type SupportPort } from './contract.js';

export interface SupportKitFixture {
  readonly port: SupportPort;
  /** The company's organisation id in this desk. */
  idOf(company: SeedCompany): string;
  /** Well-formed ids this desk does not have. */
  readonly unknownOrganizationId: string;
  readonly unknownCaseId: string;
  close(): Promise<void>;
}

const company = (name: string) => SEED_COMPANIES.find((c) => c.legalName.startsWith(name))!;
const GLOBEX = company('Globex');
const INITECH = company('Initech');
const STARK = company('Stark');

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const isOpen = (status: string) => status !== 'solved' && status !== 'closed';

export const describeSupportContract = (vendorName: string, setup: () => Promise<SupportKitFixture>) =>
  describe(`support contract kit — ${vendorName}`, () => {
    let f: SupportKitFixture;
    const ctx = () => testCallContext();
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(() => f?.close());

    it('reads a seeded organisation with its support tier', async () => {
      const org = value(await f.port.getOrganization(f.idOf(GLOBEX), ctx()));
      expect(OrganizationSchema.parse(org)).toEqual(org);
      expect(org).toMatchObject({ id: f.idOf(GLOBEX), name: GLOBEX.legalName, tier: GLOBEX.support.tier });
      expect(code(await f.port.getOrganization(f.unknownOrganizationId, ctx()))).toBe('support.organization_not_found');
      expect(code(await f.port.getOrganization('../' + f.idOf(GLOBEX), ctx()))).toBe('support.organization_not_found');
    });

    it('lists open cases with canonical severity, status and SLA breach, newest first', async () => {
      const open = value(await f.port.listCases(f.idOf(INITECH), { status: 'open', limit: 20 }, ctx()));
      const seeded = INITECH.support.cases.filter(([, , status]) => isOpen(status));
      expect(open.map((c) => c.subject).sort()).toEqual(seeded.map(([subject]) => subject).sort());
      for (const c of open) {
        expect(CaseSchema.parse(c)).toEqual(c);
        expect(isOpen(c.status)).toBe(true);
        const [, severity, , , breached] = seeded.find(([subject]) => subject === c.subject)!;
        expect(c).toMatchObject({ organizationId: f.idOf(INITECH), severity, slaBreached: breached });
      }
      expect([...open].sort((a, b) => b.createdAt.localeCompare(a.createdAt))).toEqual(open);
    });

    it('lists all cases including solved ones, and none for an organisation without cases', async () => {
      const all = value(await f.port.listCases(f.idOf(GLOBEX), { status: 'all', limit: 20 }, ctx()));
      expect(all).toHaveLength(GLOBEX.support.cases.length);
      expect(value(await f.port.listCases(f.idOf(STARK), { status: 'all', limit: 20 }, ctx()))).toEqual([]);
    });

    it('creates an organisation and a case once per reference, and reads the case back', async () => {
      const ref = `kit-${randomUUID().slice(0, 12)}`;
      const org = value(await f.port.createOrganization({ name: `Kit ${ref} AG`, externalRef: ref }, ctx()));
      expect(org).toMatchObject({ name: `Kit ${ref} AG`, externalRef: ref });
      expect(value(await f.port.createOrganization({ name: `Kit ${ref} AG`, externalRef: ref }, ctx())).id).toBe(org.id);

      const input = { organizationId: org.id, subject: 'Kit: cannot export', description: 'Export fails with a timeout.', severity: 'sev2' as const, externalRef: `${ref}-case` };
      const created = value(await f.port.createCase(input, ctx()));
      expect(CaseSchema.parse(created)).toEqual(created);
      expect(created).toMatchObject({ organizationId: org.id, subject: input.subject, severity: 'sev2', escalated: false, slaBreached: false });
      expect(isOpen(created.status)).toBe(true);
      expect(value(await f.port.createCase(input, ctx())).id).toBe(created.id);
      expect(value(await f.port.getCase(created.id, ctx()))).toMatchObject({ id: created.id, subject: input.subject });
      expect(code(await f.port.getCase(f.unknownCaseId, ctx()))).toBe('support.case_not_found');
    });

    it('sets the support tier, idempotently, and the organisation shows it', async () => {
      const ref = `kit-${randomUUID().slice(0, 12)}`;
      const org = value(await f.port.createOrganization({ name: `Kit ${ref} SA`, externalRef: ref }, ctx()));
      expect(value(await f.port.setEntitlement(org.id, 'premium', ctx()))).toEqual(entitlementFor(org.id, 'premium'));
      expect(value(await f.port.setEntitlement(org.id, 'premium', ctx()))).toEqual(entitlementFor(org.id, 'premium'));
      expect(value(await f.port.getOrganization(org.id, ctx())).tier).toBe('premium');
      expect(code(await f.port.setEntitlement(f.unknownOrganizationId, 'standard', ctx()))).toBe('support.organization_not_found');
    });
  });
