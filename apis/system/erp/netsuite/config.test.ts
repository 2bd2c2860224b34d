import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwtAlgFor, loadNetsuiteConfig, NETSUITE_LIMITS, sandboxNetsuiteConfig } from './config.js';
import { SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxPrivateKeyPem } from './sandbox-credentials.js';

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const env = (overrides: Record<string, string | undefined> = {}) => ({
  NETSUITE_BASE_URL: 'https://1234567-sb1.suitetalk.api.netsuite.com/',
  NETSUITE_ACCOUNT_ID: '1234567_SB1',
  NETSUITE_CLIENT_ID: 'client-abc',
  NETSUITE_CERTIFICATE_ID: 'cert-xyz',
  NETSUITE_PRIVATE_KEY: rsaPem,
  ...overrides,
});

describe('loadNetsuiteConfig', () => {
  it('when NETSUITE_BASE_URL is unset, returns undefined (sandbox mode)', () => {
    expect(loadNetsuiteConfig({})).toBeUndefined();
    expect(loadNetsuiteConfig({ NETSUITE_CLIENT_ID: 'x' })).toBeUndefined();
  });

  it('when complete, returns the config with the trailing slash removed and an RSA key signing PS256', () => {
    const config = loadNetsuiteConfig(env());
    expect(config).toMatchObject({ baseUrl: 'https://1234567-sb1.suitetalk.api.netsuite.com', accountId: '1234567_SB1', clientId: 'client-abc', certificateId: 'cert-xyz' });
    expect(jwtAlgFor(config!.privateKey)).toBe('PS256');
  });

  it('when the PEM carries literal \\n sequences (env files), still reads it; an EC P-256 key signs ES256', () => {
    const config = loadNetsuiteConfig(env({ NETSUITE_PRIVATE_KEY: sandboxPrivateKeyPem().replace(/\n/g, '\\n') }));
    expect(jwtAlgFor(config!.privateKey)).toBe('ES256');
  });

  it.each(['NETSUITE_ACCOUNT_ID', 'NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY'])('when %s is missing, throws naming it', (key) => {
    expect(() => loadNetsuiteConfig(env({ [key]: undefined }))).toThrow(key);
    expect(() => loadNetsuiteConfig(env({ [key]: '  ' }))).toThrow(key);
  });

  it('when the private key is not a usable PEM, throws naming the key but not echoing its value', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n-----END PRIVATE KEY-----';
    expect(() => loadNetsuiteConfig(env({ NETSUITE_PRIVATE_KEY: secret }))).toThrow(/^NETSUITE_PRIVATE_KEY/);
    try {
      loadNetsuiteConfig(env({ NETSUITE_PRIVATE_KEY: secret }));
    } catch (error) {
      expect(String(error)).not.toContain('c2VjcmV0');
    }
  });

  it('when the base URL is plain http to a non-loopback host, or not a URL, throws', () => {
    expect(() => loadNetsuiteConfig(env({ NETSUITE_BASE_URL: 'http://1234567.suitetalk.api.netsuite.com' }))).toThrow('NETSUITE_BASE_URL');
    expect(() => loadNetsuiteConfig(env({ NETSUITE_BASE_URL: 'not a url' }))).toThrow('NETSUITE_BASE_URL');
    expect(loadNetsuiteConfig(env({ NETSUITE_BASE_URL: 'http://127.0.0.1:4010/netsuite' }))?.baseUrl).toBe('http://127.0.0.1:4010/netsuite');
  });
});

describe('NetSuite limits and subsidiary', () => {
  it('when nothing is set, the outbound budget is the default tier: 15 requests in flight, no rate', () => {
    expect(NETSUITE_LIMITS).toEqual({ concurrency: 15 });
    expect(loadNetsuiteConfig(env())?.limits).toEqual({ concurrency: 15 });
    expect(loadNetsuiteConfig(env())?.subsidiaryId).toBeUndefined();
  });

  it("when NETSUITE_CONCURRENCY_LIMIT and NETSUITE_SUBSIDIARY_ID are set, they are the account's", () => {
    expect(loadNetsuiteConfig(env({ NETSUITE_CONCURRENCY_LIMIT: '65', NETSUITE_SUBSIDIARY_ID: '3' }))).toMatchObject({ limits: { concurrency: 65 }, subsidiaryId: '3' });
  });

  it.each([
    ['NETSUITE_CONCURRENCY_LIMIT', '0'],
    ['NETSUITE_CONCURRENCY_LIMIT', 'lots'],
    ['NETSUITE_SUBSIDIARY_ID', 'Parent Co'],
  ])('when %s is %j, throws naming it', (key, value) => {
    expect(() => loadNetsuiteConfig(env({ [key]: value }))).toThrow(key);
  });
});

describe('sandboxNetsuiteConfig', () => {
  it('when asked for a sandbox URL, returns the sandbox client, certificate and deterministic key', () => {
    const a = sandboxNetsuiteConfig('http://127.0.0.1:1/netsuite/');
    const b = sandboxNetsuiteConfig('http://127.0.0.1:2/netsuite');
    expect(a).toMatchObject({ baseUrl: 'http://127.0.0.1:1/netsuite', clientId: SANDBOX_CLIENT_ID, certificateId: SANDBOX_CERTIFICATE_ID });
    expect(a.privateKey.equals(b.privateKey)).toBe(true);
  });
});
