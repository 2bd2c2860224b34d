import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config/gateway-config.js';
import { SERVICENOW_LIMITS, loadServicenowConfig, sandboxServicenowConfig, servicenowLimitsFor } from './config.js';

const ENV = { SERVICENOW_BASE_URL: 'https://acme.service-now.com', SERVICENOW_CLIENT_ID: 'b3aeb583ace210011c15b24a43e25d8a', SERVICENOW_CLIENT_SECRET: 'very-secret-client-value' };

describe('loadServicenowConfig', () => {
  it('when SERVICENOW_BASE_URL is unset, answers undefined (sandbox mode)', () => {
    expect(loadServicenowConfig({})).toBeUndefined();
    expect(loadServicenowConfig({ SERVICENOW_BASE_URL: ' ' })).toBeUndefined();
  });

  it('when the client settings are complete, uses the client credentials grant and the concurrency-only budget', () => {
    expect(loadServicenowConfig({ ...ENV, SERVICENOW_BASE_URL: 'https://acme.service-now.com/' })).toEqual({
      baseUrl: 'https://acme.service-now.com',
      clientId: ENV.SERVICENOW_CLIENT_ID,
      clientSecret: ENV.SERVICENOW_CLIENT_SECRET,
      grant: { type: 'client_credentials' },
      limits: { concurrency: 4 },
      pageSize: 100,
    });
  });

  it('when a username and password are set, uses the password grant', () => {
    const config = loadServicenowConfig({ ...ENV, SERVICENOW_USERNAME: 'strata.integration', SERVICENOW_PASSWORD: 'pw with spaces' });
    expect(config?.grant).toEqual({ type: 'password', username: 'strata.integration', password: 'pw with spaces' });
  });

  it("when the integration user's rate-limit rule is given, budgets it per hour on top of the concurrency", () => {
    expect(loadServicenowConfig({ ...ENV, SERVICENOW_REQUESTS_PER_HOUR: '20000' })?.limits).toEqual({ concurrency: 4, requests: { limit: 20_000, windowSeconds: 3_600 } });
    expect(servicenowLimitsFor()).toBe(SERVICENOW_LIMITS);
  });

  it.each([
    [{ SERVICENOW_CLIENT_ID: undefined }, 'SERVICENOW_CLIENT_ID'],
    [{ SERVICENOW_CLIENT_ID: 'has space' }, 'SERVICENOW_CLIENT_ID'],
    [{ SERVICENOW_CLIENT_SECRET: '' }, 'SERVICENOW_CLIENT_SECRET'],
    [{ SERVICENOW_USERNAME: 'strata.integration' }, 'SERVICENOW_PASSWORD'],
    [{ SERVICENOW_PASSWORD: 'very-secret-password' }, 'SERVICENOW_USERNAME'],
    [{ SERVICENOW_REQUESTS_PER_HOUR: 'lots' }, 'SERVICENOW_REQUESTS_PER_HOUR'],
    [{ SERVICENOW_REQUESTS_PER_HOUR: '0' }, 'SERVICENOW_REQUESTS_PER_HOUR'],
    [{ SERVICENOW_BASE_URL: 'acme.service-now.com' }, 'SERVICENOW_BASE_URL'],
    [{ SERVICENOW_BASE_URL: 'http://acme.service-now.com' }, 'SERVICENOW_BASE_URL'],
    [{ SERVICENOW_BASE_URL: 'https://admin:pw@acme.service-now.com' }, 'SERVICENOW_BASE_URL'],
  ])('when %j, throws a ConfigError naming %s and never a secret', (override, key) => {
    const run = () => loadServicenowConfig({ ...ENV, ...override });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(key);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain(ENV.SERVICENOW_CLIENT_SECRET);
      expect((error as Error).message).not.toContain('very-secret-password');
    }
  });

  it('allows plain http only to a sandbox on loopback', () => {
    expect(loadServicenowConfig({ ...ENV, SERVICENOW_BASE_URL: 'http://127.0.0.1:8081/servicenow' })?.baseUrl).toBe('http://127.0.0.1:8081/servicenow');
  });
});

describe('sandboxServicenowConfig', () => {
  it('points at the sandbox with its credentials and the default budget', () => {
    const config = sandboxServicenowConfig('http://127.0.0.1:8081/servicenow/', { pageSize: 2 });
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:8081/servicenow', grant: { type: 'client_credentials' }, limits: SERVICENOW_LIMITS, pageSize: 2 });
  });
});
