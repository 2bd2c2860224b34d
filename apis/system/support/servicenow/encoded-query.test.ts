import { describe, expect, it } from 'vitest';
import { encodedQuery, isEncodableValue } from './encoded-query.js';

describe('encodedQuery', () => {
  it('joins conditions with ^ and puts the order last', () => {
    expect(
      encodedQuery({
        where: [
          { field: 'company', op: '=', value: 'a1b2c3d4e5f60718293a4b5c6d7e8812' },
          { field: 'state', op: 'NOT IN', values: ['6', '7', '8'] },
        ],
        orderBy: { field: 'sys_created_on', descending: true },
      }),
    ).toBe('company=a1b2c3d4e5f60718293a4b5c6d7e8812^stateNOT IN6,7,8^ORDERBYDESCsys_created_on');
    expect(encodedQuery({ where: [{ field: 'u_external_ref', op: '=', value: 'cus_01HZX3GLOBEX' }], orderBy: { field: 'sys_created_on', descending: false } })).toBe(
      'u_external_ref=cus_01HZX3GLOBEX^ORDERBYsys_created_on',
    );
  });

  it.each([
    ['a ^ that would start a new condition', 'x^ORDERBYname'],
    ['an OR injection', 'x^ORu_external_ref=y'],
    ['a new query (NQ) injection', 'x^NQsys_id!=y'],
    ['a comma that splits an IN list', 'a,b'],
    ['a space', 'a b'],
    ['an operator', 'a=b'],
    ['a newline', 'a\nb'],
    ['nothing', ''],
  ])('refuses a value with %s, and never echoes it', (_what, value) => {
    expect(isEncodableValue(value)).toBe(false);
    const run = () => encodedQuery({ where: [{ field: 'u_external_ref', op: '=', value }] });
    expect(run).toThrow(RangeError);
    try {
      run();
    } catch (error) {
      if (value.length > 0) expect((error as Error).message).not.toContain(value);
    }
  });

  it('refuses bad field names and empty IN lists', () => {
    expect(() => encodedQuery({ where: [{ field: 'company.name', op: '=', value: 'x' }] })).toThrow(RangeError);
    expect(() => encodedQuery({ where: [{ field: 'Company', op: '=', value: 'x' }] })).toThrow(RangeError);
    expect(() => encodedQuery({ where: [{ field: 'state', op: 'IN', values: [] }] })).toThrow(RangeError);
    expect(() => encodedQuery({ where: [], orderBy: { field: 'x^y', descending: true } })).toThrow(RangeError);
  });

  it('accepts every reference the contract allows (letters, digits, _ and -)', () => {
    expect(isEncodableValue('kit-1a2b3c_XYZ')).toBe(true);
  });
});
