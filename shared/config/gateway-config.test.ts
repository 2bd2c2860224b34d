import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig } from './gateway-config.js';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'strata-config-')), 'strata.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('loadGatewayConfig', () => {
  it('with no configuration, runs sandbox mode on the documented defaults', () => {
    const c = loadGatewayConfig({});
    expect(c).toMatchObject({ port: 8080, sandboxPort: 8081, issuerPort: 8082, rateLimit: { defaultPlan: { limit: 600, windowSeconds: 60 } } });
    expect(c.oauth).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(Object.keys(c.versions).sort()).toEqual(['experience/v1', 'process/v1', 'system/v1']);
  });

  it('parses RATE_LIMIT_DEFAULT in seconds, minutes and hours', () => {
    expect(loadGatewayConfig({ RATE_LIMIT_DEFAULT: '100/1m' }).rateLimit.defaultPlan).toEqual({ limit: 100, windowSeconds: 60 });
    expect(loadGatewayConfig({ RATE_LIMIT_DEFAULT: '5000/1h' }).rateLimit.defaultPlan).toEqual({ limit: 5000, windowSeconds: 3600 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ RATE_LIMIT_DEFAULT: 'lots' }, 'RATE_LIMIT_DEFAULT'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ OAUTH_ISSUER: 'https://idp.example' }, 'OAUTH_ISSUER, OAUTH_AUDIENCE and OAUTH_JWKS_URI'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('when %o is invalid, stops start-up naming %s', (env, key) => {
    expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env)).toThrow(key);
  });

  it('takes the external issuer only when all three OAuth keys are set', () => {
    const c = loadGatewayConfig({ OAUTH_ISSUER: 'https://idp.example/', OAUTH_AUDIENCE: 'https://api.example', OAUTH_JWKS_URI: 'https://idp.example/jwks' });
    expect(c.oauth).toEqual({ issuer: 'https://idp.example/', audience: 'https://api.example', jwksUri: 'https://idp.example/jwks' });
  });

  it('reads plans, client plans, version lifecycles and CORS origins from STRATA_CONFIG', () => {
    const c = loadGatewayConfig({
      STRATA_CONFIG: file({
        plans: { gold: '6000/60s', trial: { limit: 10, windowSeconds: 60 } },
        clients: { 'crm-integration': 'gold' },
        versions: { 'system/v1': { deprecation: '2026-12-31T23:59:59Z', sunset: '2027-06-30T23:59:59Z', link: 'https://docs.strata.dev/v1-migration' } },
        corsOrigins: ['https://crm.example'],
        vendorLimits: { zendesk: { requests: { limit: 700, windowSeconds: 60 } }, netsuite: { concurrency: 65 } },
      }),
    });
    expect(c.vendorLimits).toEqual({ zendesk: { requests: { limit: 700, windowSeconds: 60 } }, netsuite: { concurrency: 65 } });
    expect(c.rateLimit.plans).toEqual({ gold: { limit: 6000, windowSeconds: 60 }, trial: { limit: 10, windowSeconds: 60 } });
    expect(c.rateLimit.clients).toEqual({ 'crm-integration': 'gold' });
    expect(c.versions['system/v1']?.sunset).toBe('2027-06-30T23:59:59Z');
    expect(c.corsOrigins).toEqual(['https://crm.example']);
  });

  it.each([
    [{ clients: { a: 'missing' } }, 'STRATA_CONFIG.clients.a'],
    [{ versions: { 'system/v1': { deprecation: '2027-01-01T00:00:00Z', sunset: '2026-01-01T00:00:00Z' } } }, 'STRATA_CONFIG.versions.system/v1'],
    [{ plans: { gold: '6000 per minute' } }, 'STRATA_CONFIG.plans.gold'],
    [{ unknownKey: true }, 'STRATA_CONFIG'],
    [{ vendorLimits: { netsuite: { concurrency: 0 } } }, 'STRATA_CONFIG.vendorLimits.netsuite.concurrency'],
    ['{not json', 'STRATA_CONFIG'],
  ])('when the STRATA_CONFIG file is wrong (%o), names the bad key', (content, key) => {
    expect(() => loadGatewayConfig({ STRATA_CONFIG: file(content) })).toThrow(key);
  });
});
