import { describe, expect, it } from 'vitest';
import { buildSandboxOrg } from './sandbox-data.js';
import { SoqlError, parseSoql, runSoql } from './sandbox-soql.js';
import { accountByExternalIdSoql, primaryContactSoql, soqlString } from './soql.js';

const org = buildSandboxOrg();
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
      expect(query.where).toEqual([{ field: 'External_Id__c', value: evil }]);
      expect(runSoql(org, query, 'v62.0').totalSize).toBe(0);
    });
  });

  describe('refuses everything else, as Salesforce would', () => {
    it.each([
      ["SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name != 'a'", 'MALFORMED_QUERY'],
      ["SELECT Id FROM Account WHERE Name LIKE 'a%'", 'MALFORMED_QUERY'],
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
      ['SELECT Id FROM Opportunity', 'INVALID_TYPE'],
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
  });
});
