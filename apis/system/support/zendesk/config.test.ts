import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config/gateway-config.js';
import { ZENDESK_LIMITS, loadZendeskConfig, sandboxZendeskConfig, zendeskLimitsFor } from './config.js';

const ENV = { ZENDESK_BASE_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'integration@acme.example', ZENDESK_API_TOKEN: 'Zt0ken-very-secret-value' };

describe('loadZendeskConfig', () => {
  it('when ZENDESK_BASE_URL is unset, answers undefined (sandbox mode)', () => {
    expect(loadZendeskConfig({})).toBeUndefined();
    expect(loadZendeskConfig({ ZENDESK_BASE_URL: '  ' })).toBeUndefined();
  });

  it('when the settings are complete, reads them, with the Team plan limit by default', () => {
    expect(loadZendeskConfig({ ...ENV, ZENDESK_BASE_URL: 'https://acme.zendesk.com/' })).toEqual({
      baseUrl: 'https://acme.zendesk.com',
      email: 'integration@acme.example',
      apiToken: 'Zt0ken-very-secret-value',
      limits: { requests: { limit: 200, windowSeconds: 60 } },
    });
  });

  it.each([
    ['team', 200],
    ['professional', 400],
    ['Enterprise', 700],
    ['high_volume', 2500],
  ])('when ZENDESK_PLAN is %s, the budget is %i requests per minute', (plan, limit) => {
    expect(loadZendeskConfig({ ...ENV, ZENDESK_PLAN: plan })?.limits).toEqual({ requests: { limit, windowSeconds: 60 } });
  });

  it.each([
    [{ ZENDESK_EMAIL: undefined }, 'ZENDESK_EMAIL'],
    [{ ZENDESK_EMAIL: 'not-an-address' }, 'ZENDESK_EMAIL'],
    [{ ZENDESK_API_TOKEN: '' }, 'ZENDESK_API_TOKEN'],
    [{ ZENDESK_API_TOKEN: 'has a space' }, 'ZENDESK_API_TOKEN'],
    [{ ZENDESK_BASE_URL: 'acme.zendesk.com' }, 'ZENDESK_BASE_URL'],
    [{ ZENDESK_BASE_URL: 'http://acme.zendesk.com' }, 'ZENDESK_BASE_URL'],
    [{ ZENDESK_BASE_URL: 'https://user:pw@acme.zendesk.com' }, 'ZENDESK_BASE_URL'],
    [{ ZENDESK_PLAN: 'platinum' }, 'ZENDESK_PLAN'],
  ])('when %j, throws a ConfigError naming %s and never the token', (override, key) => {
    let thrown: unknown;
    try {
      loadZendeskConfig({ ...ENV, ...override });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(key);
    expect((thrown as Error).message).not.toContain(ENV.ZENDESK_API_TOKEN);
  });

  it('accepts http only for a loopback sandbox', () => {
    expect(loadZendeskConfig({ ...ENV, ZENDESK_BASE_URL: 'http://127.0.0.1:8081/zendesk' })?.baseUrl).toBe('http://127.0.0.1:8081/zendesk');
  });
});

describe('ZENDESK_LIMITS', () => {
  it('is the smallest plan (Team, 200 per minute), safe for any account', () => {
    expect(ZENDESK_LIMITS).toEqual(zendeskLimitsFor('team'));
    expect(ZENDESK_LIMITS).toEqual({ requests: { limit: 200, windowSeconds: 60 } });
  });

  it('the sandbox configuration uses the sandbox credentials and the Enterprise limit the sandbox reports', () => {
    expect(sandboxZendeskConfig('http://127.0.0.1:9/zendesk/')).toMatchObject({ baseUrl: 'http://127.0.0.1:9/zendesk', limits: { requests: { limit: 700, windowSeconds: 60 } } });
  });
});
