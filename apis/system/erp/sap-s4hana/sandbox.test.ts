import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BP_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import { V2ErrorSchema, V4ErrorSchema } from '../../../../openapi/vendors/sap-s4hana/odata.js';
import { SO_SERVICE_PATH } from '../../../../openapi/vendors/sap-s4hana/sales-order.js';
import { SANDBOX_SAP_CREDENTIALS } from './config.js';
import { serveSapSandbox, type SapSandboxHandle } from './sandbox-harness.js';

/** The sandbox refuses what SAP refuses, so an adapter mistake fails a test instead of passing quietly. */
const BASIC = `Basic ${Buffer.from(`${SANDBOX_SAP_CREDENTIALS.username}:${SANDBOX_SAP_CREDENTIALS.password}`).toString('base64')}`;
let sandbox: SapSandboxHandle;
beforeAll(async () => {
  sandbox = await serveSapSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

/** A CSRF session as a client gets it: token and cookies from a `Fetch`. */
const session = async (root: string) => {
  const res = await fetch(`${sandbox.baseUrl}${root}/`, { headers: { authorization: BASIC, 'x-csrf-token': 'Fetch' } });
  return { 'x-csrf-token': res.headers.get('x-csrf-token')!, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
};
const send = async (method: string, path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${sandbox.baseUrl}${path}`, { method, headers: { authorization: BASIC, 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });

describe('SAP sandbox', () => {
  it('hands out a CSRF token with session cookies, and accepts a write only with both', async () => {
    const csrf = await session(BP_SERVICE_PATH);
    expect(csrf['x-csrf-token']).toMatch(/\S{16,}/);
    expect(csrf.cookie).toMatch(/^SAP_SESSIONID_S4H_100=[^;]+; sap-usercontext=sap-client=100$/);
    const body = { BusinessPartnerCategory: '2', OrganizationBPName1: 'Token Test', to_BusinessPartnerAddress: { results: [{ Country: 'DE' }] } };
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, body, { 'x-csrf-token': csrf['x-csrf-token'] })).status).toBe(403); // no cookie
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, body, { cookie: csrf.cookie, 'x-csrf-token': 'guess' })).status).toBe(403);
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, body, csrf)).status).toBe(201);
  });

  it('requires If-Match on an update and refuses a stale ETag', async () => {
    const csrf = await session(BP_SERVICE_PATH);
    const read = await fetch(`${sandbox.baseUrl}${BP_SERVICE_PATH}/A_BusinessPartner('1000815')`, { headers: { authorization: BASIC } });
    const etag = read.headers.get('etag')!;
    const path = `${BP_SERVICE_PATH}/A_BusinessPartner('1000815')`;
    expect((await send('PATCH', path, { SearchTerm2: 'X' }, csrf)).status).toBe(428);
    expect((await send('PATCH', path, { SearchTerm2: 'X' }, { ...csrf, 'if-match': etag })).status).toBe(204);
    const stale = await send('PATCH', path, { SearchTerm2: 'Y' }, { ...csrf, 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(V2ErrorSchema.safeParse(await stale.json()).success).toBe(true);
  });

  it('refuses unknown and read-only properties as the EDMX declares them, in V2 and V4', async () => {
    const bp = await session(BP_SERVICE_PATH);
    const readOnly = await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, { BusinessPartnerCategory: '2', OrganizationBPName1: 'X', Customer: '1' }, bp);
    expect(readOnly.status).toBe(400);
    expect(((await readOnly.json()) as { error: { message: { value: string } } }).error.message.value).toMatch(/Customer is read-only/);
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, { BusinessPartnerCategory: '2', OrganizationBPName1: 'X', Nickname: 'x' }, bp)).status).toBe(400);
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, { BusinessPartnerCategory: '2', OrganizationBPName1: 'X'.repeat(41) }, bp)).status).toBe(400);

    const so = await session(SO_SERVICE_PATH);
    const order = { SalesOrderType: 'OR', SalesOrganization: '1010', DistributionChannel: '10', OrganizationDivision: '00', SoldToParty: '1000815', _Item: [{ Product: 'STRATA-ENT', RequestedQuantity: '1' }] };
    const computed = await send('POST', `${SO_SERVICE_PATH}/SalesOrder`, { ...order, TotalNetAmount: '1.00' }, so);
    expect(computed.status).toBe(400);
    expect(V4ErrorSchema.parse(await computed.json()).error).toMatchObject({ message: 'Property TotalNetAmount is read-only', target: 'TotalNetAmount' });
    expect((await send('POST', `${SO_SERVICE_PATH}/SalesOrder`, order, so)).status).toBe(201);
  });

  it('serves the held EDMX as $metadata, and a reset restores the seeds', async () => {
    const metadata = await fetch(`${sandbox.baseUrl}${SO_SERVICE_PATH}/$metadata`, { headers: { authorization: BASIC } });
    expect(metadata.headers.get('content-type')).toBe('application/xml');
    expect(await metadata.text()).toContain('EntityType Name="SalesOrder_Type"');
    const csrf = await session(BP_SERVICE_PATH);
    expect((await send('POST', `${BP_SERVICE_PATH}/A_BusinessPartner`, { BusinessPartnerCategory: '2', OrganizationBPName1: 'Temp', to_BusinessPartnerAddress: { results: [{ Country: 'DE' }] } }, csrf)).status).toBe(201);
    await sandbox.reset();
    const after = await fetch(`${sandbox.baseUrl}${BP_SERVICE_PATH}/A_BusinessPartner?$filter=OrganizationBPName1 eq 'Temp'`, { headers: { authorization: BASIC } });
    expect(((await after.json()) as { d: { results: unknown[] } }).d.results).toEqual([]);
  });
});
