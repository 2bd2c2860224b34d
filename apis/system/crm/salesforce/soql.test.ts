import { describe, expect, it } from 'vitest';
import { EXTERNAL_ID_PATTERN, accountSearchSoql, isAccountId, isRecordId, primaryContactsSoql, soqlLikePrefix, soqlString } from './soql.js';

describe('SOQL building', () => {
  it.each([
    ["x' OR Name != '", "'x\\' OR Name != \\''"],
    ['back\\slash', "'back\\\\slash'"],
    ['"double"', "'\\\"double\\\"'"],
    ['line\nbreak\ttab', "'line\\nbreak\\ttab'"],
  ])('escapes %j as the SOQL literal %s', (value, literal) => {
    expect(soqlString(value)).toBe(literal);
  });

  it.each([['cus_01HZX3GLOBEX', true], ['8812', true], ["x' OR '1'='1", false], ['cus 01', false], ['-leading', false], ['%27', false], ['a'.repeat(64), true], ['a'.repeat(65), false]])(
    'the external id pattern takes %j: %s',
    (value, accepted) => {
      expect(EXTERNAL_ID_PATTERN.test(value)).toBe(accepted);
    },
  );

  it.each([['001Dn00000GlbxAIAR', true], ['001Dn00000GlbxAI', false], ['001Dn00000GlbxA', true], ['003Dn00000GlbxP1AQ', false], ['001Dn00000GlbxAIA/', false], ['../001Dn00000Glbx', false]])(
    'the account id check takes %j: %s',
    (value, accepted) => {
      expect(isAccountId(value)).toBe(accepted);
    },
  );

  it.each([
    ['glob', "'glob%'"],
    ['50%', "'50\\%%'"],
    ['a_b', "'a\\_b%'"],
    ["x' OR Name LIKE '", "'x\\' OR Name LIKE \\'%'"],
    ['back\\slash', "'back\\\\slash%'"],
  ])('a name prefix %j becomes the LIKE literal %s: wildcards and quotes escaped, one trailing %', (prefix, literal) => {
    expect(soqlLikePrefix(prefix)).toBe(literal);
  });

  it('the search statement selects the account fields, filters by LIKE, orders by name and limits', () => {
    expect(accountSearchSoql('Glo', 5)).toBe(
      "SELECT Id, Name, Industry, Website, BillingCountry, Owner.Name, External_Id__c, LastModifiedDate FROM Account WHERE Name LIKE 'Glo%' ORDER BY Name ASC LIMIT 5",
    );
    expect(() => accountSearchSoql('Glo', 0)).toThrow(RangeError);
    expect(() => accountSearchSoql('Glo', 2.5)).toThrow(RangeError);
  });

  it('the primary-contacts statement quotes every id in its IN list', () => {
    expect(primaryContactsSoql(['001Dn00000GlbxAIAR', '001Dn00000WaynAIAR'])).toContain("AccountId IN ('001Dn00000GlbxAIAR', '001Dn00000WaynAIAR')");
    expect(() => primaryContactsSoql([])).toThrow(RangeError);
  });

  it.each([
    ['Contact', '003Dn00000GlbxP1AQ', true],
    ['Contact', '001Dn00000GlbxAIAR', false],
    ['Opportunity', '006Dn00000GlbxOAAR', true],
    ['Opportunity', '006Dn00000GlbxOAA', false],
    ['Opportunity', '003Dn00000GlbxP1AQ', false],
  ] as const)('the %s id check takes %j: %s', (object, id, accepted) => {
    expect(isRecordId(object, id)).toBe(accepted);
  });
});
