import { describe, expect, it } from 'vitest';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { STAGE_PICKLIST, buildSandboxOrg } from './sandbox-data.js';
import { SoqlError, parseSoql, runSoql } from './sandbox-soql.js';
import { accountByExternalIdSoql, accountSearchSoql, primaryContactSoql, primaryContactsSoql, soqlLikePrefix, soqlString } from './soql.js';
import { SALESFORCE_STAGES } from './stages.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');
const org = buildSandboxOrg([], NOW);
const run = (soql: string) => runSoql(org, parseSoql(soql), 'v62.0');
const errorCodeOf = (soql: string) => {
  try {
    parseSoql(soql);
    return undefined;
  } catch (error) {
    return error instanceof SoqlError ? error.errorCode : 'thrown something else';
  }
};

describe('sandbox SOQL subset', () => {
  describe('accepts the shapes the adapter sends', () => {
    it('when asked for an account by external id, answers it with the Owner relationship nested', () => {
      const result = run(accountByExternalIdSoql('cus_01HZX3GLOBEX'));
      expect(result.totalSize).toBe(1);
      expect(result.records[0]).toMatchObject({
        attributes: { type: 'Account', url: '/services/data/v62.0/sobjects/Account/001Dn00000GlbxAIAR' },
        Id: '001Dn00000GlbxAIAR',
        Owner: { attributes: { type: 'User' }, Name: 'Dana Whitfield' },
        External_Id__c: 'cus_01HZX3GLOBEX',
      });
    });

    it('when asked for the primary contact, answers the one flagged Is_Primary__c', () => {
      const result = run(primaryContactSoql('001Dn00000UmbrAIAR'));
      expect(result.records).toEqual([
        expect.objectContaining({ FirstName: 'Claire', LastName: 'Moreau', Title: 'Directrice financière' }),
      ]);
    });

    it('when keywords and names are in any case, and the id has 15 characters, still matches (as SOQL does)', () => {
      const result = run("select id, name from ACCOUNT where external_id__c = 'CUS_01HZX3STARK' and id = '001Dn00000StrkA' limit 5");
      expect(result.records).toEqual([{ attributes: expect.any(Object), Id: '001Dn00000StrkAIAR', Name: 'Stark Industries Inc.' }]);
    });

    it('when ORDER BY and LIMIT are given, orders and cuts', () => {
      const result = run("SELECT Id, LastName FROM Contact WHERE AccountId = '001Dn00000UmbrAIAR' ORDER BY LastName DESC LIMIT 2");
      expect(result.records.map((r) => r.LastName)).toEqual(['Nowak', 'Moreau']);
      expect(result).toMatchObject({ totalSize: 2, done: true });
    });

    it('when a string literal holds escaped quotes, it stays one literal: an injection attempt cannot widen the filter', () => {
      const evil = "x' OR Name != '";
      const query = parseSoql(`SELECT Id FROM Account WHERE External_Id__c = ${soqlString(evil)} LIMIT 2`);
      expect(query.where).toEqual([{ field: 'External_Id__c', op: '=', value: evil }]);
      expect(runSoql(org, query, 'v62.0').totalSize).toBe(0);
    });

    it('when asked to search accounts by name prefix, matches case-insensitively, orders by name and cuts at LIMIT', () => {
      expect(run(accountSearchSoql('s', 10)).records.map((r) => r.Name)).toEqual(['Stark Industries Inc.']);
      const all = run("SELECT Id, Name FROM Account WHERE Name LIKE '%' ORDER BY Name ASC LIMIT 3");
      expect(all.records.map((r) => r.Name)).toEqual(['Globex GmbH', 'Hooli Inc.', 'Initech Ltd']);
      expect(run(accountSearchSoql('INIT', 5)).records.map((r) => r.Id)).toEqual(['001Dn00000InitAIAR']);
    });

    it('when the LIKE pattern escapes % and _, they match only themselves', () => {
      const odd = buildSandboxOrg([
        { Id: '001Dn00000PctAAIAR', Name: '100% Juice_Co', External_Id__c: null },
        { Id: '001Dn00000PctBAIAR', Name: '100X JuiceXCo', External_Id__c: null },
      ]);
      const names = (soql: string) => runSoql(odd, parseSoql(soql), 'v62.0').records.map((r) => r.Name);
      expect(names(accountSearchSoql('100% Juice_', 10))).toEqual(['100% Juice_Co']);
      expect(names(`SELECT Name FROM Account WHERE Name LIKE '100_ Juice_%' ORDER BY Name`)).toEqual(['100% Juice_Co', '100X JuiceXCo']);
      expect(soqlLikePrefix("O'Brien_50%")).toBe("'O\\'Brien\\_50\\%%'");
    });

    it("when a prefix tries to break out of the LIKE literal, it stays one pattern", () => {
      const query = parseSoql(accountSearchSoql("x%' OR Name LIKE '", 10));
      expect(query.where).toHaveLength(1);
      expect(runSoql(org, query, 'v62.0').totalSize).toBe(0);
    });

    it('when asked for the primary contacts of several accounts with IN, answers one per account, oldest first', () => {
      const ids = ['001Dn00000GlbxAIAR', '001Dn00000WaynAIAR'];
      const result = run(primaryContactsSoql(ids));
      expect(result.records.map((r) => [r.AccountId, r.LastName])).toEqual([
        ['001Dn00000GlbxAIAR', 'Becker'],
        ['001Dn00000WaynAIAR', 'Fox'],
      ]);
    });

    it('when asked for opportunities, answers them with their currency and stage fields', () => {
      const result = run("SELECT Id, StageName, Amount, CurrencyIsoCode, CloseDate, IsClosed, IsWon FROM Opportunity WHERE AccountId = '001Dn00000StrkAIAR'");
      expect(result.records).toEqual([
        expect.objectContaining({ Id: '006Dn00000StrkOAAR', StageName: 'Closed Won', Amount: 250000, CurrencyIsoCode: 'USD', CloseDate: '2026-11-10', IsClosed: true, IsWon: true }),
      ]);
    });
  });

  describe('refuses everything else, as Salesforce would', () => {
    it.each([
      ["SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name != 'a'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name LIKE Name", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name = 'a\\%'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Id IN ()", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Id IN ('001Dn00000GlbxAIAR'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Id LIKE '001%'", 'INVALID_QUERY_FILTER_OPERATOR'],
      ["SELECT Id FROM Account WHERE (Name = 'a')", 'MALFORMED_QUERY'],
      ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name = 'unterminated", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name = 'bad \\q escape'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name = 'a'; DELETE", 'MALFORMED_QUERY'],
      ['SELECT Id FROM Account LIMIT 0', 'MALFORMED_QUERY'],
      ['SELECT Id FROM Account LIMIT 2 OFFSET 1', 'MALFORMED_QUERY'],
      ['SELECT Id, Id FROM Account', 'MALFORMED_QUERY'],
      ['SELECT FROM Account', 'MALFORMED_QUERY'],
      ['Id FROM Account', 'MALFORMED_QUERY'],
      ['', 'MALFORMED_QUERY'],
      ['SELECT Id FROM Lead', 'INVALID_TYPE'],
      ['SELECT Id FROM User', 'INVALID_TYPE'],
      ['SELECT Id, Secret__c FROM Account', 'INVALID_FIELD'],
      ['SELECT Id, Boss.Name FROM Account', 'INVALID_FIELD'],
      ["SELECT Id FROM Contact WHERE AccountId = '../001'", 'INVALID_QUERY_FILTER_OPERATOR'],
      ["SELECT Id FROM Contact WHERE Is_Primary__c = 'true'", 'INVALID_QUERY_FILTER_OPERATOR'],
    ])('%j → %s', (soql, code) => {
      expect(errorCodeOf(soql)).toBe(code);
    });
  });

  describe('seed data', () => {
    it('every account has 1–3 contacts, exactly one of them primary', () => {
      const accounts = org.records.Account!;
      expect(accounts).toHaveLength(6);
      for (const account of accounts) {
        const contacts = org.records.Contact!.filter((c) => c.AccountId === account.Id);
        expect(contacts.length).toBeGreaterThanOrEqual(1);
        expect(contacts.length).toBeLessThanOrEqual(3);
        expect(contacts.filter((c) => c.Is_Primary__c === true)).toHaveLength(1);
      }
      expect(new Set(org.records.Contact!.map((c) => org.records.Contact!.filter((d) => d.AccountId === c.AccountId).length))).toEqual(new Set([1, 2, 3]));
    });

    it("every seed company's opportunity is on its account, with the seed's amount, currency and close date relative to today", () => {
      for (const company of SEED_COMPANIES) {
        const o = org.records.Opportunity!.find((r) => r.Id === company.opportunity.salesforceId);
        expect(o).toMatchObject({ AccountId: company.salesforceAccountId, Name: company.opportunity.name, CurrencyIsoCode: company.currency, Amount: company.opportunity.amountMinor / 100 });
        expect(Date.parse(String(o!.CloseDate)) - Date.parse('2026-11-20')).toBe(company.opportunity.closeInDays * 86_400_000);
      }
    });

    it("the org's Stage picklist is exactly the adapter's stage table, with the same closed and won flags", () => {
      expect(STAGE_PICKLIST.map((s) => [s.value, s.probability, s.forecast, s.closed, s.won])).toEqual(
        SALESFORCE_STAGES.map((s) => [s.stageName, s.probability, s.forecastCategory, s.closed, s.won]),
      );
    });
  });
});
