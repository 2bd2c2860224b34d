// The Business Central sandbox's salesOrders: list, get, deep insert with salesOrderLines, PATCH, DELETE, and their lines.
import { randomUUID } from 'node:crypto';
import { SANDBOX_ITEMS, isoDay, itemIdOf, orderHeader, orderLine } from './sandbox-data.js';
import { bodyOf, checkCurrency, checkIfMatch, methodNotAllowed, notASegment, parseKey, type ResourceRequest } from './sandbox-resource.js';
import { created, entity, list } from './sandbox-responses.js';
import { findCustomer, orderExpand } from './sandbox-store.js';
import { badRequest, notFound, readBody, refuse } from './sandbox-wire.js';

/** `…/salesOrders`, `…/salesOrders({id})` and `…/salesOrders({id})/salesOrderLines[({id})]`. */
export const salesOrdersResource = async (r: ResourceRequest): Promise<Response> => {
  const { c, method, key, third, query, page, contextBase, now, store } = r;
  if (key === undefined) {
    if (third) return notASegment(third.name);
    if (method === 'GET') return list(page, query, `${contextBase}/salesOrders`, 'salesOrder', [...store.orders.values()].map((o) => o.header), orderExpand(store));
    if (method === 'POST') return createOrder(r, await bodyOf(c));
    return methodNotAllowed();
  }
  const order = store.orders.get(key);
  if (!order) return notFound('Sales Header', `Id='{${key}}'`);
  if (third) {
    if (third.name !== 'salesOrderLines' || method !== 'GET') return third.name !== 'salesOrderLines' ? notASegment(third.name) : methodNotAllowed();
    if (third.key !== undefined) {
      const line = order.lines.find((l) => l.id === parseKey(third.key!));
      return line ? entity(line, query, `${contextBase}/salesOrders(${key})/salesOrderLines/$entity`, 'salesOrderLine') : notFound('Sales Line', `Id='{${third.key}}'`);
    }
    return list(page, query, `${contextBase}/salesOrders(${key})/salesOrderLines`, 'salesOrderLine', order.lines);
  }
  if (method === 'GET') return entity(order.header, query, `${contextBase}/salesOrders/$entity`, 'salesOrder', orderExpand(store));
  if (method === 'PATCH') {
    const updates = readBody(await bodyOf(c), 'salesOrder');
    checkIfMatch(c, order.header);
    for (const fixed of ['customerId', 'customerNumber', 'number']) if (updates[fixed] !== undefined && updates[fixed] !== order.header[fixed]) refuse(badRequest(`The property '${fixed}' cannot be changed on an existing order.`));
    order.header = { ...order.header, ...updates, lastModifiedDateTime: new Date(now).toISOString() };
    return entity(order.header, query, `${contextBase}/salesOrders/$entity`, 'salesOrder', orderExpand(store));
  }
  if (method === 'DELETE') {
    checkIfMatch(c, order.header);
    store.orders.delete(key);
    return new Response(null, { status: 204 });
  }
  return methodNotAllowed();
};

/** `POST …/salesOrders`: a draft order with its `salesOrderLines` (deep insert, item lines only). */
const createOrder = (r: ResourceRequest, raw: unknown) => {
  const { query, contextBase, entityUrl, now, store } = r;
  const body = readBody(raw, 'salesOrder', ['salesOrderLines']);
  const customer = findCustomer(store, body).record;
  const currencyCode = typeof body.currencyCode === 'string' && body.currencyCode !== '' ? body.currencyCode : String(customer.currencyCode);
  checkCurrency(currencyCode);
  const rawLines = body.salesOrderLines ?? [];
  if (!Array.isArray(rawLines)) return badRequest("The property 'salesOrderLines' must be a collection.");
  const id = randomUUID();
  const orderDate = typeof body.orderDate === 'string' ? body.orderDate : isoDay(now);
  const lines = rawLines.map((rawLine, index) => {
    const line = readBody(rawLine, 'salesOrderLine');
    const lineType = line.lineType ?? 'Item';
    if (lineType !== 'Item') refuse(badRequest(`The sandbox supports lines of type 'Item' only, not '${String(lineType)}'.`));
    const itemId = typeof line.itemId === 'string' ? line.itemId.toLowerCase() : undefined;
    const item = itemId ? SANDBOX_ITEMS.find((i) => itemIdOf(i.number) === itemId) : SANDBOX_ITEMS.find((i) => i.number === line.lineObjectNumber);
    if (!item) refuse(notFound('Item', `No.='${String(line.lineObjectNumber ?? line.itemId)}'`));
    if (typeof line.quantity !== 'number' || line.quantity < 0) refuse(badRequest('Quantity must be a positive number.'));
    return orderLine(
      id,
      (index + 1) * 10000,
      {
        number: item!.number,
        description: typeof line.description === 'string' && line.description !== '' ? line.description : item!.displayName,
        quantity: line.quantity as number,
        unitPrice: typeof line.unitPrice === 'number' ? line.unitPrice : item!.unitPrice,
      },
      typeof line.shipmentDate === 'string' ? line.shipmentDate : orderDate,
    );
  });
  const header = orderHeader(
    {
      id,
      number: `S-ORD${store.counters.order++}`,
      externalDocumentNumber: typeof body.externalDocumentNumber === 'string' ? body.externalDocumentNumber : '',
      orderDate,
      currencyCode,
      status: 'Draft',
      lastModifiedDateTime: new Date(now).toISOString(),
    },
    customer,
    lines,
  );
  store.orders.set(id, { header, lines });
  return created(header, query, `${contextBase}/salesOrders/$entity`, entityUrl('salesOrders', id), 'salesOrder', orderExpand(store));
};
