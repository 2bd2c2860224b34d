/**
 * The SAP sandbox's OData V2 services: Business Partner (`API_BUSINESS_PARTNER`: read, query, deep
 * insert, `PATCH` with `If-Match`), Credit Management master data (`API_CRDTMBUSINESSPARTNER`) and
 * accounts-receivable line items (`API_OPLACCTGDOCITEMCUBE_SRV`), in SAP Gateway's V2 JSON format.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import type { EdmxEntityType } from '../../../../openapi/vendors/sap-s4hana/edmx.js';
import { ArLineItem, CreditManagementAccount } from '../../../../openapi/vendors/sap-s4hana/finance.js';
import { bpModel, newPartner, partnerEtag, v2Date, v2Time, type PartnerRecord, type Wire } from './sandbox-data.js';
import { v2ErrorResponse } from './sandbox-faults.js';
import { matches, ODataQueryError, pageOf, parseFilter, parseOrderBy, parsePaging, parseSelect } from './sandbox-odata.js';
import type { SandboxState } from './sandbox-state.js';
import { bodyProblem, checkExpand, expandOf, keyPredicate, parseKeyPredicate, serializeV2, typeFromDeclaration, type EntityNode } from './sandbox-wire.js';

export interface ServiceRequest {
  readonly c: Context;
  readonly state: SandboxState;
  /** The resource path after the service root, percent-decoded: `A_BusinessPartner('1000812')`, `$metadata`, ``. */
  readonly resource: string;
  /** The service root as the client called it (absolute), for `__metadata.uri` and `__next`. */
  readonly serviceUrl: string;
  readonly pageSize: number;
  readonly now: number;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', dataserviceversion: '2.0', ...headers } });
const notFound = (segment: string) => v2ErrorResponse(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${segment}'`);
const badRequest = (message: string, target?: string) => v2ErrorResponse(400, '/IWBEP/CM_MGW_RT/022', message, target ? { target } : {});
const notServed = (segment: string) => v2ErrorResponse(501, '/IWBEP/CM_MGW_RT/025', `The sandbox does not serve '${segment}'`);
const methodNotAllowed = () => v2ErrorResponse(405, '/IWBEP/CM_MGW_RT/105', 'The request method is not allowed for this resource');

/** `EntitySet` or `EntitySet(key)`. */
const RESOURCE = /^([A-Za-z_]\w*)(?:\((.*)\))?$/;

const metadata = (file: string) => new Response(readFileSync(new URL(`../../../../openapi/vendors/sap-s4hana/${file}`, import.meta.url), 'utf8'), { headers: { 'content-type': 'application/xml', dataserviceversion: '2.0' } });
const serviceDocument = (sets: readonly string[]) => json({ d: { EntitySets: sets } });

// ---------------------------------------------------------------------------------------------------
// Collections: $filter, $orderby, $select, $expand, $top/$skip and server-side paging with __next

const collection = (req: ServiceRequest, nodes: readonly EntityNode[], type: EdmxEntityType, typeOf: (n: string) => EdmxEntityType | undefined): Response => {
  const q = req.c.req.query();
  try {
    const has = (name: string) => type.properties.has(name);
    const filter = q.$filter ? parseFilter(q.$filter, has) : undefined;
    const order = q.$orderby ? parseOrderBy(q.$orderby, has) : undefined;
    const select = q.$select ? parseSelect(q.$select, has) : undefined;
    const expand = expandOf(q.$expand);
    const wrongExpand = checkExpand(type, expand, typeOf);
    if (wrongExpand) return badRequest(wrongExpand);
    const paging = parsePaging(q);
    let rows = filter ? nodes.filter((n) => matches(filter, n.data)) : [...nodes];
    if (order) rows = rows.sort((a, b) => order(a.data, b.data));
    const { page, nextStart } = pageOf(rows, paging, req.pageSize);
    const next = new URL(req.c.req.url);
    next.searchParams.set('$skiptoken', String(nextStart));
    return json({
      d: {
        results: page.map((n) => serializeV2(n, expand, req.serviceUrl, select)),
        ...(q.$inlinecount === 'allpages' ? { __count: String(rows.length) } : {}),
        ...(nextStart !== undefined ? { __next: next.href.replace(/\+/g, '%20') } : {}),
      },
    });
  } catch (e) {
    if (e instanceof ODataQueryError) return badRequest(e.message);
    throw e;
  }
};

const single = (req: ServiceRequest, node: EntityNode | undefined, segment: string, typeOf: (n: string) => EdmxEntityType | undefined): Response => {
  if (!node) return notFound(segment);
  const q = req.c.req.query();
  try {
    const select = q.$select ? parseSelect(q.$select, (n) => node.type.properties.has(n)) : undefined;
    const expand = expandOf(q.$expand);
    const wrongExpand = checkExpand(node.type, expand, typeOf);
    if (wrongExpand) return badRequest(wrongExpand);
    return json({ d: serializeV2(node, expand, req.serviceUrl, select) }, 200, node.etag ? { etag: node.etag } : {});
  } catch (e) {
    if (e instanceof ODataQueryError) return badRequest(e.message);
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------------
// Business partner

const bpSet = (set: string) => bpModel().typeOfSet(set);
const bpTypeOf = (qualified: string) => bpModel().entityTypes.get(qualified);
const node = (set: string, data: Wire, nav?: EntityNode['nav']): EntityNode => ({ type: bpSet(set), set, data, ...(nav ? { nav } : {}) });

export const partnerNode = (p: PartnerRecord): EntityNode => ({
  type: bpSet('A_BusinessPartner'),
  set: 'A_BusinessPartner',
  data: p.bp,
  etag: partnerEtag(p),
  nav: (name) => {
    switch (name) {
      case 'to_BusinessPartnerAddress':
        return p.addresses.map((a) =>
          node('A_BusinessPartnerAddress', a.address, (n) =>
            n === 'to_EmailAddress'
              ? a.emails.map((e) => node('A_AddressEmailAddress', e))
              : n === 'to_PhoneNumber'
                ? a.phones.map((e) => node('A_AddressPhoneNumber', e))
                : a.mobiles.map((e) => node('A_AddressPhoneNumber', e)),
          ),
        );
      case 'to_BusinessPartnerTax':
        return p.taxes.map((t) => node('A_BusinessPartnerTaxNumber', t));
      case 'to_BusinessPartnerRole':
        return p.roles.map((r) => node('A_BusinessPartnerRole', r));
      case 'to_Customer': {
        const customer = p.customer;
        return customer
          ? node('A_Customer', customer.customer, (n) => (n === 'to_CustomerSalesArea' ? customer.salesAreas.map((s) => node('A_CustomerSalesArea', s)) : customer.companies.map((s) => node('A_CustomerCompany', s))))
          : null;
      }
      case 'to_BPCreditWorthiness':
        return p.creditWorthiness ? node('A_BPCreditWorthiness', p.creditWorthiness) : null;
      default:
        return [];
    }
  },
});

/** Everything a deep insert created, expanded in its answer. */
const CREATED_EXPAND = expandOf('to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_PhoneNumber,to_BusinessPartnerTax,to_BusinessPartnerRole,to_Customer/to_CustomerSalesArea');

type Results<T> = { results?: T[] } | undefined;
interface DeepInsert {
  BusinessPartnerCategory?: string;
  BusinessPartnerGrouping?: string;
  OrganizationBPName1?: string;
  OrganizationBPName2?: string;
  OrganizationBPName3?: string;
  OrganizationBPName4?: string;
  BusinessPartnerIDByExtSystem?: string;
  to_BusinessPartnerRole?: Results<{ BusinessPartnerRole?: string }>;
  to_BusinessPartnerAddress?: Results<{
    Country?: string;
    CityName?: string;
    PostalCode?: string;
    StreetName?: string;
    StreetSuffixName?: string;
    Region?: string;
    Language?: string;
    to_EmailAddress?: Results<{ EmailAddress?: string }>;
    to_PhoneNumber?: Results<{ PhoneNumber?: string }>;
  }>;
  to_BusinessPartnerTax?: Results<{ BPTaxType?: string; BPTaxNumber?: string; BPTaxLongNumber?: string }>;
  to_Customer?: { to_CustomerSalesArea?: Results<{ SalesOrganization?: string; DistributionChannel?: string; Division?: string; Currency?: string }> };
}

const readJson = async (c: Context): Promise<unknown> => {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return Symbol.for('unsupported');
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return Symbol.for('malformed');
  }
};

const createPartner = async (req: ServiceRequest): Promise<Response> => {
  const body = await readJson(req.c);
  if (body === Symbol.for('unsupported')) return v2ErrorResponse(415, '/IWBEP/CM_MGW_RT/004', 'Content type not supported; send application/json');
  if (body === Symbol.for('malformed')) return badRequest('Malformed JSON in the request body');
  const type = bpSet('A_BusinessPartner');
  const problem = bodyProblem(type, body, { version: 'v2', mode: 'create', typeOf: bpTypeOf });
  if (problem) return badRequest(problem.message, problem.target);
  const input = body as DeepInsert;
  if (input.BusinessPartnerCategory !== '2') return v2ErrorResponse(400, 'R11/401', 'The sandbox creates organisations only (BusinessPartnerCategory 2)', { target: 'BusinessPartnerCategory' });
  if (!input.OrganizationBPName1?.trim()) return v2ErrorResponse(400, 'R11/402', 'Enter a name for the organization', { target: 'OrganizationBPName1' });
  const address = input.to_BusinessPartnerAddress?.results?.[0];
  if (!address?.Country || !/^[A-Z]{2}$/.test(address.Country)) return v2ErrorResponse(400, 'R11/403', 'Enter a country/region for the address', { target: 'to_BusinessPartnerAddress/Country' });
  const roles = (input.to_BusinessPartnerRole?.results ?? []).map((r) => r.BusinessPartnerRole ?? '');
  const area = input.to_Customer?.to_CustomerSalesArea?.results?.[0];
  if (input.to_Customer && (!roles.includes('FLCU01') || !area?.SalesOrganization || !area.DistributionChannel || !area.Division || !area.Currency)) {
    return v2ErrorResponse(400, 'R11/404', 'Customer sales data needs role FLCU01 and a complete sales area with currency', { target: 'to_Customer' });
  }
  const id = req.state.partnerNumber();
  const tax = input.to_BusinessPartnerTax?.results?.[0];
  const name = [input.OrganizationBPName1, input.OrganizationBPName2, input.OrganizationBPName3, input.OrganizationBPName4].filter((n) => n?.trim()).join(' ');
  const partner = newPartner({
    id,
    name,
    externalNumber: (input.BusinessPartnerIDByExtSystem ?? '').toUpperCase(),
    grouping: input.BusinessPartnerGrouping ?? 'BP02',
    createdAt: req.now,
    changedAt: req.now,
    roles,
    address: {
      addressId: req.state.addressNumber(),
      country: address.Country,
      ...(address.CityName ? { city: address.CityName } : {}),
      ...(address.PostalCode ? { postalCode: address.PostalCode } : {}),
      ...(address.StreetName ? { street: address.StreetName } : {}),
      ...(address.StreetSuffixName ? { line2: address.StreetSuffixName } : {}),
      ...(address.Region ? { region: address.Region } : {}),
      language: address.Language ?? 'EN',
      ...(address.to_EmailAddress?.results?.[0]?.EmailAddress ? { email: address.to_EmailAddress.results[0].EmailAddress } : {}),
      ...(address.to_PhoneNumber?.results?.[0]?.PhoneNumber ? { phone: address.to_PhoneNumber.results[0].PhoneNumber } : {}),
    },
    ...(tax?.BPTaxType ? { tax: { type: tax.BPTaxType, ...(tax.BPTaxNumber ? { number: tax.BPTaxNumber.toUpperCase() } : {}), ...(tax.BPTaxLongNumber ? { longNumber: tax.BPTaxLongNumber.toUpperCase() } : {}) } } : {}),
    ...(area ? { salesArea: { currency: area.Currency!, salesOrganization: area.SalesOrganization!, distributionChannel: area.DistributionChannel!, division: area.Division!, creditControlArea: '' } } : {}),
  });
  // OrganizationBPName1..4 as sent (newPartner re-splits the joined name the same way, but keep SAP's fields verbatim).
  for (const field of ['OrganizationBPName1', 'OrganizationBPName2', 'OrganizationBPName3', 'OrganizationBPName4'] as const) partner.bp[field] = input[field] ?? '';
  req.state.partners().set(id, partner);
  const created = partnerNode(partner);
  return json({ d: serializeV2(created, CREATED_EXPAND, req.serviceUrl) }, 201, { location: `${req.serviceUrl}/A_BusinessPartner${keyPredicate(created.type, partner.bp)}`, etag: created.etag! });
};

const updatePartner = async (req: ServiceRequest, partner: PartnerRecord | undefined, segment: string): Promise<Response> => {
  if (!partner) return notFound(segment);
  const ifMatch = req.c.req.header('if-match');
  if (!ifMatch) return v2ErrorResponse(428, '/IWBEP/CM_MGW_RT/136', 'Precondition required: send the entity ETag in If-Match');
  if (ifMatch !== '*' && ifMatch !== partnerEtag(partner)) return v2ErrorResponse(412, '/IWBEP/CM_MGW_RT/137', 'Precondition failed: the entity was changed since it was read');
  const body = await readJson(req.c);
  if (typeof body === 'symbol') return badRequest('Send the changes as application/json');
  const problem = bodyProblem(bpSet('A_BusinessPartner'), body, { version: 'v2', mode: 'update', typeOf: bpTypeOf });
  if (problem) return badRequest(problem.message, problem.target);
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) partner.bp[k] = k === 'BusinessPartnerIDByExtSystem' && typeof v === 'string' ? v.toUpperCase() : v;
  partner.changedAt = Math.max(req.now, partner.changedAt + 1);
  partner.bp.LastChangeDate = v2Date(partner.changedAt);
  partner.bp.LastChangeTime = v2Time(partner.changedAt % 86_400_000);
  return new Response(null, { status: 204, headers: { dataserviceversion: '2.0', etag: partnerEtag(partner) } });
};

export const businessPartnerService = async (req: ServiceRequest): Promise<Response> => {
  const method = req.c.req.method;
  if (req.resource === '') return method === 'GET' ? serviceDocument([...bpModel().entitySets.keys()]) : methodNotAllowed();
  if (req.resource === '$metadata') return method === 'GET' ? metadata('API_BUSINESS_PARTNER.subset.edmx') : methodNotAllowed();
  const m = RESOURCE.exec(req.resource);
  if (!m || !bpModel().entitySets.has(m[1]!)) return notFound(req.resource);
  const [, set, keyText] = m as unknown as [string, string, string | undefined];
  const key = keyText === undefined ? undefined : parseKeyPredicate(keyText);
  if (keyText !== undefined && !key) return badRequest(`Invalid key predicate for ${set}`);
  const partners = req.state.partners();

  if (set === 'A_BusinessPartner') {
    const partner = key ? partners.get(key[''] ?? key.BusinessPartner ?? '') : undefined;
    if (!key && method === 'GET') return collection(req, [...partners.values()].map(partnerNode), bpSet(set), bpTypeOf);
    if (!key && method === 'POST') return createPartner(req);
    if (key && method === 'GET') return single(req, partner && partnerNode(partner), req.resource, bpTypeOf);
    if (key && (method === 'PATCH' || method === 'MERGE')) return updatePartner(req, partner, req.resource);
    return methodNotAllowed();
  }
  if (set === 'A_BusinessPartnerTaxNumber' && method === 'GET') {
    const rows = [...partners.values()].flatMap((p) => p.taxes.map((t) => node(set, t)));
    if (!key) return collection(req, rows, bpSet(set), bpTypeOf);
    return single(req, rows.find((r) => r.data.BusinessPartner === key.BusinessPartner && r.data.BPTaxType === key.BPTaxType), req.resource, bpTypeOf);
  }
  return notServed(set);
};

// ---------------------------------------------------------------------------------------------------
// Credit management master data and accounts-receivable line items (no EDMX held; documented shapes)

const CREDIT_TYPE = typeFromDeclaration(CreditManagementAccount);
const AR_TYPE = typeFromDeclaration(ArLineItem);
const noNav = () => undefined;

export const creditService = (req: ServiceRequest): Response => {
  const method = req.c.req.method;
  if (req.resource === '') return method === 'GET' ? serviceDocument(['CreditManagementAccount']) : methodNotAllowed();
  const m = RESOURCE.exec(req.resource);
  if (!m || m[1] !== 'CreditManagementAccount') return notFound(req.resource);
  if (method !== 'GET') return methodNotAllowed();
  const nodes = [...req.state.creditAccounts().values()].map((data): EntityNode => ({ type: CREDIT_TYPE, set: 'CreditManagementAccount', data }));
  if (m[2] === undefined) return collection(req, nodes, CREDIT_TYPE, noNav);
  const key = parseKeyPredicate(m[2]);
  if (!key?.BusinessPartner || key.CreditSegment === undefined) return badRequest('CreditManagementAccount is keyed by BusinessPartner and CreditSegment');
  return single(req, nodes.find((n) => n.data.BusinessPartner === key.BusinessPartner && n.data.CreditSegment === key.CreditSegment), req.resource, noNav);
};

export const receivablesService = (req: ServiceRequest): Response => {
  const method = req.c.req.method;
  if (req.resource === '') return method === 'GET' ? serviceDocument(['A_OperationalAcctgDocItemCube']) : methodNotAllowed();
  if (req.resource !== 'A_OperationalAcctgDocItemCube') return notFound(req.resource);
  if (method !== 'GET') return methodNotAllowed();
  return collection(req, req.state.lineItems().map((data): EntityNode => ({ type: AR_TYPE, set: 'A_OperationalAcctgDocItemCube', data })), AR_TYPE, noNav);
};
