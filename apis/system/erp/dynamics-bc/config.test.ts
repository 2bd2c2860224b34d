import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config/gateway-config.js';
import { DYNAMICS_BC_LIMITS, loadDynamicsBcConfig, sandboxDynamicsBcConfig, tokenEndpointOf } from './config.js';

const ENV = {
  BC_BASE_URL: 'https://api.businesscentral.dynamics.com/',
  BC_TENANT_ID: 'contoso.onmicrosoft.com',
  BC_ENVIRONMENT: 'production',
  BC_COMPANY_ID: '1F0B7A52-44E3-EA11-BB43-000D3A2F0001',
  BC_CLIENT_ID: '0c5b9e1a-8d2f-4b7c-a6e3-51f4d2c9b8a0',
  BC_CLIENT_SECRET: 's3cr3t-value',
  BC_LOCAL_CURRENCY: 'EUR',
};

describe('loadDynamicsBcConfig', () => {
  it('when BC_BASE_URL is unset, answers undefined (sandbox mode)', () => {
    expect(loadDynamicsBcConfig({})).toBeUndefined();
    expect(loadDynamicsBcConfig({ BC_BASE_URL: '  ' })).toBeUndefined();
  });

  it("when complete, reads it, with Entra's token endpoint for the tenant by default", () => {
    expect(loadDynamicsBcConfig(ENV)).toEqual({
      baseUrl: 'https://api.businesscentral.dynamics.com',
      tenantId: 'contoso.onmicrosoft.com',
      environment: 'production',
      companyId: '1f0b7a52-44e3-ea11-bb43-000d3a2f0001',
      clientId: ENV.BC_CLIENT_ID,
      clientSecret: ENV.BC_CLIENT_SECRET,
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      localCurrency: 'EUR',
    });
    expect(loadDynamicsBcConfig({ ...ENV, BC_TOKEN_URL: 'https://login.example/t/oauth2/v2.0/token' })?.tokenUrl).toBe('https://login.example/t/oauth2/v2.0/token');
  });

  it.each(['BC_TENANT_ID', 'BC_ENVIRONMENT', 'BC_COMPANY_ID', 'BC_CLIENT_ID', 'BC_CLIENT_SECRET', 'BC_LOCAL_CURRENCY'])('when %s is missing, names it', (key) => {
    expect(() => loadDynamicsBcConfig({ ...ENV, [key]: '' })).toThrow(new ConfigError(`Invalid configuration: ${key} is required when BC_BASE_URL is set`));
  });

  it.each([
    ['BC_BASE_URL', 'http://api.businesscentral.dynamics.com'],
    ['BC_BASE_URL', 'https://user:pw@api.businesscentral.dynamics.com'],
    ['BC_TOKEN_URL', 'http://login.microsoftonline.com/x/oauth2/v2.0/token'],
    ['BC_TENANT_ID', '../other-tenant'],
    ['BC_TENANT_ID', 'contoso..com'],
    ['BC_ENVIRONMENT', 'prod/../x'],
    ['BC_COMPANY_ID', 'CRONUS'],
    ['BC_LOCAL_CURRENCY', 'euro'],
  ])('when %s is %s, refuses it without echoing the secret', (key, value) => {
    let error: unknown;
    try {
      loadDynamicsBcConfig({ ...ENV, [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(key);
    expect((error as Error).message).not.toContain(ENV.BC_CLIENT_SECRET);
  });

  it('allows plain http to a loopback sandbox only', () => {
    expect(loadDynamicsBcConfig({ ...ENV, BC_BASE_URL: 'http://127.0.0.1:8089/dynamics-bc' })?.baseUrl).toBe('http://127.0.0.1:8089/dynamics-bc');
  });
});

describe('token endpoint and limits', () => {
  it('when the token URL is under the base URL (the sandbox), the API client serves it; else a second client is needed', () => {
    const sandbox = sandboxDynamicsBcConfig('http://127.0.0.1:8089/dynamics-bc/');
    expect(tokenEndpointOf(sandbox)).toEqual({ sharesApiClient: true, origin: 'http://127.0.0.1:8089', path: `/${sandbox.tenantId}/oauth2/v2.0/token` });
    expect(tokenEndpointOf(loadDynamicsBcConfig(ENV)!)).toEqual({
      sharesApiClient: false,
      origin: 'https://login.microsoftonline.com',
      path: '/contoso.onmicrosoft.com/oauth2/v2.0/token',
    });
  });

  it("publishes Business Central's limits: 6,000 requests per 5 minutes, 5 at once", () => {
    expect(DYNAMICS_BC_LIMITS).toEqual({ requests: { limit: 6_000, windowSeconds: 300 }, concurrency: 5 });
  });
});
