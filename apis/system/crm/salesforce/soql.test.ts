import { describe, expect, it } from 'vitest';
import { EXTERNAL_ID_PATTERN, isAccountId, soqlString } from './soql.js';

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
});
