import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { testCallContext } from '../../../../test/harness/call-context.js';
import {
  BP_SERVICE_PATH,
  BpAddress,
  BpCreditWorthiness,
  BpCustomer,
  BpCustomerSalesArea,
  BpEmail,
  BpPhone,
  BpRole,
  BpTaxNumber,
  BusinessPartner,
  BusinessPartnerReadSchema,
} from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import { loadHeldEdmx, type EdmxEntityType, type EdmxModel } from '../../../../openapi/vendors/sap-s4hana/edmx.js';
import { AR_SERVICE_PATH, ArLineItem, CREDIT_SERVICE_PATH, CreditManagementAccount } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import { v2Collection, v2Entity, v4Collection, V2ErrorSchema, V4ErrorSchema } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import { SO_SERVICE_PATH, SalesOrder, SalesOrderItem, SalesOrderReadSchema } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import { SANDBOX_SAP_CREDENTIALS } from './config.js';
import { bodyProblems, entityProblems, referencedProperties } from './conformance-support.js';
import { serveSapSandbox, type SapSandboxHandle } from './sandbox-harness.js';
import type { RecordedRequest } from './sandbox.js';
import { sandboxAdapter } from './test-support.js';

/**
 * Both directions of the wire contract against SAP's own metadata: the declarations the adapter parses
 * with against the held EDMX; what the sandbox sends against the EDMX (and the documented shapes of
 * the two services without a held EDMX); what the adapter sends against the operations the EDMX
 * declares (entity sets, keys, filterable properties, navigation properties, creatable properties).
 */
const BP = loadHeldEdmx('API_BUSINESS_PARTNER');
const SO = loadHeldEdmx('CE_SALESORDER_0001');
const BASIC = `Basic ${Buffer.from(`${SANDBOX_SAP_CREDENTIALS.username}:${SANDBOX_SAP_CREDENTIALS.password}`).toString('base64')}`;
const EXPAND = 'to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_PhoneNumber,to_BusinessPartnerTax,to_Customer/to_CustomerSalesArea,to_BPCreditWorthiness,to_BusinessPartnerRole';

let sandbox: SapSandboxHandle;
beforeAll(async () => {
  sandbox = await serveSapSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const get = (path: string, accept = 'application/json', headers: Record<string, string> = {}) => fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: BASIC, accept, ...headers } });
const V4_ACCEPT = 'application/json;IEEE754Compatible=true';

const HELD = [BusinessPartner, BpAddress, BpEmail, BpPhone, BpTaxNumber, BpRole, BpCustomer, BpCustomerSalesArea, BpCreditWorthiness, SalesOrder, SalesOrderItem];

describe('SAP S/4HANA wire conformance', () => {
  describe('the vendor types are derived from the held EDMX', () => {
    it('the EDMX reader reads both documents: versions, entity sets, keys and navigation targets', () => {
      expect(BP.version).toBe('1.0');
      expect(SO.version).toBe('4.01');
      expect(BP.typeOfSet('A_BusinessPartner').keys).toEqual(['BusinessPartner']);
      expect(BP.typeOfSet('A_BusinessPartner').navigations.get('to_Customer')).toMatchObject({ target: 'API_BUSINESS_PARTNER.A_CustomerType', many: false });
      expect(SO.typeOfSet('SalesOrder').navigations.get('_Item')).toMatchObject({ many: true });
      expect(SO.typeOfSet('SalesOrder').properties.get('TotalNetAmount')).toMatchObject({ type: 'Edm.Decimal', creatable: false });
      expect(BP.typeOfSet('A_BusinessPartner').properties.get('Customer')).toMatchObject({ creatable: false });
    });

    it.each(HELD.map((d) => [d.entityType, d] as const))('%s: every declared property exists in the EDMX with the same EDM type and length; the keys match', (name, decl) => {
      const type = (name.startsWith('API_BUSINESS_PARTNER') ? BP : SO).entityTypes.get(name);
      expect(type, name).toBeDefined();
      expect([...decl.keys].sort()).toEqual([...type!.keys].sort());
      for (const [prop, field] of Object.entries(decl.fields)) {
        const p = type!.properties.get(prop);
        expect(p, `${name}/${prop}`).toBeDefined();
        expect({ prop, type: field.edm, maxLength: field.maxLength }).toEqual({ prop, type: p!.type, maxLength: p!.maxLength });
      }
    });

    it('the navigation properties the read schemas carry exist in the EDMX with the targets the schemas assume', () => {
      const navsOf = (shape: Record<string, unknown>, decl: { fields: object }) => Object.keys(shape).filter((k) => !(k in decl.fields) && !k.startsWith('@') && k !== '__metadata');
      const bpType = BP.typeOfSet('A_BusinessPartner');
      const expected: Record<string, string> = {
        to_BusinessPartnerAddress: BpAddress.entityType,
        to_BusinessPartnerTax: BpTaxNumber.entityType,
        to_Customer: BpCustomer.entityType,
        to_BPCreditWorthiness: BpCreditWorthiness.entityType,
      };
      expect(navsOf(BusinessPartnerReadSchema.shape, BusinessPartner).sort()).toEqual(Object.keys(expected).sort());
      for (const [nav, target] of Object.entries(expected)) expect(bpType.navigations.get(nav)?.target).toBe(target);
      expect(BP.typeOfSet('A_BusinessPartnerAddress').navigations.get('to_EmailAddress')?.target).toBe(BpEmail.entityType);
      expect(BP.typeOfSet('A_BusinessPartnerAddress').navigations.get('to_PhoneNumber')?.target).toBe(BpPhone.entityType);
      expect(BP.typeOfSet('A_Customer').navigations.get('to_CustomerSalesArea')?.target).toBe(BpCustomerSalesArea.entityType);
      expect(navsOf(SalesOrderReadSchema.shape, SalesOrder)).toEqual(['_Item']);
      expect(SO.typeOfSet('SalesOrder').navigations.get('_Item')?.target).toBe(SalesOrderItem.entityType);
    });

    it('the credit and receivables declarations say they are written from documentation, not from a held EDMX', () => {
      expect(CreditManagementAccount.held).toBe(false);
      expect(ArLineItem.held).toBe(false);
      expect(HELD.every((d) => d.held)).toBe(true);
    });
  });

  describe('sandbox responses conform to the EDMX and parse with the adapter schemas', () => {
    it.each(SEED_COMPANIES.map((s) => s.vendorIds.sapBusinessPartner))('business partner %s, with every navigation Strata expands', async (id) => {
      const res = await get(`${BP_SERVICE_PATH}/A_BusinessPartner('${id}')?$expand=${EXPAND}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toMatch(/^W\/"/);
      const body = (await res.json()) as { d: Record<string, unknown> };
      expect(entityProblems(BP, BP.typeOfSet('A_BusinessPartner'), body.d, 'v2')).toEqual([]);
      const parsed = v2Entity(BusinessPartnerReadSchema).safeParse(body);
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data?.d.to_Customer?.to_CustomerSalesArea?.results).toHaveLength(1);
      // Unexpanded navigation properties are deferred, as SAP sends them, and read as absent.
      const plain = (await (await get(`${BP_SERVICE_PATH}/A_BusinessPartner('${id}')`)).json()) as { d: Record<string, unknown> };
      expect(plain.d.to_BusinessPartnerAddress).toMatchObject({ __deferred: { uri: expect.stringContaining(`A_BusinessPartner('${id}')/to_BusinessPartnerAddress`) } });
      expect(v2Entity(BusinessPartnerReadSchema).parse(plain).d.to_BusinessPartnerAddress).toBeUndefined();
    });

    it('a tax number query, a filtered partner query and a deep-insert answer conform', async () => {
      const tax = (await (await get(`${BP_SERVICE_PATH}/A_BusinessPartnerTaxNumber?$filter=BPTaxNumber eq 'DE811907980'`)).json()) as { d: { results: unknown[] } };
      expect(tax.d.results).toHaveLength(1);
      for (const row of tax.d.results) expect(entityProblems(BP, BP.typeOfSet('A_BusinessPartnerTaxNumber'), row, 'v2')).toEqual([]);
      const byName = (await (await get(`${BP_SERVICE_PATH}/A_BusinessPartner?$filter=tolower(OrganizationBPName1) eq 'globex gmbh'&$expand=to_Customer`)).json()) as { d: { results: unknown[] } };
      expect(byName.d.results).toHaveLength(1);
      expect(v2Collection(BusinessPartnerReadSchema).safeParse(byName).success).toBe(true);

      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      try {
        const created = await adapter.erp.createOrMatchCustomer(
          { legalName: 'Conformance Checks Ltd', country: 'GB', currency: 'GBP', taxId: 'GB123456789', email: 'ap@checks.example', phone: '+44 20 7946 0000', billingAddress: { line1: '2 Test Street', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' }, externalRef: 'cus_conformance_1' },
          testCallContext(),
        );
        expect(created.ok && created.value.outcome).toBe('created');
      } finally {
        await adapter.close();
      }
      const created = (await (await get(`${BP_SERVICE_PATH}/A_BusinessPartner?$filter=BusinessPartnerIDByExtSystem eq 'CUS_CONFORMANCE_1'&$expand=${EXPAND}`)).json()) as { d: { results: unknown[] } };
      expect(created.d.results).toHaveLength(1);
      expect(entityProblems(BP, BP.typeOfSet('A_BusinessPartner'), created.d.results[0], 'v2')).toEqual([]);
    });

    it('sales orders, seeded and created, conform to the V4 EDMX and parse with SalesOrderReadSchema', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      try {
        const order = await adapter.erp.createSalesOrder({ customerId: '1000815', currency: 'USD', externalRef: 'ord-conformance-1', lines: [{ itemId: 'STRATA-ENT', quantity: 2 }] }, testCallContext());
        expect(order.ok).toBe(true);
      } finally {
        await adapter.close();
      }
      const list = (await (await get(`${SO_SERVICE_PATH}/SalesOrder?$expand=_Item`, V4_ACCEPT)).json()) as { value: unknown[] };
      expect(list.value.length).toBeGreaterThanOrEqual(3); // two seeded open orders and the created one
      for (const order of list.value) expect(entityProblems(SO, SO.typeOfSet('SalesOrder'), order, 'v4')).toEqual([]);
      const parsed = v4Collection(SalesOrderReadSchema).safeParse(list);
      expect(parsed.error?.issues).toBeUndefined();
      // Without IEEE754Compatible, decimals come as JSON numbers; the schema still reads them as text.
      const numeric = (await (await get(`${SO_SERVICE_PATH}/SalesOrder('5000000')?$expand=_Item`, 'application/json')).json()) as Record<string, unknown>;
      expect(typeof numeric.TotalNetAmount).toBe('number');
      expect(SalesOrderReadSchema.parse(numeric).TotalNetAmount).toBe('4000');
    });

    it('credit accounts and receivable line items parse with their documented schemas and carry no other property', async () => {
      for (const seed of SEED_COMPANIES) {
        const account = (await (await get(`${CREDIT_SERVICE_PATH}/CreditManagementAccount(BusinessPartner='${seed.vendorIds.sapBusinessPartner}',CreditSegment='1000')`)).json()) as { d: Record<string, unknown> };
        const parsedAccount = v2Entity(CreditManagementAccount.schema.extend({ __metadata: z.unknown().optional() }).strict()).safeParse(account);
        expect(parsedAccount.error?.issues).toBeUndefined();
        const items = (await (await get(`${AR_SERVICE_PATH}/A_OperationalAcctgDocItemCube?$filter=Customer eq '${seed.vendorIds.sapBusinessPartner}'`)).json()) as { d: { results: Record<string, unknown>[] } };
        expect(items.d.results.length).toBe(seed.openInvoices.length + 2);
        const strict = ArLineItem.schema.extend({ __metadata: z.unknown().optional() }).strict();
        for (const row of items.d.results) {
          const parsed = strict.safeParse(row);
          expect(parsed.error?.issues).toBeUndefined();
        }
        expect(v2Collection(ArLineItem.schema).safeParse(items).success).toBe(true);
      }
    });

    it('errors come in SAP envelopes: V2 for business partner and finance, V4 for sales orders; 401 and CSRF as SAP answers them', async () => {
      const v2 = [
        await get(`${BP_SERVICE_PATH}/A_BusinessPartner('9999999')`),
        await get(`${BP_SERVICE_PATH}/A_BusinessPartner?$filter=NoSuchField eq 'x'`),
        await get(`${CREDIT_SERVICE_PATH}/CreditManagementAccount(BusinessPartner='9999999',CreditSegment='1000')`),
        await get(`${BP_SERVICE_PATH}/A_BusinessPartner('1000812')`, 'application/json', { 'x-sandbox-fault': 'error500' }),
        await get(`${AR_SERVICE_PATH}/A_OperationalAcctgDocItemCube`, 'application/json', { 'x-sandbox-fault': 'error503' }),
        await get(`${BP_SERVICE_PATH}/A_BusinessPartner('1000812')`, 'application/json', { 'x-sandbox-fault': 'rate-limit' }),
      ];
      expect(v2.map((r) => r.status)).toEqual([404, 400, 404, 500, 503, 429]);
      expect(v2[5]!.headers.get('retry-after')).toBe('30');
      for (const res of v2) expect(V2ErrorSchema.safeParse(await res.json()).success).toBe(true);

      const v4 = [
        await get(`${SO_SERVICE_PATH}/SalesOrder('9999999')`, V4_ACCEPT),
        await get(`${SO_SERVICE_PATH}/SalesOrder?$filter=NoSuchField eq 'x'`, V4_ACCEPT),
        await get(`${SO_SERVICE_PATH}/SalesOrder('5000000')`, V4_ACCEPT, { 'x-sandbox-fault': 'error503' }),
      ];
      expect(v4.map((r) => r.status)).toEqual([404, 400, 503]);
      for (const res of v4) {
        const body = await res.json();
        expect(V4ErrorSchema.safeParse(body).success).toBe(true);
        expect(V2ErrorSchema.safeParse(body).success).toBe(false);
      }

      const anonymous = await fetch(`${sandbox.baseUrl}${BP_SERVICE_PATH}/A_BusinessPartner('1000812')`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const noToken = await fetch(`${sandbox.baseUrl}${BP_SERVICE_PATH}/A_BusinessPartner`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: '{}' });
      expect(noToken.status).toBe(403);
      expect(noToken.headers.get('x-csrf-token')).toBe('Required');
    });
  });

  describe('adapter requests match the operations the services declare', () => {
    const serviceOf = (path: string) =>
      [
        { root: BP_SERVICE_PATH, version: 'v2' as const, model: BP as EdmxModel | undefined },
        { root: SO_SERVICE_PATH, version: 'v4' as const, model: SO as EdmxModel | undefined },
        { root: CREDIT_SERVICE_PATH, version: 'v2' as const, model: undefined, sets: { CreditManagementAccount: CreditManagementAccount } },
        { root: AR_SERVICE_PATH, version: 'v2' as const, model: undefined, sets: { A_OperationalAcctgDocItemCube: ArLineItem } },
      ].find((s) => path.startsWith(`${s.root}/`));

    /** The entity type (EDMX, or the documented declaration as a property list) a resource addresses. */
    const resolve = (path: string): { version: 'v2' | 'v4'; model?: EdmxModel; type?: EdmxEntityType; props: Map<string, { filterable: boolean }>; keys: string[]; resource: string } => {
      const service = serviceOf(path);
      expect(service, path).toBeDefined();
      const resource = path.slice(service!.root.length + 1);
      if (resource === '') return { version: service!.version, props: new Map(), keys: [], resource };
      const m = /^([A-Za-z_]\w*)(?:\((.*)\))?$/.exec(resource);
      expect(m, resource).not.toBeNull();
      const keys = m![2] === undefined ? [] : m![2].includes('=') ? [...m![2].matchAll(/(\w+)='/g)].map((k) => k[1]!) : ['<single>'];
      if (service!.model) {
        const type = service!.model.typeOfSet(m![1]!);
        return { version: service!.version, model: service!.model, type, props: new Map([...type.properties].map(([k, p]) => [k, { filterable: p.filterable }])), keys, resource };
      }
      const decl = (service as unknown as { sets: Record<string, { fields: object; keys: readonly string[] }> }).sets[m![1]!];
      expect(decl, resource).toBeDefined();
      if (keys.length > 0 && keys[0] !== '<single>') expect([...keys].sort()).toEqual([...decl!.keys].sort());
      return { version: service!.version, props: new Map(Object.keys(decl!.fields).map((k) => [k, { filterable: true }])), keys, resource };
    };

    const checkRequest = (r: RecordedRequest) => {
      const target = resolve(r.path);
      expect(r.headers.authorization, r.path).toBe('Basic [credentials]');
      expect(r.headers.traceparent, r.path).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(r.headers.accept, r.path).toBe(target.version === 'v2' ? 'application/json' : V4_ACCEPT);
      if (target.resource === '') {
        expect([r.method, r.headers['x-csrf-token']]).toEqual(['GET', 'Fetch']);
        return;
      }
      if (target.type && target.keys.length > 0 && target.keys[0] !== '<single>') expect([...target.keys].sort()).toEqual([...target.type.keys].sort());
      if (target.type && target.keys[0] === '<single>') expect(target.type.keys).toHaveLength(1);
      for (const [option, value] of Object.entries(r.query)) {
        expect(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$skiptoken'], option).toContain(option);
        if (option === '$filter' || option === '$orderby') {
          for (const prop of referencedProperties(value)) {
            expect(target.props.has(prop), `${prop} in ${option} of ${target.resource}`).toBe(true);
            expect(target.props.get(prop)!.filterable, `${prop} filterable`).toBe(true);
          }
        }
        if (option === '$select') for (const prop of value.split(',')) expect(target.props.has(prop), `${prop} in $select`).toBe(true);
        if (option === '$expand') {
          for (const path of value.split(',')) {
            let type = target.type!;
            for (const nav of path.split('/')) {
              const n = type.navigations.get(nav);
              expect(n, `${nav} in $expand of ${type.name}`).toBeDefined();
              type = target.model!.entityTypes.get(n!.target)!;
            }
          }
        }
        if (option === '$top') expect(Number(value)).toBeGreaterThan(0);
      }
      if (r.method === 'GET') return;
      expect(r.headers['x-csrf-token'], r.path).toBe('[token]');
      expect(r.headers.cookie, r.path).toBe('[session cookies]');
      expect(r.headers['content-type'], r.path).toBe(target.version === 'v2' ? 'application/json' : V4_ACCEPT);
      if (r.method === 'PATCH') expect(r.headers['if-match'], r.path).toMatch(/^W\/"/);
      expect(bodyProblems(target.model!, target.type!, JSON.parse(r.body!), target.version, r.method === 'POST' ? 'create' : 'update')).toEqual([]);
    };

    it('when the adapter runs every port operation, each request names a declared entity set, keys, options, headers and body', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      const ctx = () => testCallContext();
      try {
        expect((await adapter.erp.getCustomer('1000812', ctx())).ok).toBe(true);
        expect((await adapter.erp.findCustomers({ taxId: 'GB980780684' }, ctx())).ok).toBe(true);
        expect((await adapter.erp.findCustomers({ legalName: "O'Brien & Daughters", country: 'IE' }, ctx())).ok).toBe(true);
        const created = await adapter.erp.createOrMatchCustomer(
          { legalName: 'Hooli Inc.', country: 'US', currency: 'USD', taxId: '94-1234567', email: 'ap@hooli.example', billingAddress: { line1: '1 Hooli Way', line2: 'Building 4', city: 'Palo Alto', postalCode: '94301', region: 'CA', country: 'US' }, externalRef: 'cus_01HZX3HOOLI' },
          ctx(),
        );
        expect(created.ok && created.value.outcome).toBe('created');
        expect((await adapter.erp.getCreditProfile('1000813', ctx())).ok).toBe(true);
        expect((await adapter.erp.listInvoices('1000813', { status: 'open', limit: 10 }, ctx())).ok).toBe(true);
        expect((await adapter.erp.listInvoices('1000815', { status: 'paid', limit: 10 }, ctx())).ok).toBe(true);
        expect((await adapter.erp.listPayments('1000812', { limit: 10 }, ctx())).ok).toBe(true);
        const order = await adapter.erp.createSalesOrder(
          { customerId: '1000815', currency: 'USD', externalRef: 'ord-requests-1', purchaseOrderNumber: 'PO 4711', orderedOn: '2026-11-02', lines: [{ itemId: 'strata-ent', quantity: 10, unitPriceMinor: 40_00, description: 'Seats' }, { itemId: 'STRATA-SVC', quantity: 1 }] },
          ctx(),
        );
        expect(order.ok).toBe(true);
        expect((await adapter.erp.getSalesOrder(order.ok ? order.value.id : '', ctx())).ok).toBe(true);
        // Stark predates Strata in SAP (no external number): a match by tax number writes the reference back, with the ETag.
        expect(await adapter.erp.createOrMatchCustomer({ legalName: 'Stark Industries', country: 'US', currency: 'USD', taxId: '13-3871234', externalRef: 'cus_01HZX3STARK' }, ctx())).toMatchObject({ ok: true, value: { outcome: 'matched' } });
      } finally {
        await adapter.close();
      }
      const requests = await sandbox.requests();
      expect(requests.length).toBeGreaterThan(15);
      for (const r of requests) checkRequest(r);
      const methods = new Set(requests.map((r) => `${r.method} ${serviceOf(r.path)?.root ?? r.path}`));
      expect([...methods].sort()).toEqual(
        [`GET ${AR_SERVICE_PATH}`, `GET ${BP_SERVICE_PATH}`, `GET ${CREDIT_SERVICE_PATH}`, `GET ${SO_SERVICE_PATH}`, `PATCH ${BP_SERVICE_PATH}`, `POST ${BP_SERVICE_PATH}`, `POST ${SO_SERVICE_PATH}`].sort(),
      );
      // One CSRF token fetch per service written to, before its first write.
      expect(requests.filter((r) => r.headers['x-csrf-token'] === 'Fetch').map((r) => r.path)).toEqual([`${BP_SERVICE_PATH}/`, `${SO_SERVICE_PATH}/`]);
    });

    it('a filter literal doubles embedded quotes, and the query is percent-encoded with %20', async () => {
      const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
      try {
        expect(await adapter.erp.findCustomers({ legalName: "O'Brien & Daughters" }, testCallContext())).toEqual({ ok: true, value: [] });
      } finally {
        await adapter.close();
      }
      const [request] = await sandbox.requests();
      expect(request!.query.$filter).toBe("BusinessPartnerCategory eq '2' and tolower(OrganizationBPName1) eq 'o''brien & daughters'");
    });
  });
});
