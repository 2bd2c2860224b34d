import { describe, expect, it } from 'vitest';
import { HUBSPOT_LIMITS, HUBSPOT_LIMITS_BY_TIER, HUBSPOT_SEARCH_LIMITS, SANDBOX_HUBSPOT_ACCESS_TOKEN, loadHubspotConfig, sandboxHubspotConfig } from './config.js';

const TOKEN = 'pat-na1-11111111-2222-4333-8444-555555555555';

describe('HubSpot configuration', () => {
  it('when neither HUBSPOT_BASE_URL nor HUBSPOT_ACCESS_TOKEN is set, answers undefined (sandbox mode)', () => {
    expect(loadHubspotConfig({})).toBeUndefined();
    expect(loadHubspotConfig({ HUBSPOT_DEFAULT_CURRENCY: 'EUR' })).toBeUndefined();
  });

  it('when only the token is set, talks to https://api.hubapi.com', () => {
    expect(loadHubspotConfig({ HUBSPOT_ACCESS_TOKEN: TOKEN })).toEqual({ baseUrl: 'https://api.hubapi.com', accessToken: TOKEN, defaultCurrency: 'USD' });
  });

  it('reads a base URL (trailing slash dropped) and the portal currency', () => {
    expect(loadHubspotConfig({ HUBSPOT_BASE_URL: 'https://api.hubapi.com/', HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_DEFAULT_CURRENCY: 'EUR' })).toMatchObject({
      baseUrl: 'https://api.hubapi.com',
      defaultCurrency: 'EUR',
    });
    expect(loadHubspotConfig({ HUBSPOT_BASE_URL: 'http://127.0.0.1:8081/hubspot', HUBSPOT_ACCESS_TOKEN: TOKEN })?.baseUrl).toBe('http://127.0.0.1:8081/hubspot');
  });

  it.each([
    [{ HUBSPOT_BASE_URL: 'https://api.hubapi.com' }, /HUBSPOT_ACCESS_TOKEN is required/],
    [{ HUBSPOT_ACCESS_TOKEN: 'pat na1 with spaces' }, /HUBSPOT_ACCESS_TOKEN must be/],
    [{ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_BASE_URL: 'api.hubapi.com' }, /HUBSPOT_BASE_URL must be an absolute URL/],
    [{ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_BASE_URL: 'http://api.hubapi.com' }, /HUBSPOT_BASE_URL must use https/],
    [{ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_BASE_URL: 'https://api.hubapi.com/?hapikey=x' }, /must not carry a query/],
    [{ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_DEFAULT_CURRENCY: 'euro' }, /HUBSPOT_DEFAULT_CURRENCY/],
  ])('when incomplete or wrong, throws a ConfigError naming the key (%#)', (env, message) => {
    expect(() => loadHubspotConfig(env)).toThrow(message);
    expect(() => loadHubspotConfig(env)).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });

  it('never puts the token in an error message', () => {
    expect(() => loadHubspotConfig({ HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_BASE_URL: 'ftp://x' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(TOKEN) }));
  });

  it('the sandbox config points at the given base URL with the token the sandbox accepts', () => {
    expect(sandboxHubspotConfig('http://127.0.0.1:8081/hubspot/')).toEqual({ baseUrl: 'http://127.0.0.1:8081/hubspot', accessToken: SANDBOX_HUBSPOT_ACCESS_TOKEN, defaultCurrency: 'USD' });
  });

  it("the outbound budget is the lowest published tier's burst limit: 100 requests per 10 s; search is 5 per second", () => {
    expect(HUBSPOT_LIMITS).toEqual({ requests: { limit: 100, windowSeconds: 10 } });
    expect(HUBSPOT_LIMITS_BY_TIER.professional).toEqual({ requests: { limit: 190, windowSeconds: 10 } });
    expect(HUBSPOT_SEARCH_LIMITS).toEqual({ requests: { limit: 5, windowSeconds: 1 } });
  });
});
