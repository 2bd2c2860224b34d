import { describe, expect, it } from 'vitest';
import { testCallContext } from '../../../../test/harness/call-context.js';
import { loadSapS4hanaConfig, SAP_S4HANA_LIMITS, sandboxSapS4hanaConfig } from './config.js';

const env = { SAP_BASE_URL: 'https://my300000-api.s4hana.cloud.sap/', SAP_USERNAME: 'STRATA_COMM', SAP_PASSWORD: 'canary-password-Zq9' };

describe('loadSapS4hanaConfig', () => {
  it('answers undefined without SAP_BASE_URL (sandbox mode)', () => {
    expect(loadSapS4hanaConfig({})).toBeUndefined();
    expect(loadSapS4hanaConfig({ SAP_BASE_URL: '  ' })).toBeUndefined();
  });

  it('reads the connection with SAP best-practice defaults, and Basic credentials that never print', async () => {
    const config = loadSapS4hanaConfig(env)!;
    expect(config).toMatchObject({
      baseUrl: 'https://my300000-api.s4hana.cloud.sap',
      salesArea: { salesOrganization: '1010', distributionChannel: '10', division: '00' },
      salesOrderType: 'OR',
      businessPartnerGrouping: 'BP02',
      defaultCreditSegment: '0000',
      manualPriceCondition: 'PPR0',
      creditHoldGraceDays: 30,
    });
    expect(await config.auth.authorization(testCallContext())).toEqual({ ok: true, value: `Basic ${Buffer.from('STRATA_COMM:canary-password-Zq9').toString('base64')}` });
    expect(config.auth.rejected('x')).toBe(false);
    expect(JSON.stringify(config)).not.toMatch(/canary-password|Y2FuYXJ5/);
  });

  it('takes the optional sales area, order type, segment, condition and grace period', () => {
    const config = loadSapS4hanaConfig({ ...env, SAP_SALES_ORGANIZATION: '1710', SAP_DISTRIBUTION_CHANNEL: '20', SAP_DIVISION: '01', SAP_SALES_ORDER_TYPE: 'ZOR', SAP_CREDIT_SEGMENT: '1000', SAP_PRICE_CONDITION: 'ZPR0', SAP_CREDIT_HOLD_GRACE_DAYS: '45' })!;
    expect(config).toMatchObject({ salesArea: { salesOrganization: '1710', distributionChannel: '20', division: '01' }, salesOrderType: 'ZOR', defaultCreditSegment: '1000', manualPriceCondition: 'ZPR0', creditHoldGraceDays: 45 });
  });

  it.each([
    [{ SAP_BASE_URL: 'not a url' }, /SAP_BASE_URL must be an absolute URL/],
    [{ SAP_BASE_URL: 'http://my300000-api.s4hana.cloud.sap' }, /must use https/],
    [{ SAP_BASE_URL: 'https://u:p@my300000-api.s4hana.cloud.sap' }, /must not carry/],
    [{ SAP_USERNAME: '' }, /SAP_USERNAME is required/],
    [{ SAP_USERNAME: 'a:b' }, /SAP_USERNAME must not contain/],
    [{ SAP_PASSWORD: '' }, /SAP_PASSWORD is required/],
    [{ SAP_SALES_ORGANIZATION: '10-10' }, /SAP_SALES_ORGANIZATION is not a valid SAP code/],
    [{ SAP_CREDIT_HOLD_GRACE_DAYS: 'soon' }, /SAP_CREDIT_HOLD_GRACE_DAYS/],
  ])('refuses %j, naming the key and not the value', (override, message) => {
    expect(() => loadSapS4hanaConfig({ ...env, ...override })).toThrow(message);
    try {
      loadSapS4hanaConfig({ ...env, ...override });
    } catch (e) {
      expect(String(e)).not.toContain('canary-password');
    }
  });

  it('allows http only to a loopback sandbox', () => {
    expect(loadSapS4hanaConfig({ ...env, SAP_BASE_URL: 'http://127.0.0.1:8081/sap-s4hana' })?.baseUrl).toBe('http://127.0.0.1:8081/sap-s4hana');
    expect(sandboxSapS4hanaConfig('http://127.0.0.1:8081/sap-s4hana/').baseUrl).toBe('http://127.0.0.1:8081/sap-s4hana');
  });

  it('limits the gateway to a conservative number of requests in flight (SAP publishes no limit)', () => {
    expect(SAP_S4HANA_LIMITS).toEqual({ concurrency: 8 });
  });
});
