import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { pii } from '../../shared/canonical/pii.js';
import { systemClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { createRouter } from '../../shared/http/create-router.js';
import { notFound, onError } from '../../shared/http/on-error.js';
import { problemResponses } from '../../shared/http/problem.js';
import { createLogger } from '../../shared/logging.js';
import { requestContext } from '../request-context/request-context.js';
import { createMaskingPlan } from './masking-plan.js';
import { maskResponses } from './mask-responses.js';

// Canary values: none of them may appear in a body served to a caller without pii:read.
const canary = {
  name: 'Hank Scorpio',
  email: 'hank.scorpio@globex.example',
  phone: '+49 30 1234 5611',
  iban: 'DE89370400440532013000',
  taxId: 'DE123456789',
  dateOfBirth: '1956-02-29',
  street: 'Cypress Creek Way 1',
  contactEmail: 'frank.grimes@globex.example',
  contactPhone: '+1 555 0100 2233',
  roleEmail: 'homer.simpson@globex.example',
  savingsIban: 'GB29NWBK60161331926819',
};
const canaryFragments = [...Object.values(canary), 'Scorpio', 'Grimes', 'Simpson', '0532013', '60161331', '123456', '1956-02'];

const Contact = z
  .object({
    name: z.string().openapi(pii('name')),
    email: z.email().optional().openapi(pii('email')),
    phones: z.array(z.string().openapi(pii('phone'))),
  })
  .openapi('TestContact');

const Customer = z
  .object({
    id: z.string(),
    legalName: z.string(),
    name: z.string().openapi(pii('name')),
    email: z.email().openapi(pii('email')),
    phone: z.string().nullable().openapi(pii('phone')),
    legacyPhone: z.union([z.string(), z.number()]).openapi(pii('phone')),
    iban: z.string().openapi(pii('bank_account')),
    taxId: z.string().openapi(pii('tax_id')),
    dateOfBirth: z.string().openapi(pii('date_of_birth')),
    address: z.object({ line1: z.string().openapi(pii('address')), city: z.string() }),
    contacts: z.array(Contact),
    contactsByRole: z.record(z.string(), Contact),
    bankAccounts: z.record(z.string(), z.string().openapi(pii('bank_account'))),
  })
  .openapi('TestCustomer');

const customerBody: z.infer<typeof Customer> = {
  id: 'c-1',
  legalName: 'Globex Corporation',
  name: canary.name,
  email: canary.email,
  phone: canary.phone,
  legacyPhone: 4930123456,
  iban: canary.iban,
  taxId: canary.taxId,
  dateOfBirth: canary.dateOfBirth,
  address: { line1: canary.street, city: 'Cypress Creek' },
  contacts: [
    { name: 'Frank Grimes', email: canary.contactEmail, phones: [canary.contactPhone, canary.phone] },
    { name: 'Homer Simpson', phones: [] },
  ],
  contactsByRole: { billing: { name: 'Homer Simpson', email: canary.roleEmail, phones: [canary.contactPhone] } },
  bankAccounts: { main: canary.iban, savings: canary.savingsIban },
};

/** Exact bytes, with whitespace JSON.stringify would not produce, to prove the body is passed through unread. */
const plansBytes = '{ "items" : [ {"id":"gold", "label":"Gold"} ] }';

const buildApi = () => {
  const api = createRouter();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/system/v1/test/customers/{customerId}',
      request: { params: z.object({ customerId: z.string() }) },
      responses: { 200: { description: 'A customer', content: { 'application/json': { schema: Customer } } }, ...problemResponses(404) },
    }),
    (c) => c.json(customerBody, 200),
  );
  // Routes answering raw bytes are documented through the registry and served by plain handlers,
  // since a typed openapi handler must return c.json(...).
  api.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: '/system/v1/test/customers/{customerId}/raw',
      request: { params: z.object({ customerId: z.string() }) },
      responses: { 200: { description: 'A customer', content: { 'application/json': { schema: Customer } } } },
    }),
  );
  // Exact bytes with their own Content-Length and Cache-Control, to see what masking keeps and fixes.
  api.get('/system/v1/test/customers/:customerId/raw', () => {
    const bytes = JSON.stringify(customerBody, null, 2);
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(bytes)) };
    return new Response(bytes, { headers });
  });
  api.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: '/system/v1/test/plans',
      responses: { 200: { description: 'Plans', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ id: z.string(), label: z.string() })) }) } } } },
    }),
  );
  api.get('/system/v1/test/plans', () => new Response(plansBytes, { headers: { 'content-type': 'application/json' } }));
  api.openapi(
    createRoute({
      method: 'post',
      path: '/system/v1/test/customers',
      request: { body: { content: { 'application/json': { schema: z.strictObject({ email: z.email().openapi(pii('email')) }) } } } },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: Customer } } }, ...problemResponses(422) },
    }),
    (c) => c.json(customerBody, 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/system/v1/test/leaky-error',
      responses: { 200: { description: 'Never', content: { 'application/json': { schema: Customer } } }, ...problemResponses(502) },
    }),
    () => {
      // A mistake the policy must catch: vendor text copied into a problem detail.
      throw new AppError('vendor.error', { detail: `customer ${canary.email} with IBAN DE89 3704 0044 0532 0130 00 and phone ${canary.phone} exists` });
    },
  );
  return api;
};

/** Test-only stand-in for the OAuth policy: a principal whose scopes come from `x-test-scopes`. */
const testOnlyPrincipalFromHeader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const scopes = c.req.header('x-test-scopes');
  if (scopes !== undefined) {
    c.set('principal', { clientId: 'test-client', subject: 'test-client', scopes: new Set(scopes.split(' ')), tokenId: 't-1', expiresAt: 0 });
  }
  await next();
};

const createTestApp = () => {
  const api = buildApi();
  const plan = createMaskingPlan(api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'masking test', version: '1' } }));
  const app = createRouter();
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestContext({ logger: createLogger({ level: 'silent' }), clock: systemClock, deadlineMs: 5_000 }));
  app.use('*', testOnlyPrincipalFromHeader);
  app.use('*', maskResponses({ plan }));
  app.route('/', api);
  return app;
};

const app = createTestApp();
const get = (path: string, scopes?: string) => app.request(path, { headers: scopes === undefined ? {} : { 'x-test-scopes': scopes } });

describe('maskResponses', () => {
  it('when the caller lacks pii:read, no canary value appears anywhere in the body (H1)', async () => {
    const res = await get('/system/v1/test/customers/c-1', 'erp:read');
    const text = await res.text();

    expect(res.status).toBe(200);
    for (const fragment of canaryFragments) expect(text).not.toContain(fragment);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  it('when the caller lacks pii:read, each field keeps only its recognisable part, nested arrays and records included', async () => {
    const body = await (await get('/system/v1/test/customers/c-1')).json();

    expect(body).toEqual({
      id: 'c-1',
      legalName: 'Globex Corporation',
      name: 'H. S.',
      email: 'h•••@globex.example',
      phone: '•••• •• 11',
      legacyPhone: null,
      iban: 'DE89••••3000',
      taxId: '•••789',
      dateOfBirth: '••••-••-••',
      address: { line1: '•••', city: 'Cypress Creek' },
      contacts: [
        { name: 'F. G.', email: 'f•••@globex.example', phones: ['•••• •• 33', '•••• •• 11'] },
        { name: 'H. S.', phones: [] },
      ],
      contactsByRole: { billing: { name: 'H. S.', email: 'h•••@globex.example', phones: ['•••• •• 33'] } },
      bankAccounts: { main: 'DE89••••3000', savings: 'GB29••••6819' },
    });
  });

  it('when the route set its own Content-Length, the masked response carries the masked length', async () => {
    const res = await get('/system/v1/test/customers/c-1/raw');
    const text = await res.text();

    expect(text).not.toContain(canary.email);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  it('when the caller holds pii:read, the body is revealed unchanged, byte for byte', async () => {
    const res = await get('/system/v1/test/customers/c-1/raw', 'erp:read pii:read');

    expect(await res.text()).toBe(JSON.stringify(customerBody, null, 2));
  });

  it('when the operation has PII, the response is marked private (unless the route chose its own Cache-Control)', async () => {
    expect((await get('/system/v1/test/customers/c-1')).headers.get('cache-control')).toBe('private');
    expect((await get('/system/v1/test/customers/c-1', 'pii:read')).headers.get('cache-control')).toBe('private');
    expect((await get('/system/v1/test/customers/c-1/raw')).headers.get('cache-control')).toBe('no-store');
  });

  it('when a 201 of a write carries PII, it is masked too', async () => {
    const res = await app.request('/system/v1/test/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new@globex.example' }),
    });
    const text = await res.text();

    expect(res.status).toBe(201);
    for (const fragment of canaryFragments) expect(text).not.toContain(fragment);
  });

  it('when the operation has no PII, the exact bytes pass through untouched', async () => {
    const res = await get('/system/v1/test/plans');

    expect(await res.text()).toBe(plansBytes);
    expect(res.headers.get('cache-control')).toBeNull();
  });

  it('when a problem detail carries an email, IBAN or phone number, they are scrubbed from the body (H2)', async () => {
    const res = await get('/system/v1/test/leaky-error');
    const body = (await res.json()) as { detail: string; code: string; traceId: string };

    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(body.detail).toBe('customer h•••@globex.example with IBAN DE89••••3000 and phone •••• •• 11 exists');
    expect(body.code).toBe('vendor.error');
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when a validation problem names an unknown property that is an email address, the pointer is scrubbed (H4)', async () => {
    const res = await app.request('/system/v1/test/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new@globex.example', [canary.email]: true }),
    });
    const text = await res.text();

    expect(res.status).toBe(422);
    expect(text).not.toContain(canary.email);
    expect(JSON.parse(text).errors).toContainEqual({ pointer: '/h•••@globex.example', detail: 'unknown property' });
  });

  it('when the routes live in a sub-router mounted under a prefix, the plan from the parent document still applies', async () => {
    const erp = createRouter();
    erp.openapi(
      createRoute({
        method: 'get',
        path: '/customers/{customerId}',
        request: { params: z.object({ customerId: z.string() }) },
        responses: { 200: { description: 'A customer', content: { 'application/json': { schema: Customer } } } },
      }),
      (c) => c.json(customerBody, 200),
    );
    // The document comes from the same router mounted the same way, since the parent registers its middleware first.
    const plan = createMaskingPlan(
      createRouter().route('/system/v1/erp', erp).getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'parent', version: '1' } }),
    );
    const parent = createRouter();
    parent.onError(onError);
    parent.use('*', requestContext({ logger: createLogger({ level: 'silent' }), clock: systemClock, deadlineMs: 5_000 }));
    parent.use('*', maskResponses({ plan }));
    parent.route('/system/v1/erp', erp);

    expect([...plan.operations.keys()]).toEqual(['GET /system/v1/erp/customers/{customerId}']);
    const text = await (await parent.request('/system/v1/erp/customers/c-1')).text();
    expect(text).toContain('h•••@globex.example');
    for (const fragment of canaryFragments) expect(text).not.toContain(fragment);
  });

  it('when construction gets an empty reveal scope, it throws', () => {
    const plan = createMaskingPlan({ paths: {} });
    expect(() => maskResponses({ plan, revealScope: ' ' })).toThrow(/revealScope/);
  });
});
