import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import {
  BC_CUSTOMER_CREDIT_SELECT,
  BC_CUSTOMER_PAYMENT_SELECT,
  BC_CUSTOMER_SELECT,
  BC_EXCHANGE_RATE_SELECT,
  BC_NAVIGATION,
  BC_PROPERTIES,
  BC_SALES_INVOICE_SELECT,
  BC_SALES_ORDER_SELECT,
  BC_SCOPE,
  BcCustomerCreateSchema,
  BcCustomerCreditSchema,
  BcCustomerFinancialDetailSchema,
  BcCustomerPaymentCreateSchema,
  BcCustomerPaymentSchema,
  BcCustomerProbeSchema,
  BcCustomerSchema,
  BcErrorSchema,
  BcExchangeRateSchema,
  BcOrderTotalSchema,
  BcSalesInvoiceSchema,
  BcSalesOrderCreateSchema,
  BcSalesOrderLineCreateSchema,
  BcSalesOrderLineSchema,
  BcSalesOrderSchema,
  DOCS_SUBSET_RESOURCES,
  EntraTokenRequestSchema,
  EntraTokenResponseSchema,
  bcProperty,
  type BcEntity,
  type BcPropertyType,
} from '../../../../openapi/vendors/dynamics-bc/types.js';
import { SANDBOX_DYNAMICS_BC } from './config.js';
import { serveDynamicsBcSandbox, type DynamicsBcSandboxHandle } from './sandbox-harness.js';
import { parseFilter } from './sandbox-odata.js';
import { COMPANY_PATH, TOKEN_PATH, TRACE_ID, callCtx, sandboxAdapter } from './test-support.js';

/**
 * Both directions of the wire contract against Microsoft's reference, as held in
 * `business-central-api-v2.0.docs-subset.json` (and, for the three entities it lacks, the property
 * tables of the public reference written down in types.ts): what the adapter reads and writes, what
 * the sandbox answers, and what the adapter sends.
 */
type SubsetResource = {
  properties: { name: string; type: string }[];
  navigation: { name: string }[];
  operations: Record<string, { httpRequest: string[]; examples?: { response?: { body?: unknown } }[] }>;
};
const SUBSET = JSON.parse(readFileSync(new URL('../../../../openapi/vendors/dynamics-bc/business-central-api-v2.0.docs-subset.json', import.meta.url), 'utf8')) as {
  resources: Record<string, SubsetResource>;
};
const subsetOf = (entity: BcEntity) => (DOCS_SUBSET_RESOURCES[entity] ? SUBSET.resources[DOCS_SUBSET_RESOURCES[entity]!] : undefined);
const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The zod kind a documented type must be read with. */
const KIND: Record<string, string> = { GUID: 'string', string: 'string', date: 'string', datetime: 'string', decimal: 'number', integer: 'number', boolean: 'boolean' };
const kindOf = (type: string) => (type.startsWith('NAV.') ? 'string' : KIND[type]);
/** The schema under optional / pipe wrappers. */
const unwrap = (schema: z.ZodType): z.ZodType => {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
  if (def.type === 'optional' || def.type === 'nullable') return unwrap(def.innerType!);
  if (def.type === 'pipe') return unwrap(def.in!);
  return schema;
};
const zodKind = (schema: z.ZodType) => (unwrap(schema) as unknown as { def: { type: string } }).def.type;

const READ_AND_WRITE: readonly [string, BcEntity, z.ZodObject][] = [
  ['BcCustomerSchema', 'customer', BcCustomerSchema],
  ['BcCustomerCreditSchema', 'customer', BcCustomerCreditSchema],
  ['BcCustomerProbeSchema', 'customer', BcCustomerProbeSchema],
  ['BcCustomerCreateSchema', 'customer', BcCustomerCreateSchema],
  ['BcCustomerFinancialDetailSchema', 'customerFinancialDetail', BcCustomerFinancialDetailSchema],
  ['BcSalesOrderSchema', 'salesOrder', BcSalesOrderSchema],
  ['BcOrderTotalSchema', 'salesOrder', BcOrderTotalSchema],
  ['BcSalesOrderCreateSchema', 'salesOrder', BcSalesOrderCreateSchema],
  ['BcSalesOrderLineSchema', 'salesOrderLine', BcSalesOrderLineSchema],
  ['BcSalesOrderLineCreateSchema', 'salesOrderLine', BcSalesOrderLineCreateSchema],
  ['BcSalesInvoiceSchema', 'salesInvoice', BcSalesInvoiceSchema],
  ['BcCustomerPaymentSchema', 'customerPayment', BcCustomerPaymentSchema],
  ['BcCustomerPaymentCreateSchema', 'customerPayment', BcCustomerPaymentCreateSchema],
  ['BcExchangeRateSchema', 'currencyExchangeRate', BcExchangeRateSchema],
];

describe('Business Central wire conformance', () => {
  describe('the derived types against the docs subset', () => {
    it.each(Object.entries(DOCS_SUBSET_RESOURCES))('the property table of %s is the subset’s, name for name and type for type', (entity, key) => {
      const documented = Object.fromEntries(SUBSET.resources[key]!.properties.map((p) => [p.name, p.type]));
      expect(BC_PROPERTIES[entity as BcEntity]).toEqual(documented);
    });

    it.each(READ_AND_WRITE)('every property %s reads or writes is documented for %s, with a compatible type', (_name, entity, schema) => {
      const table = BC_PROPERTIES[entity] as Record<string, string>;
      const navigation = subsetOf(entity)?.navigation.map((n) => n.name) ?? [];
      for (const [key, field] of Object.entries(schema.shape)) {
        if (!(key in table)) {
          expect(navigation, `${entity}.${key} is neither a property nor a navigation`).toContain(key);
          expect((BC_NAVIGATION as Record<string, readonly string[]>)[entity]).toContain(key);
          continue;
        }
        expect(zodKind(field as z.ZodType), `${entity}.${key}`).toBe(kindOf(table[key]!));
        if (table[key] === 'GUID') expect((field as z.ZodType).safeParse('not-a-guid').success, `${entity}.${key} accepts a non-GUID`).toBe(false);
        if (table[key] === 'date') expect((field as z.ZodType).safeParse('2026-1-1').success, `${entity}.${key} accepts a non-date`).toBe(false);
      }
    });

    it('every $select list names documented properties only', () => {
      const lists: [BcEntity, readonly string[]][] = [
        ['customer', BC_CUSTOMER_SELECT],
        ['customer', BC_CUSTOMER_CREDIT_SELECT],
        ['salesOrder', BC_SALES_ORDER_SELECT],
        ['salesInvoice', BC_SALES_INVOICE_SELECT],
        ['customerPayment', BC_CUSTOMER_PAYMENT_SELECT],
        ['currencyExchangeRate', BC_EXCHANGE_RATE_SELECT],
      ];
      for (const [entity, names] of lists) for (const name of names) expect(Object.keys(BC_PROPERTIES[entity]), `${entity}.${name}`).toContain(name);
    });

    it("the docs' own example responses parse with the adapter's schemas", () => {
      const example = (resource: string, op: string) => SUBSET.resources[resource]!.operations[op]!.examples![0]!.response!.body;
      expect(BcCustomerSchema.safeParse(example('customer', 'customer_get')).error?.issues).toBeUndefined();
      expect(BcSalesInvoiceSchema.safeParse(example('salesinvoice', 'salesinvoice_get')).error?.issues).toBeUndefined();
      expect(BcCustomerFinancialDetailSchema.safeParse(example('customerFinancialDetail', 'customerfinancialdetail_get')).error?.issues).toBeUndefined();
    });
  });

  describe('sandbox responses', () => {
    let sandbox: DynamicsBcSandboxHandle;
    let bearer: string;
    beforeAll(async () => {
      sandbox = await serveDynamicsBcSandbox();
      const res = await fetch(sandbox.baseUrl + TOKEN_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_DYNAMICS_BC.clientId, client_secret: SANDBOX_DYNAMICS_BC.clientSecret, scope: BC_SCOPE }),
      });
      bearer = `Bearer ${EntraTokenResponseSchema.parse(await res.json()).access_token}`;
      // Something in every collection: an order the sandbox created and a payment line.
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      await adapter.erp.createSalesOrder({ customerId: SEED_COMPANIES[3]!.vendorIds.businessCentralId, currency: 'USD', externalRef: 'CONF-1', lines: [{ itemId: 'STRATA-ENT', quantity: 2 }] }, callCtx(systemClock));
      await adapter.close();
      const journal = (await get('/customerPaymentJournals')).value[0] as { id: string };
      await fetch(`${sandbox.baseUrl}${COMPANY_PATH}/customerPaymentJournals(${journal.id})/customerPayments`, {
        method: 'POST',
        headers: { authorization: bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: SEED_COMPANIES[1]!.vendorIds.businessCentralId, amount: 100, appliesToInvoiceNumber: 'INV-10301' }),
      });
    });
    afterAll(() => sandbox.close());
    const get = async (path: string) => (await (await fetch(`${sandbox.baseUrl}${COMPANY_PATH}${path}`, { headers: { authorization: bearer } })).json()) as { value: Record<string, unknown>[] };

    /** Every documented property present (BC returns them all), nothing undocumented, each of its documented type. */
    const expectDocumented = (entity: BcEntity, record: Record<string, unknown>, navigation: readonly string[] = []) => {
      const table = BC_PROPERTIES[entity] as Record<string, string>;
      const keys = Object.keys(record).filter((k) => !k.startsWith('@odata.') && !navigation.includes(k));
      expect(keys.sort()).toEqual(Object.keys(table).sort());
      for (const key of keys) {
        const ok = (bcProperty as (e: BcEntity, p: string) => z.ZodType)(entity, key).safeParse(record[key]);
        expect(ok.success, `${entity}.${key} = ${JSON.stringify(record[key])} is not a ${table[key]}`).toBe(true);
      }
      expect(record['@odata.etag']).toMatch(/^W\/"[A-Za-z0-9+/=]+"$/);
    };

    it.each([
      ['/customers?$expand=customerFinancialDetail', 'customer', ['customerFinancialDetail']],
      ['/customerFinancialDetails', 'customerFinancialDetail', []],
      ['/salesOrders?$expand=salesOrderLines', 'salesOrder', ['salesOrderLines']],
      ['/salesInvoices', 'salesInvoice', []],
      ['/customerPayments', 'customerPayment', []],
      ['/customerPaymentJournals', 'customerPaymentJournal', []],
      ['/currencyExchangeRates', 'currencyExchangeRate', []],
    ] as const)('%s: every record carries exactly the documented properties, each of its documented type', async (path, entity, navigation) => {
      const { value } = await get(path);
      expect(value.length).toBeGreaterThan(0);
      for (const record of value) {
        expectDocumented(entity, record, navigation);
        if (entity === 'customer') expectDocumented('customerFinancialDetail', record.customerFinancialDetail as Record<string, unknown>);
        if (entity === 'salesOrder') for (const line of record.salesOrderLines as Record<string, unknown>[]) expectDocumented('salesOrderLine', line);
      }
    });

    it('the collections parse with the schemas the adapter reads them with', async () => {
      for (const record of (await get('/customers?$expand=customerFinancialDetail')).value) expect(BcCustomerCreditSchema.safeParse(record).success && BcCustomerSchema.safeParse(record).success).toBe(true);
      for (const record of (await get('/salesOrders?$expand=salesOrderLines')).value) expect(BcSalesOrderSchema.safeParse(record).error?.issues).toBeUndefined();
      for (const record of (await get('/salesInvoices')).value) expect(BcSalesInvoiceSchema.safeParse(record).error?.issues).toBeUndefined();
      for (const record of (await get('/customerPayments')).value) expect(BcCustomerPaymentSchema.safeParse(record).error?.issues).toBeUndefined();
      for (const record of (await get('/currencyExchangeRates')).value) expect(BcExchangeRateSchema.safeParse(record).error?.issues).toBeUndefined();
    });

    it('when Business Central fails (401, 404, 400, 412, 429, 500, 503), the body is the OData error envelope', async () => {
      const url = (path: string) => `${sandbox.baseUrl}${COMPANY_PATH}${path}`;
      const customer = `/customers(${SEED_COMPANIES[0]!.vendorIds.businessCentralId})`;
      const responses = [
        await fetch(url('/customers')),
        await fetch(url('/customers(00000000-0000-4000-8000-000000000001)'), { headers: { authorization: bearer } }),
        await fetch(url("/customers?$filter=nosuch eq 'x'"), { headers: { authorization: bearer } }),
        await fetch(url(customer), { method: 'PATCH', headers: { authorization: bearer, 'content-type': 'application/json', 'if-match': 'W/"stale"' }, body: '{"email":"x@y.example"}' }),
        await fetch(url(customer), { headers: { authorization: bearer, 'x-sandbox-fault': 'rate-limit' } }),
        await fetch(url(customer), { headers: { authorization: bearer, 'x-sandbox-fault': 'error500' } }),
        await fetch(url(customer), { headers: { authorization: bearer, 'x-sandbox-fault': 'error503' } }),
      ];
      expect(responses.map((r) => r.status)).toEqual([401, 404, 400, 412, 429, 500, 503]);
      expect(responses[4]!.headers.get('retry-after')).toBe('30');
      for (const res of responses) {
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(BcErrorSchema.safeParse(await res.json()).success).toBe(true);
      }
    });
  });

  describe('adapter requests', () => {
    /** Documented request lines: the subset's `httpRequest`, the README's "lists return {value}" for the same entity sets, and the public reference for the rest. */
    const templates = (() => {
      const lines = Object.values(SUBSET.resources).flatMap((r) => Object.values(r.operations).flatMap((op) => op.httpRequest.flatMap((l) => l.split('\n'))));
      const documented = lines.map((line) => {
        const [method, path] = line.trim().split(/\s+/);
        return `${method} ${path!.split('?')[0]!.replace('businesscentralPrefix/', '')}`;
      });
      const lists = ['GET companies({id})/customers', 'GET companies({id})/salesOrders', 'GET companies({id})/salesInvoices'];
      // Not in the subset (Microsoft's public API v2.0 reference): payments and exchange rates.
      const publicReference = ['GET companies({id})/customerPayments', 'GET companies({id})/currencyExchangeRates'];
      return [...new Set([...documented, ...lists, ...publicReference])];
    })();
    const matcher = (template: string) => {
      const [method, path] = template.split(' ');
      const root = `/v2.0/${SANDBOX_DYNAMICS_BC.tenantId}/${SANDBOX_DYNAMICS_BC.environment}/api/v2.0/`;
      const pattern = (root + path!).replace(/[.*+?^$[\]\\]/g, '\\$&').replace(/\(\{\w+\}\)/g, `\\(${GUID}\\)`);
      return { method: method!, regex: new RegExp(`^${pattern}$`) };
    };
    const ENTITY_OF: Record<string, BcEntity> = { customers: 'customer', salesOrders: 'salesOrder', salesInvoices: 'salesInvoice', customerPayments: 'customerPayment', currencyExchangeRates: 'currencyExchangeRate' };

    let sandbox: DynamicsBcSandboxHandle;
    beforeAll(async () => {
      sandbox = await serveDynamicsBcSandbox();
    });
    afterAll(() => sandbox.close());

    it('when the adapter runs every port operation, each request is a documented operation with documented options, body and headers', async () => {
      const [GLOBEX, INITECH] = SEED_COMPANIES;
      const id = (c: (typeof SEED_COMPANIES)[number]) => c.vendorIds.businessCentralId;
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      const ctx = () => callCtx(systemClock);
      try {
        expect((await adapter.erp.getCustomer(id(GLOBEX!), ctx())).ok).toBe(true);
        expect((await adapter.erp.findCustomers({ taxId: GLOBEX!.taxId }, ctx())).ok).toBe(true);
        expect((await adapter.erp.createOrMatchCustomer({ legalName: 'Conformance Ltd', country: 'GB', currency: 'GBP', externalRef: 'cus_conf', taxId: 'GB000000001', phone: '+44 1', billingAddress: { line1: '1 Road', city: 'Leeds', country: 'GB' } }, ctx())).ok).toBe(true);
        expect((await adapter.erp.getCreditProfile(id(INITECH!), ctx())).ok).toBe(true);
        const order = await adapter.erp.createSalesOrder({ customerId: id(GLOBEX!), currency: 'EUR', externalRef: 'ORD-CONF-1', lines: [{ itemId: 'STRATA-ENT', quantity: 1, unitPriceMinor: 4_000 }] }, ctx());
        expect(order.ok).toBe(true);
        expect((await adapter.erp.getSalesOrder(order.ok ? order.value.id : '', ctx())).ok).toBe(true);
        expect((await adapter.erp.listInvoices(id(INITECH!), { status: 'open', limit: 5 }, ctx())).ok).toBe(true);
        expect((await adapter.erp.listPayments(id(INITECH!), { limit: 5 }, ctx())).ok).toBe(true);
      } finally {
        await adapter.close();
      }
      const requests = await sandbox.requests();
      const tokenRequests = requests.filter((r) => r.path === TOKEN_PATH);
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
      expect(EntraTokenRequestSchema.parse(Object.fromEntries(new URLSearchParams(tokenRequests[0]!.body)))).toMatchObject({ scope: BC_SCOPE, client_id: SANDBOX_DYNAMICS_BC.clientId });

      const calls = requests.filter((r) => r.path !== TOKEN_PATH);
      const used = new Set<string>();
      for (const call of calls) {
        const template = templates.find((t) => {
          const m = matcher(t);
          return m.method === call.method && m.regex.test(call.path);
        });
        expect(template, `${call.method} ${call.path} is not a documented operation`).toBeDefined();
        used.add(template!);
        const entitySet = /\/(\w+)(?:\([^)]*\))?$/.exec(call.path)![1]!;
        const entity = ENTITY_OF[entitySet]!;
        const table = BC_PROPERTIES[entity] as Record<string, BcPropertyType>;
        for (const [name, value] of Object.entries(call.query)) {
          expect(['$filter', '$select', '$expand', '$orderby', '$top']).toContain(name);
          if (name === '$select') for (const p of value.split(',')) expect(Object.keys(table)).toContain(p);
          if (name === '$expand') expect((BC_NAVIGATION as Record<string, readonly string[]>)[entity]).toContain(value);
          if (name === '$filter') expect(() => parseFilter(value, table, entity)).not.toThrow();
          if (name === '$orderby') for (const key of value.split(',')) expect(Object.keys(table)).toContain(key.trim().split(/\s+/)[0]);
        }
        expect(call.headers).toMatchObject({ authorization: 'Bearer [token]', accept: 'application/json', traceparent: expect.stringMatching(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`)) });
        if (call.method === 'POST') {
          expect(call.headers['content-type']).toBe('application/json');
          const schema = entity === 'customer' ? BcCustomerCreateSchema : BcSalesOrderCreateSchema;
          expect(schema.safeParse(JSON.parse(call.body!)).error?.issues).toBeUndefined();
        }
      }
      expect([...used].sort()).toEqual(
        [
          'GET companies({id})/customers',
          'GET companies({id})/customers({id})',
          'POST companies({id})/customers',
          'GET companies({id})/salesOrders',
          'GET companies({id})/salesOrders({id})',
          'POST companies({id})/salesOrders',
          'GET companies({id})/salesInvoices',
          'GET companies({id})/customerPayments',
          'GET companies({id})/currencyExchangeRates',
        ].sort(),
      );
    });
  });
});
