/**
 * The CRM contract's behavioural suite: every CRM adapter runs it against its own sandbox, so "swap
 * the vendor" is proven, not claimed. It speaks only the contract and the seeded companies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_COMPANIES, type SeedCompany } from '../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../test/harness/call-context.js';
import { ContactSchema, CrmAccountSchema, OpportunitySchema, type CrmPort } from './contract.js';

export interface CrmKitFixture {
  readonly port: CrmPort;
  /** The company's account id in this CRM. */
  idOf(company: SeedCompany): string;
  /** The company's primary contact id in this CRM. */
  primaryContactIdOf(company: SeedCompany): string;
  /** The company's seeded opportunity (deal) id in this CRM. */
  opportunityIdOf(company: SeedCompany): string;
  /** Well-formed ids this CRM does not have. */
  readonly unknownAccountId: string;
  readonly unknownOpportunityId: string;
  close(): Promise<void>;
}

const company = (name: string) => SEED_COMPANIES.find((c) => c.legalName.startsWith(name))!;
const GLOBEX = company('Globex');
const WAYNE = company('Wayne');
const UMBRELLA = company('Umbrella');

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

export const describeCrmContract = (vendorName: string, setup: () => Promise<CrmKitFixture>) =>
  describe(`CRM contract kit — ${vendorName}`, () => {
    let f: CrmKitFixture;
    const ctx = () => testCallContext();
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(() => f?.close());

    describe('accounts', () => {
      it('reads a seeded account with its primary contact, in the canonical shape', async () => {
        const account = value(await f.port.getAccount(f.idOf(GLOBEX), ctx()));
        expect(CrmAccountSchema.parse(account)).toEqual(account);
        const contact = GLOBEX.primaryContact;
        expect(account).toMatchObject({
          id: f.idOf(GLOBEX),
          name: GLOBEX.legalName,
          externalId: GLOBEX.canonicalId,
          primaryContact: { name: `${contact.firstName} ${contact.lastName}`, email: contact.email },
        });
      });

      it('answers crm.account_not_found for an unknown id and for an id that is not one', async () => {
        expect(code(await f.port.getAccount(f.unknownAccountId, ctx()))).toBe('crm.account_not_found');
        expect(code(await f.port.getAccount('../' + f.idOf(GLOBEX), ctx()))).toBe('crm.account_not_found');
      });

      it('finds an account by the external id other systems know it by', async () => {
        expect(value(await f.port.findAccountByExternalId(WAYNE.canonicalId, ctx())).id).toBe(f.idOf(WAYNE));
        expect(code(await f.port.findAccountByExternalId('cus_NOSUCHCUSTOMER', ctx()))).toBe('crm.account_not_found');
        expect(code(await f.port.findAccountByExternalId("x' OR Name != '", ctx()))).toBe('crm.account_not_found');
      });

      it('searches accounts by name prefix, in any case, within the limit', async () => {
        const found = value(await f.port.searchAccounts({ name: 'glob', limit: 5 }, ctx()));
        expect(found.map((a) => a.id)).toContain(f.idOf(GLOBEX));
        expect(value(await f.port.searchAccounts({ name: 'U', limit: 1 }, ctx())).length).toBeLessThanOrEqual(1);
        expect(value(await f.port.searchAccounts({ name: 'zzz-no-such', limit: 5 }, ctx()))).toEqual([]);
      });
    });

    describe('contacts and opportunities', () => {
      it('reads the primary contact', async () => {
        const contact = value(await f.port.getContact(f.primaryContactIdOf(UMBRELLA), ctx()));
        expect(ContactSchema.parse(contact)).toEqual(contact);
        expect(contact).toMatchObject({ name: `${UMBRELLA.primaryContact.firstName} ${UMBRELLA.primaryContact.lastName}`, email: UMBRELLA.primaryContact.email });
      });

      it('reads an opportunity with its canonical stage, amount and close date', async () => {
        const opportunity = value(await f.port.getOpportunity(f.opportunityIdOf(GLOBEX), ctx()));
        expect(OpportunitySchema.parse(opportunity)).toEqual(opportunity);
        expect(opportunity).toMatchObject({
          accountId: f.idOf(GLOBEX),
          name: GLOBEX.opportunity.name,
          stage: GLOBEX.opportunity.stage,
          amount: { amountMinor: GLOBEX.opportunity.amountMinor, currency: GLOBEX.currency },
        });
        expect(code(await f.port.getOpportunity(f.unknownOpportunityId, ctx()))).toBe('crm.opportunity_not_found');
      });

      it('moves an opportunity to closed won, idempotently, and the change is read back', async () => {
        const id = f.opportunityIdOf(WAYNE);
        const updated = value(await f.port.updateOpportunity(id, { stage: 'closed_won', amount: { amountMinor: 31_000_00, currency: WAYNE.currency } }, ctx()));
        expect(updated).toMatchObject({ id, stage: 'closed_won', amount: { amountMinor: 31_000_00 } });
        const again = value(await f.port.updateOpportunity(id, { stage: 'closed_won' }, ctx()));
        expect(again.stage).toBe('closed_won');
        expect(value(await f.port.getOpportunity(id, ctx())).stage).toBe('closed_won');
      });

      it('writes other systems’ ids back onto the account and the order number onto the opportunity', async () => {
        expect(await f.port.writeBackReferences({ kind: 'account', id: f.idOf(GLOBEX) }, { erpCustomerId: GLOBEX.netsuiteCustomerId, billingCustomerId: GLOBEX.vendorIds.stripeCustomerId }, ctx())).toEqual({ ok: true, value: undefined });
        expect(await f.port.writeBackReferences({ kind: 'opportunity', id: f.opportunityIdOf(GLOBEX) }, { orderNumber: 'SO-KIT-1' }, ctx())).toEqual({ ok: true, value: undefined });
        expect(value(await f.port.getOpportunity(f.opportunityIdOf(GLOBEX), ctx())).orderNumber).toBe('SO-KIT-1');
        expect(code(await f.port.writeBackReferences({ kind: 'account', id: f.unknownAccountId }, { erpCustomerId: '1' }, ctx()))).toBe('crm.account_not_found');
      });
    });
  });
