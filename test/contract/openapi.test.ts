/**
 * The published contracts (openapi/*.json) are the routes: no drift from the code, complete operations,
 * no shadow routes (RELIABILITY.md J5), and real responses that match what the documents declare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDocsPage } from '../../openapi/docs-page.js';
import { buildPublishedDocuments, renderTypes } from '../../openapi/published.js';
import { SCOPES } from '../../shared/auth/scopes.js';
import { PII_KINDS } from '../../shared/canonical/pii.js';
import { validateSchema } from '../harness/json-schema.js';
import { DOCUMENT_NAMES, listOperations, loadCommittedDocuments, operationFor, readCommitted, type PublishedDocument } from '../harness/published-documents.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

const committed = loadCommittedDocuments();
const operations = listOperations(committed);
const STALE = (file: string) => `openapi/${file} does not match the routes: run \`npm run openapi\` and commit the result`;

describe('published documents (drift)', () => {
  let built: ReturnType<typeof buildPublishedDocuments>;
  beforeAll(() => {
    built = buildPublishedDocuments();
  });
  afterAll(() => built.close());

  it.each(DOCUMENT_NAMES)('when the routes are built, %s.json equals the committed document', (name) => {
    const fresh: unknown = JSON.parse(JSON.stringify(built.documents[name]));
    expect(fresh, STALE(`${name}.json`)).toEqual(committed[name]);
  });

  it.each(DOCUMENT_NAMES)('when types are rendered, %s.d.ts equals the committed types', async (name) => {
    expect(await renderTypes(built.documents[name]!), STALE(`${name}.d.ts`)).toBe(readCommitted(`${name}.d.ts`));
  });

  it('when the reference page is rendered, docs.html equals the committed page', () => {
    expect(renderDocsPage(built.documents as Parameters<typeof renderDocsPage>[0]), STALE('docs.html')).toBe(readCommitted('docs.html'));
  });
});

const PROBLEM_REF = '#/components/schemas/Problem';
const label = (o: (typeof operations)[number]) => `${o.method} ${o.honoPath}`;

describe('every published operation', () => {
  it('exists: the three documents hold at least the README operations', () => {
    expect(operations.length).toBeGreaterThanOrEqual(7);
  });

  it('has a unique camelCase operationId', () => {
    const ids = operations.map((o) => o.operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(operations.map((o) => [label(o), o] as const))('%s has a summary, tags and a non-empty security with known scopes', (_l, o) => {
    const op = o.operation;
    expect(op.summary?.trim()).toBeTruthy();
    expect(op.tags?.length).toBeGreaterThan(0);
    expect(op.security?.length).toBeGreaterThan(0);
    for (const requirement of op.security!) {
      const entries = Object.entries(requirement);
      expect(entries.length).toBeGreaterThan(0);
      for (const [scheme, scopes] of entries) {
        const declared = o.doc.components.securitySchemes[scheme] as { flows?: { clientCredentials?: { scopes?: Record<string, string> } } } | undefined;
        expect(declared, `security scheme ${scheme}`).toBeDefined();
        expect(scopes.length, `${scheme} lists no scope`).toBeGreaterThan(0);
        for (const scope of scopes) {
          expect(Object.keys(SCOPES), `scope ${scope}`).toContain(scope);
          expect(Object.keys(declared!.flows?.clientCredentials?.scopes ?? {})).toContain(scope);
        }
      }
    }
  });

  it.each(operations.map((o) => [label(o), o] as const))('%s declares problem+json responses for 401, 403, 429, 500 and for every error status', (_l, o) => {
    const responses = o.operation.responses;
    for (const status of ['401', '403', '429', '500']) expect(Object.keys(responses), `${status} declared`).toContain(status);
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) < 400) continue;
      expect(Object.keys(response.content ?? {}), `${status} media types`).toEqual(['application/problem+json']);
      expect(response.content!['application/problem+json']!.schema, `${status} schema`).toEqual({ $ref: PROBLEM_REF });
    }
  });

  // A bare array of a named component (listInvoices) counts as named: its items are the type
  // clients see. Everything object-shaped in a 2xx body must be a component.
  it.each(operations.map((o) => [label(o), o] as const))('%s answers 2xx with a named component schema (or an array of one)', (_l, o) => {
    const ok = Object.entries(o.operation.responses).filter(([status]) => /^2\d\d$/.test(status));
    expect(ok.length).toBeGreaterThan(0);
    for (const [status, response] of ok) {
      // 204 No Content has no body to describe (RFC 9110 §15.3.5).
      if (status === '204') {
        expect(response.content, '204 declares no content').toBeUndefined();
        continue;
      }
      const schema = response.content?.['application/json']?.schema as { $ref?: string; type?: string; items?: { $ref?: string } } | undefined;
      expect(schema, `${status} application/json schema`).toBeDefined();
      const ref = schema!.type === 'array' ? schema!.items?.$ref : schema!.$ref;
      expect(ref, `${status} schema is inline, not a named component`).toMatch(/^#\/components\/schemas\/[A-Z][A-Za-z0-9]*$/);
      expect(o.doc.components.schemas[ref!.split('/').pop()!], `${ref} exists`).toBeDefined();
    }
  });
});

/** Every `[path, schema]` pair of a schema tree (properties, items, combinators). */
const walk = function* (schema: unknown, path: string): Generator<[string, Record<string, unknown>]> {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  yield [path, s];
  for (const [name, child] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) yield* walk(child, `${path}.${name}`);
  if (s.items) yield* walk(s.items, `${path}[]`);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) for (const [i, sub] of ((s[key] ?? []) as unknown[]).entries()) yield* walk(sub, `${path}.${key}${i}`);
};

describe('components', () => {
  it.each(DOCUMENT_NAMES)('%s: every component schema has a PascalCase name and Problem has the RFC 9457 members', (name) => {
    const schemas = committed[name]!.components.schemas;
    for (const component of Object.keys(schemas)) expect(component).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(schemas.Problem?.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'traceId']));
  });

  const pii = (doc: PublishedDocument, component: string, property: string) =>
    (doc.components.schemas[component]?.properties as Record<string, Record<string, unknown>> | undefined)?.[property]?.['x-pii'];

  it('marks the customer and contact personal data with x-pii', () => {
    const system = committed['system.v1']!;
    expect(pii(system, 'ErpCustomer', 'email')).toBe('email');
    expect(pii(system, 'ErpCustomer', 'phone')).toBe('phone');
    expect(pii(system, 'ErpCustomer', 'taxId')).toBe('tax_id');
    expect(pii(system, 'PostalAddress', 'line1')).toBe('address');
    expect(pii(system, 'PostalAddress', 'postalCode')).toBe('address');
    expect(pii(system, 'CrmAccount', 'ownerName')).toBe('name');
    for (const doc of [system, committed['experience.v1']!]) {
      expect(pii(doc, 'Contact', 'name')).toBe('name');
      expect(pii(doc, 'Contact', 'email')).toBe('email');
      expect(pii(doc, 'Contact', 'phone')).toBe('phone');
    }
  });

  it.each(DOCUMENT_NAMES)('%s: every field that looks personal carries a known x-pii kind', (name) => {
    const looksPersonal = /^(e-?mail|phone|mobile|fax|taxId|vatId|iban|bankAccount|dateOfBirth|birthDate|line[12]|street|postalCode|firstName|lastName|ownerName)$/i;
    for (const [component, schema] of Object.entries(committed[name]!.components.schemas)) {
      for (const [path, node] of walk(schema, component)) {
        if (node['x-pii'] !== undefined) expect(PII_KINDS, path).toContain(node['x-pii']);
        const field = path.split('.').pop()!;
        if (looksPersonal.test(field)) expect(node['x-pii'], `${path} has no x-pii`).toBeDefined();
      }
    }
  });
});

describe('registered routes equal published operations (J5: no shadow routes)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const INFRASTRUCTURE = new Set(['GET /health', 'GET /ready', 'GET /openapi/:file', 'GET /docs']);

  it('when the real app is built, its METHOD /path set is exactly the documents\' operations', () => {
    const registered = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    for (const route of INFRASTRUCTURE) expect(registered).toContain(route);
    const apiRoutes = [...registered].filter((r) => !INFRASTRUCTURE.has(r)).sort();
    expect(apiRoutes).toEqual(operations.map(label).sort());
  });

  it('when the real app is built, every catch-all is policy middleware on a layer prefix, never a handler for a hidden path', () => {
    const catchAll = new Set(t.app.routes.filter((r) => r.method === 'ALL').map((r) => r.path));
    expect([...catchAll].sort()).toEqual(['/*', '/experience/*', '/process/*', '/system/*']);
  });

  it.each(['/v0/erp/customers/8812', '/system/v0/erp/customers/8812', '/debug', '/openapi-internal', '/system/v1/internal/routes'])(
    'when %s is requested, answers a 404 problem',
    async (path) => {
      const r = await t.get(path, 'erp:read ops:admin');
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );
});

interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly response: Response;
}

/** The response must be one the document declares for that operation: status, media type and body schema. */
const expectConformant = async ({ method, url, response }: Exchange) => {
  const { operation, doc, honoPath } = operationFor(operations, method, url);
  const where = `${method} ${url} → ${response.status} (${operation.operationId} ${honoPath})`;
  const declared = operation.responses[String(response.status)];
  expect(declared, `${where}: status not declared in the published document`).toBeDefined();
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = declared!.content?.[mediaType];
  expect(media?.schema, `${where}: media type ${mediaType} not declared (declared: ${Object.keys(declared!.content ?? {}).join(', ')})`).toBeDefined();
  const body: unknown = await response.json();
  expect(validateSchema(media!.schema!, body, doc), `${where}: body ${JSON.stringify(body)}`).toEqual([]);
  if (mediaType === 'application/problem+json') expect((body as { status: number }).status, where).toBe(response.status);
  return body;
};

describe('real responses match the documents (route × declared status)', () => {
  let t: TestApp;
  let limited: TestApp;
  let failing: TestApp;
  beforeAll(async () => {
    [t, limited, failing] = await Promise.all([
      createTestApp(),
      createTestApp({ config: { rateLimit: { defaultPlan: { limit: 1, windowSeconds: 60 }, plans: {}, clients: {} } } }),
      createTestApp(),
    ]);
  });
  afterAll(() => Promise.all([t?.close(), limited?.close(), failing?.close()]));

  const get = async (app: TestApp, url: string, scope: string) => ({ method: 'GET', url, response: await app.get(url, scope) });
  const post = async (app: TestApp, url: string, scope: string, body: unknown) => ({ method: 'POST', url, response: await app.post(url, scope, body) });
  const creditCheck = (crmAccountId: string) => ({ crmAccountId, orderAmount: { amountMinor: 1_500_000, currency: 'EUR' } });

  it.each([
    ['/system/v1/erp/customers/8812', 'erp:read'],
    ['/system/v1/erp/customers/8812/credit-profile', 'erp:read'],
    ['/system/v1/erp/customers/8812/invoices?limit=5', 'erp:read'],
    ['/system/v1/crm/accounts/001Dn00000GlbxAIAR', 'crm:read'],
    ['/system/v1/crm/accounts/001Dn00000GlbxAIAR', 'crm:read pii:read'],
    ['/system/v1/crm/accounts?externalId=cus_01HZX3GLOBEX', 'crm:read'],
    ['/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', 'accounts:read'],
    ['/experience/v1/crm-widgets/accounts/001Dn00000InitAIAR/summary', 'accounts:read pii:read'],
    ['/experience/v1/crm-widgets/accounts/001Dn00000HooliAIA/summary', 'accounts:read'],
  ])('200: GET %s with %s', async (url, scope) => {
    const exchange = await get(t, url, scope);
    expect(exchange.response.status).toBe(200);
    await expectConformant(exchange);
  });

  it.each(['001Dn00000GlbxAIAR', '001Dn00000UmbrAIAR'])('200: POST /process/v1/credit-checks for %s', async (account) => {
    const exchange = await post(t, '/process/v1/credit-checks', 'credit:check', creditCheck(account));
    expect(exchange.response.status).toBe(200);
    await expectConformant(exchange);
  });

  it('401: without a token, and with a token signed by a stranger', async () => {
    const url = '/system/v1/erp/customers/8812';
    const none = { method: 'GET', url, response: await t.app.request(url) };
    expect(none.response.status).toBe(401);
    expect(await expectConformant(none)).toMatchObject({ code: 'auth.unauthenticated' });
    const forged = { method: 'POST', url: '/process/v1/credit-checks', response: await t.app.request('/process/v1/credit-checks', { method: 'POST', headers: { authorization: `Bearer ${await t.keys.signedByStranger({ scope: 'credit:check' })}`, 'content-type': 'application/json' }, body: JSON.stringify(creditCheck('001Dn00000GlbxAIAR')) }) };
    expect(forged.response.status).toBe(401);
    expect(await expectConformant(forged)).toMatchObject({ code: 'auth.invalid_token' });
  });

  it.each([
    ['GET', '/system/v1/erp/customers/8812/invoices', 'crm:read'],
    ['GET', '/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', 'erp:read'],
    ['POST', '/process/v1/credit-checks', 'erp:read accounts:read'],
  ])('403: %s %s with only %s', async (method, url, scope) => {
    const exchange = method === 'GET' ? await get(t, url, scope) : await post(t, url, scope, creditCheck('001Dn00000GlbxAIAR'));
    expect(exchange.response.status).toBe(403);
    expect(await expectConformant(exchange)).toMatchObject({ code: 'auth.insufficient_scope' });
  });

  it('404: an unknown ERP customer, an unknown CRM account, an unlinked account in a credit check', async () => {
    const cases = [
      await get(t, '/system/v1/erp/customers/99999', 'erp:read'),
      await get(t, '/system/v1/crm/accounts/001Dn00000NopeAIAR', 'crm:read'),
      await get(t, '/experience/v1/crm-widgets/accounts/001Dn00000NopeAIAR/summary', 'accounts:read'),
      await post(t, '/process/v1/credit-checks', 'credit:check', creditCheck('001Dn00000HooliAIA')),
    ];
    for (const exchange of cases) {
      expect(exchange.response.status, exchange.url).toBe(404);
      await expectConformant(exchange);
    }
  });

  it('422: a path id, a query and a body that break the schema, with JSON-pointer errors', async () => {
    const cases = [
      await get(t, '/system/v1/erp/customers/bad%21id', 'erp:read'),
      await get(t, '/system/v1/erp/customers/8812/invoices?limit=1000', 'erp:read'),
      await post(t, '/process/v1/credit-checks', 'credit:check', { crmAccountId: '001Dn00000GlbxAIAR' }),
    ];
    for (const exchange of cases) {
      expect(exchange.response.status, exchange.url).toBe(422);
      const body = (await expectConformant(exchange)) as { code: string; errors: unknown[] };
      expect(body.code).toBe('http.validation');
      expect(body.errors.length).toBeGreaterThan(0);
    }
  });

  it('429: the second request of a client on a 1/60s plan', async () => {
    const url = '/system/v1/erp/customers/8812/credit-profile';
    expect((await get(limited, url, 'erp:read')).response.status).toBe(200);
    const exchange = await get(limited, url, 'erp:read');
    expect(exchange.response.status).toBe(429);
    expect(await expectConformant(exchange)).toMatchObject({ type: 'https://iana.org/assignments/http-problem-types#quota-exceeded', 'violated-policies': ['default'] });
  });

  it('502: the ERP answers an HTML page with a 200 (E6)', async () => {
    await failing.fault('netsuite', { fault: 'html', pathPattern: 'customer' });
    const cases = [await get(failing, '/system/v1/erp/customers/8812', 'erp:read'), await post(failing, '/process/v1/credit-checks', 'credit:check', creditCheck('001Dn00000GlbxAIAR'))];
    for (const exchange of cases) {
      expect(exchange.response.status, exchange.url).toBe(502);
      expect(await expectConformant(exchange)).toMatchObject({ code: 'vendor.invalid_response', vendor: 'erp' });
    }
  });
});

describe('the schema check itself (so that it cannot pass silently)', () => {
  const doc = committed['process.v1']!;
  const check = (ref: string, value: unknown) => validateSchema({ $ref: `#/components/schemas/${ref}` }, value, doc);

  it('accepts a valid value and reports each kind of violation', () => {
    expect(check('Money', { amountMinor: 100, currency: 'EUR' })).toEqual([]);
    expect(check('Money', { amountMinor: 1.5, currency: 'EUR' })).toHaveLength(1);
    expect(check('Money', { amountMinor: 100, currency: 'euro' })).toHaveLength(1);
    expect(check('Money', { amountMinor: 100 })).toHaveLength(1);
    expect(check('Money', { amountMinor: 100, currency: 'EUR', extra: true })).toHaveLength(1);
    expect(check('CreditReason', { code: 'bribery', decision: 'approve', message: 'x' })).toHaveLength(1);
    expect(check('CreditCheck', { decision: 'approve' }).length).toBeGreaterThan(1);
    expect(check('Problem', { type: 'x', title: 'x', status: 500, detail: 'x', code: 'x', traceId: 'x', anything: 1 })).toEqual([]);
    expect(validateSchema({ type: 'string', format: 'date-time' }, 'yesterday', doc)).toHaveLength(1);
    expect(validateSchema({ oneOf: [{ type: 'integer' }, { type: 'number' }] }, 1, doc)).toHaveLength(1);
  });

  it('throws on a keyword it does not implement', () => {
    expect(() => validateSchema({ type: 'string', contentEncoding: 'base64' }, 'x', doc)).toThrow(/unsupported keyword "contentEncoding"/);
    expect(() => validateSchema({ type: 'string', format: 'uuid' }, 'x', doc)).toThrow(/unsupported format/);
  });
});
