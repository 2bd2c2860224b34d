import { describe, expect, it } from 'vitest';
import { loadSalesforceConfig, sandboxSalesforceConfig } from './config.js';

const complete = { SALESFORCE_BASE_URL: 'https://acme.my.salesforce.com/', SALESFORCE_CLIENT_ID: '3MVG9abc', SALESFORCE_CLIENT_SECRET: 's3cret' };

describe('Salesforce configuration', () => {
  it('when SALESFORCE_BASE_URL is unset, answers undefined (sandbox mode)', () => {
    expect(loadSalesforceConfig({})).toBeUndefined();
    expect(loadSalesforceConfig({ SALESFORCE_CLIENT_ID: 'x' })).toBeUndefined();
  });

  it('when complete, reads it with the default API version', () => {
    expect(loadSalesforceConfig(complete)).toMatchObject({ baseUrl: 'https://acme.my.salesforce.com', clientId: '3MVG9abc', clientSecret: 's3cret', apiVersion: 'v62.0' });
    expect(loadSalesforceConfig({ ...complete, SALESFORCE_API_VERSION: 'v61.0' })?.apiVersion).toBe('v61.0');
  });

  it.each([
    [{ ...complete, SALESFORCE_CLIENT_ID: '' }, /SALESFORCE_CLIENT_ID/],
    [{ ...complete, SALESFORCE_CLIENT_SECRET: undefined }, /SALESFORCE_CLIENT_SECRET/],
    [{ ...complete, SALESFORCE_API_VERSION: '62' }, /SALESFORCE_API_VERSION/],
    [{ ...complete, SALESFORCE_BASE_URL: 'acme.my.salesforce.com' }, /SALESFORCE_BASE_URL/],
    [{ ...complete, SALESFORCE_BASE_URL: 'http://acme.my.salesforce.com' }, /SALESFORCE_BASE_URL must use https/],
  ])('when incomplete or wrong, throws naming the key (%#)', (env, message) => {
    expect(() => loadSalesforceConfig(env)).toThrow(message);
  });

  it('never puts the secret in an error message', () => {
    expect(() => loadSalesforceConfig({ ...complete, SALESFORCE_API_VERSION: 'bad' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });

  it('the sandbox config points at the given base URL with the credentials the sandbox accepts', () => {
    expect(sandboxSalesforceConfig('http://127.0.0.1:8081/salesforce/')).toMatchObject({ baseUrl: 'http://127.0.0.1:8081/salesforce', apiVersion: 'v62.0' });
  });
});
