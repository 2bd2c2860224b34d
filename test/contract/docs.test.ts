/**
 * The gateway serves its published contracts as the committed files (no per-request generation) and
 * a self-contained reference page that lists every operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_NAMES, listOperations, loadCommittedDocuments, readCommitted } from '../harness/published-documents.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

let t: TestApp;
beforeAll(async () => (t = await createTestApp()));
afterAll(() => t.close());

describe('GET /openapi/{file}', () => {
  it.each(DOCUMENT_NAMES)('when %s.json is asked for, answers the committed bytes as JSON, without a token', async (name) => {
    const r = await t.app.request(`/openapi/${name}.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json(;|$)/);
    expect(await r.text()).toBe(readCommitted(`${name}.json`));
  });

  it.each(['unknown.v1.json', 'system.v1.d.ts', 'docs.html', '..%2Fpackage.json', '%2E%2E%2Fpackage.json'])('when %s is asked for, answers a 404 problem', async (file) => {
    const r = await t.app.request(`/openapi/${file}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await r.json()) as { code: string; status: number };
    expect(body).toMatchObject({ code: 'http.not_found', status: 404 });
    expect(JSON.stringify(body)).not.toContain('"openapi"');
  });
});

describe('GET /docs', () => {
  const operations = listOperations(loadCommittedDocuments());

  it('when asked for, answers HTML that names every published operationId and links each document', async () => {
    const r = await t.app.request('/docs');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(operations.length).toBeGreaterThan(0);
    for (const { operation } of operations) expect(html).toContain(`operationId <code>${operation.operationId}</code>`);
    for (const name of DOCUMENT_NAMES) expect(html).toContain(`href="/openapi/${name}.json"`);
  });

  it('carries a restrictive Content-Security-Policy and no script', async () => {
    const r = await t.app.request('/docs');
    const csp = r.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.has('script-src')).toBe(false);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/\*|https?:|'unsafe-eval'/);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(await r.text()).not.toMatch(/<script|javascript:/i);
  });
});
