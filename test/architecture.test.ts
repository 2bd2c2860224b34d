import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Keeps the layering honest (DESIGN.md §1): calls go experience → process → system contract →
 * vendor adapter, and nothing above an adapter knows which vendor is behind it.
 */
const root = new URL('..', import.meta.url).pathname;
const VENDOR_FOLDERS = /\/(netsuite|salesforce|sap-s4hana|dynamics-bc|hubspot|stripe|chargebee|zendesk|servicenow)\//;

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });

const importsOf = (file: string): string[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

/** Import specifiers resolved to project-relative paths (packages stay as they are). */
const resolvedImports = (file: string): string[] =>
  importsOf(file).map((spec) => (spec.startsWith('.') ? relative(root, join(root, file, '..', spec)) : spec));

describe('layering', () => {
  it('experience code imports no vendor adapter, no Redis client and no system route', () => {
    for (const file of sourceFiles('apis/experience')) {
      for (const target of resolvedImports(file)) {
        expect(`${file} → ${target}`).not.toMatch(VENDOR_FOLDERS);
        expect(`${file} → ${target}`).not.toMatch(/ioredis|apis\/system\/[^/]+\/routes\//);
      }
    }
  });

  it('process code imports no vendor adapter and no experience code', () => {
    for (const file of sourceFiles('apis/process')) {
      for (const target of resolvedImports(file)) {
        expect(`${file} → ${target}`).not.toMatch(VENDOR_FOLDERS);
        expect(`${file} → ${target}`).not.toMatch(/apis\/experience\//);
      }
    }
  });

  it('contracts import neither Hono nor a vendor', () => {
    const contracts = sourceFiles('apis/system').filter((f) => f.endsWith('/contract.ts'));
    expect(contracts.length).toBeGreaterThanOrEqual(3);
    for (const file of contracts) {
      for (const target of resolvedImports(file)) {
        expect(`${file} → ${target}`).not.toMatch(/^hono(\/|$)|@hono\/node-server|undici|ioredis/);
        expect(`${file} → ${target}`).not.toMatch(VENDOR_FOLDERS);
      }
    }
  });

  it('system routes reach vendors only through their domain contract', () => {
    const routes = sourceFiles('apis/system').filter((f) => /\/routes\//.test(f));
    expect(routes.length).toBeGreaterThan(0);
    for (const file of routes) {
      for (const target of resolvedImports(file)) expect(`${file} → ${target}`).not.toMatch(VENDOR_FOLDERS);
    }
  });

  it('a vendor adapter imports no other vendor', () => {
    for (const file of sourceFiles('apis/system').filter((f) => VENDOR_FOLDERS.test('/' + f))) {
      const own = VENDOR_FOLDERS.exec('/' + file)![1];
      for (const target of resolvedImports(file)) {
        const other = VENDOR_FOLDERS.exec('/' + target)?.[1];
        if (other) expect(`${file} → ${target}`).toContain(own);
      }
    }
  });
});
