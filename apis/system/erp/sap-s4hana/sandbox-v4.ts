/**
 * The SAP sandbox's OData V4 Sales Order service (`CE_SALESORDER_0001`): read by key with `$expand`,
 * query, and deep insert with `_Item` (and a manual price as `_ItemPricingElement`), with SAP's credit
 * check setting `TotalCreditCheckStatus`. Decimals are strings when the client sends
 * `IEEE754Compatible=true`, numbers otherwise (OData JSON Format §3.2).
 */
import { readFileSync } from 'node:fs';
import { decimalToMinor } from './odata-query.js';
import { newOrder, SANDBOX_PRODUCTS, soModel, type OrderRecord } from './sandbox-data.js';
import { v4ErrorResponse } from './sandbox-faults.js';
import { matches, ODataQueryError, pageOf, parseFilter, parseOrderBy, parsePaging, parseSelect } from './sandbox-odata.js';
import type { ServiceRequest } from './sandbox-v2.js';
import { bodyProblem, checkExpand, expandOf, parseKeyPredicate, serializeV4, type EntityNode } from './sandbox-wire.js';

const METADATA_ETAG = 'W/"20261102080000"';
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8', 'odata-version': '4.0', ...headers } });
const badRequest = (message: string, target?: string) => v4ErrorResponse(400, '/IWBEP/CM_V4_RUNTIME/001', message, target ? { target } : {});
const notFound = () => v4ErrorResponse(404, '/IWBEP/CM_V4_RUNTIME/021', 'The requested entity does not exist');
const methodNotAllowed = () => v4ErrorResponse(405, '/IWBEP/CM_V4_RUNTIME/027', 'The request method is not allowed for this resource');

const typeOf = (qualified: string) => soModel().entityTypes.get(qualified);
const ieee754 = (header: string | undefined) => /IEEE754Compatible=true/i.test(header ?? '');

const orderEtag = (o: OrderRecord) => `W/"SADL-0${String(o.header.LastChangeDateTime).replace(/\D/g, '').slice(0, 14)}.0000000C"`;

const orderNode = (o: OrderRecord): EntityNode => ({
  type: soModel().typeOfSet('SalesOrder'),
  set: 'SalesOrder',
  data: o.header,
  etag: orderEtag(o),
  nav: (name) => (name === '_Item' ? o.items.map((data) => ({ type: soModel().typeOfSet('SalesOrderItem'), set: 'SalesOrderItem', data })) : []),
});

interface ItemInput {
  SalesOrderItem?: string;
  Product?: string;
  RequestedQuantity?: string | number;
  SalesOrderItemText?: string;
  _ItemPricingElement?: { ConditionType?: string; ConditionRateAmount?: string | number; ConditionCurrency?: string }[];
}
interface OrderInput {
  SalesOrder?: string;
  SalesOrderType?: string;
  SalesOrganization?: string;
  DistributionChannel?: string;
  OrganizationDivision?: string;
  SoldToParty?: string;
  TransactionCurrency?: string;
  PurchaseOrderByCustomer?: string;
  PurchaseOrderByShipToParty?: string;
  SalesOrderDate?: string;
  _Item?: ItemInput[];
}

/** The manual price condition the sandbox's pricing procedure accepts. */
const MANUAL_PRICE = 'PPR0';

const createOrder = async (req: ServiceRequest): Promise<Response> => {
  const contentType = req.c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) return v4ErrorResponse(415, '/IWBEP/CM_V4_RUNTIME/015', 'Content type not supported; send application/json');
  let body: unknown;
  try {
    body = JSON.parse(await req.c.req.text());
  } catch {
    return badRequest('Malformed JSON in the request body');
  }
  const problem = bodyProblem(soModel().typeOfSet('SalesOrder'), body, { version: 'v4', mode: 'create', typeOf });
  if (problem) return badRequest(problem.message, problem.target);
  const input = body as OrderInput;
  if (input.SalesOrder) return badRequest('Sales order numbers are assigned internally', 'SalesOrder');
  if (!input.SalesOrderType) return badRequest('Enter a sales document type', 'SalesOrderType');
  const area = { salesOrganization: input.SalesOrganization ?? '', distributionChannel: input.DistributionChannel ?? '', division: input.OrganizationDivision ?? '' };
  const partner = req.state.partners().get(input.SoldToParty ?? '');
  const salesArea = partner?.customer?.salesAreas.find((s) => s.SalesOrganization === area.salesOrganization && s.DistributionChannel === area.distributionChannel && s.Division === area.division);
  if (!salesArea) return v4ErrorResponse(400, 'V1/390', `Sold-to party ${input.SoldToParty ?? ''} is not defined for sales area ${area.salesOrganization}/${area.distributionChannel}/${area.division}`, { target: 'SoldToParty' });
  const currency = input.TransactionCurrency || String(salesArea.Currency);
  const items = input._Item ?? [];
  if (items.length === 0) return badRequest('Enter at least one item', '_Item');
  const lines: { item: string; product: string; text: string; quantity: string; netMinor: number }[] = [];
  for (const [i, item] of items.entries()) {
    const itemNo = item.SalesOrderItem || String((i + 1) * 10);
    const target = `_Item(SalesOrder='',SalesOrderItem='${itemNo}')`;
    const product = SANDBOX_PRODUCTS[item.Product ?? ''];
    if (!product) return v4ErrorResponse(400, 'V1/392', `Material ${item.Product ?? ''} is not defined for sales org. ${area.salesOrganization}`, { target: `${target}/Product` });
    const quantity = Number(item.RequestedQuantity);
    if (!(quantity > 0)) return badRequest('Enter a quantity greater than zero', `${target}/RequestedQuantity`);
    const manual = item._ItemPricingElement?.find((p) => p.ConditionType === MANUAL_PRICE);
    if (item._ItemPricingElement?.some((p) => p.ConditionType !== MANUAL_PRICE)) return badRequest('Only the price condition PPR0 can be entered manually', `${target}/_ItemPricingElement`);
    if (manual && manual.ConditionCurrency && manual.ConditionCurrency !== currency) return badRequest('The condition currency must be the document currency', `${target}/_ItemPricingElement`);
    const unitMinor = manual ? decimalToMinor(String(manual.ConditionRateAmount), currency) : product.priceMinor;
    if (unitMinor === undefined) return badRequest('Invalid condition amount', `${target}/_ItemPricingElement`);
    lines.push({ item: itemNo, product: item.Product!, text: item.SalesOrderItemText ?? product.text, quantity: quantity.toFixed(3), netMinor: Math.round(unitMinor * quantity) });
  }
  const number = req.state.orderNumber();
  const totalMinor = lines.reduce((t, l) => t + l.netMinor, 0);
  const order = newOrder({
    number,
    type: input.SalesOrderType,
    soldTo: input.SoldToParty!,
    salesArea: area,
    currency,
    reference: input.PurchaseOrderByCustomer ?? '',
    ...(input.PurchaseOrderByShipToParty ? { poShipTo: input.PurchaseOrderByShipToParty } : {}),
    ...(input.SalesOrderDate ? { orderDate: input.SalesOrderDate } : {}),
    createdAt: req.now,
    creditStatus: req.state.creditCheck(input.SoldToParty!, String(salesArea.CreditControlArea || '0000'), currency, totalMinor),
    items: lines,
  });
  req.state.orders().set(number, order);
  const created = orderNode(order);
  return json(
    { '@odata.context': '$metadata#SalesOrder/$entity', '@odata.metadataEtag': METADATA_ETAG, ...serializeV4(created, { _Item: {} }, ieee754(contentType)) },
    201,
    { location: `SalesOrder('${number}')`, etag: created.etag! },
  );
};

const readOrders = (req: ServiceRequest, key: Record<string, string> | undefined): Response => {
  const q = req.c.req.query();
  const type = soModel().typeOfSet('SalesOrder');
  const wide = ieee754(req.c.req.header('accept'));
  try {
    const has = (name: string) => type.properties.has(name);
    const select = q.$select ? parseSelect(q.$select, has) : undefined;
    const expand = expandOf(q.$expand);
    const wrongExpand = checkExpand(type, expand, typeOf);
    if (wrongExpand) return badRequest(wrongExpand);
    const nodes = [...req.state.orders().values()].map(orderNode);
    if (key) {
      const found = nodes.find((n) => n.data.SalesOrder === (key[''] ?? key.SalesOrder));
      if (!found) return notFound();
      return json({ '@odata.context': '$metadata#SalesOrder/$entity', '@odata.metadataEtag': METADATA_ETAG, ...serializeV4(found, expand, wide, select) }, 200, { etag: found.etag! });
    }
    const filter = q.$filter ? parseFilter(q.$filter, has) : undefined;
    const order = q.$orderby ? parseOrderBy(q.$orderby, has) : undefined;
    let rows = filter ? nodes.filter((n) => matches(filter, n.data)) : nodes;
    if (order) rows = rows.sort((a, b) => order(a.data, b.data));
    const { page, nextStart } = pageOf(rows, parsePaging(q), req.pageSize);
    const next = new URLSearchParams(Object.entries(q).filter(([k]) => k !== '$skiptoken'));
    next.set('$skiptoken', String(nextStart));
    return json({
      '@odata.context': '$metadata#SalesOrder',
      '@odata.metadataEtag': METADATA_ETAG,
      value: page.map((n) => serializeV4(n, expand, wide, select)),
      ...(nextStart !== undefined ? { '@odata.nextLink': `SalesOrder?${next.toString().replace(/\+/g, '%20')}` } : {}),
    });
  } catch (e) {
    if (e instanceof ODataQueryError) return badRequest(e.message);
    throw e;
  }
};

export const salesOrderService = async (req: ServiceRequest): Promise<Response> => {
  const method = req.c.req.method;
  if (req.resource === '') {
    return method === 'GET' ? json({ '@odata.context': '$metadata', '@odata.metadataEtag': METADATA_ETAG, value: [...soModel().entitySets.keys()].map((name) => ({ name, url: name })) }) : methodNotAllowed();
  }
  if (req.resource === '$metadata') {
    return method === 'GET'
      ? new Response(readFileSync(new URL('../../../../openapi/vendors/sap-s4hana/CE_SALESORDER_0001.subset.edmx', import.meta.url), 'utf8'), { headers: { 'content-type': 'application/xml', 'odata-version': '4.0' } })
      : methodNotAllowed();
  }
  const m = /^SalesOrder(?:\((.*)\))?$/.exec(req.resource);
  if (!m) return soModel().entitySets.has(req.resource.split('(')[0]!) ? v4ErrorResponse(501, '/IWBEP/CM_V4_RUNTIME/050', 'The sandbox does not serve this entity set') : notFound();
  const key = m[1] === undefined ? undefined : parseKeyPredicate(m[1]);
  if (m[1] !== undefined && !key) return badRequest('Invalid key predicate');
  if (method === 'GET') return readOrders(req, key);
  if (method === 'POST' && !key) return createOrder(req);
  return methodNotAllowed();
};
