import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ErpCustomerSchema } from '../../apis/system/erp/contract.js';
import { ContactSchema } from '../../apis/system/crm/contract.js';
import { pii } from '../../shared/canonical/pii.js';
import { createRouter } from '../../shared/http/create-router.js';
import { problemResponses } from '../../shared/http/problem.js';
import { createMaskingPlan } from './masking-plan.js';

const info = { title: 'masking plan test', version: '1' };

/** A router with one GET per schema, answering 200 with that schema; the handlers never run. */
const documentFor = (routes: Record<string, z.ZodType>) => {
  const app = createRouter();
  for (const [path, schema] of Object.entries(routes)) {
    app.openapi(
      createRoute({
        method: 'get',
        path,
        responses: { 200: { description: 'ok', content: { 'application/json': { schema } } }, ...problemResponses(404) },
      }),
      (c) => c.json({} as never, 200),
    );
  }
  return app.getOpenAPI31Document({ openapi: '3.1.0', info });
};

const sortLocations = (locations: readonly { path: readonly string[]; kind: string }[]) =>
  locations.map((l) => `${l.path.join('.')}=${l.kind}`).sort();

describe('createMaskingPlan', () => {
  it('when a response nests PII in objects, arrays, records, unions and nullable refs, lists every location', () => {
    const Person = z.object({ name: z.string().openapi(pii('name')), email: z.email().nullable().optional().openapi(pii('email')) }).openapi('Person');
    const document = documentFor({
      '/system/v1/things/{thingId}': z.object({
        id: z.string(),
        owner: Person.nullable(),
        people: z.array(Person),
        byRole: z.record(z.string(), Person),
        ibans: z.record(z.string(), z.string().openapi(pii('bank_account'))),
        phones: z.array(z.string().openapi(pii('phone'))),
        payee: z.union([Person, z.object({ taxId: z.string().openapi(pii('tax_id')) })]),
        both: z.intersection(z.object({ born: z.string().openapi(pii('date_of_birth')) }), z.object({ street: z.string().openapi(pii('address')) })),
      }),
    });

    const plan = createMaskingPlan(document);

    expect(sortLocations(plan.operations.get('GET /system/v1/things/{thingId}')!.locations)).toEqual(
      [
        'owner.name=name',
        'owner.email=email',
        'people.*.name=name',
        'people.*.email=email',
        'byRole.*.name=name',
        'byRole.*.email=email',
        'ibans.*=bank_account',
        'phones.*=phone',
        'payee.name=name',
        'payee.email=email',
        'payee.taxId=tax_id',
        'both.born=date_of_birth',
        'both.street=address',
      ].sort(),
    );
  });

  it('when an object mixes declared fields with PII additional properties, only the additional ones are masked', () => {
    const plan = createMaskingPlan(documentFor({ '/system/v1/aliases': z.object({ id: z.string() }).catchall(z.string().openapi(pii('email'))) }));

    const masked = plan.operations.get('GET /system/v1/aliases')!.mask({ id: 'c-1', work: 'jane@globex.example' });

    expect(masked).toEqual({ id: 'c-1', work: 'j•••@globex.example' });
  });

  it('when an operation has no PII in its responses, leaves it out of the plan', () => {
    const document = documentFor({ '/system/v1/plans': z.object({ items: z.array(z.object({ id: z.string(), label: z.string() })) }) });
    expect(createMaskingPlan(document).operations.size).toBe(0);
  });

  it('when a schema is recursive, masks PII at any depth and still terminates', () => {
    interface Node {
      email: string;
      children: Node[];
    }
    const NodeSchema: z.ZodType<Node> = z
      .lazy(() => z.object({ email: z.string().openapi(pii('email')), children: z.array(NodeSchema) }))
      .openapi('TreeNode');
    const plan = createMaskingPlan(documentFor({ '/system/v1/tree': NodeSchema }));
    const operation = plan.operations.get('GET /system/v1/tree')!;
    const tree = { email: 'a0@x.example', children: [{ email: 'a1@x.example', children: [{ email: 'a2@x.example', children: [{ email: 'deep@x.example', children: [] }] }] }] };

    const masked = JSON.stringify(operation.mask(tree));

    expect(masked).not.toMatch(/a0@|a1@|a2@|deep@/);
    expect(masked).toContain('d•••@x.example');
    expect(sortLocations(operation.locations)).toEqual(['email=email', 'children.*.email=email'].sort());
  });

  it('when built from the real ERP and CRM contracts, finds their marked fields', () => {
    const plan = createMaskingPlan(
      documentFor({ '/system/v1/erp/customers/{customerId}': ErpCustomerSchema, '/system/v1/crm/contacts': z.object({ items: z.array(ContactSchema) }) }),
    );
    expect(sortLocations(plan.operations.get('GET /system/v1/erp/customers/{customerId}')!.locations)).toEqual(
      ['email=email', 'phone=phone', 'taxId=tax_id', 'billingAddress.line1=address', 'billingAddress.line2=address', 'billingAddress.postalCode=address'].sort(),
    );
    expect(sortLocations(plan.operations.get('GET /system/v1/crm/contacts')!.locations)).toEqual(
      ['items.*.name=name', 'items.*.email=email', 'items.*.phone=phone'].sort(),
    );
  });

  it('when a schema carries an unknown x-pii kind, throws at construction', () => {
    const document = documentFor({ '/system/v1/x': z.object({ secret: z.string().openapi({ 'x-pii': 'passport' }) }) });
    expect(() => createMaskingPlan(document)).toThrow(/unknown x-pii kind "passport"/);
  });

  it('when a $ref does not resolve, throws at construction instead of silently missing PII', () => {
    const document = {
      paths: { '/x': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } } } } } } },
      components: { schemas: {} },
    };
    expect(() => createMaskingPlan(document)).toThrow(/does not resolve/);
  });
});
