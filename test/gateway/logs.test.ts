import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SALESFORCE_CREDENTIALS } from '../../apis/system/crm/salesforce/config.js';
import { HTML_FAULT_CANARY } from '../../apis/system/crm/salesforce/sandbox-faults.js';
import { SEED_COMPANIES } from '../../shared/sandbox/seed-companies.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

/**
 * Leak scan (RELIABILITY.md H3, A2, E6): drive traffic that carries canary tokens, returns seeded
 * personal data and makes a vendor send an HTML page, then read every line the gateway logged.
 */
const CANARY_HEADER_TOKEN = 'strata-canary-header-token-7Qx9Lm2';
const CANARY_QUERY_TOKEN = 'strata-canary-query-token-4Ff2Zp8';
const HOOLI_CONTACT = { email: 'gavin.belson@hooli.example', phone: '+1 650 555 0101' };

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly traceId: string;
}

interface RequestLine {
  readonly msg: string;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly traceId?: string;
}

let t: TestApp;
const sent: Sent[] = [];
/** Every token the gateway saw, valid or forged: none may appear in a log line. */
const tokens: string[] = [CANARY_HEADER_TOKEN, CANARY_QUERY_TOKEN];
/** Responses that must have carried seeded PII (so the scan below is not vacuous). */
const revealed: string[] = [];

const request = async (path: string, init: RequestInit & { expectStatus: number }) => {
  const res = await t.app.request(path, init);
  const text = await res.text();
  expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(init.expectStatus);
  sent.push({ method: init.method ?? 'GET', path: new URL(path, 'http://gw').pathname, status: res.status, traceId: res.headers.get('x-request-id')! });
  return text;
};

const bearer = async (scope: string) => {
  const token = await t.token(scope);
  tokens.push(token);
  return { authorization: `Bearer ${token}` };
};

beforeAll(async () => {
  t = await createTestApp();

  // A2/A3: a canary bearer token and a forged JWT in the header; a canary token in the query string.
  await request('/system/v1/erp/customers/8812', { headers: { authorization: `Bearer ${CANARY_HEADER_TOKEN}` }, expectStatus: 401 });
  const forged = await t.keys.signedByStranger({ scope: 'erp:read pii:read' });
  tokens.push(forged);
  await request('/system/v1/erp/customers/8812', { headers: { authorization: `Bearer ${forged}` }, expectStatus: 401 });
  await request(`/system/v1/erp/customers/8812?access_token=${CANARY_QUERY_TOKEN}`, { expectStatus: 400 });

  // Responses full of seeded PII, revealed to a pii:read caller.
  revealed.push(await request('/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary', { headers: await bearer('accounts:read pii:read'), expectStatus: 200 }));
  revealed.push(await request('/experience/v1/crm-widgets/accounts/001Dn00000HooliAIA/summary', { headers: await bearer('accounts:read pii:read'), expectStatus: 200 }));
  revealed.push(await request('/system/v1/erp/customers/8812', { headers: await bearer('erp:read pii:read'), expectStatus: 200 }));
  revealed.push(await request('/system/v1/crm/accounts/001Dn00000UmbrAIAR', { headers: await bearer('crm:read pii:read'), expectStatus: 200 }));
  await request('/process/v1/credit-checks', {
    method: 'POST',
    headers: { ...(await bearer('credit:check')), 'content-type': 'application/json' },
    body: JSON.stringify({ crmAccountId: '001Dn00000InitAIAR', orderAmount: { amountMinor: 100_00, currency: 'GBP' } }),
    expectStatus: 200,
  });
  // H4: PII in a rejected request body.
  await request('/process/v1/credit-checks', {
    method: 'POST',
    headers: { ...(await bearer('credit:check')), 'content-type': 'application/json' },
    body: JSON.stringify({ crmAccountId: SEED_COMPANIES[0]!.primaryContact.email, orderAmount: { amountMinor: 1, currency: 'EUR' }, phone: SEED_COMPANIES[0]!.primaryContact.phone }),
    expectStatus: 422,
  });

  // E6: vendors answering with HTML pages (NetSuite for a read, Salesforce inside a composed view).
  await t.fault('netsuite', { fault: 'html', pathPattern: '/record/' });
  await request('/system/v1/erp/customers/8813', { headers: await bearer('erp:read pii:read'), expectStatus: 502 });
  await t.clearFaults();
  await t.fault('salesforce', { fault: 'html', pathPattern: '/sobjects/Account/' });
  await request('/experience/v1/crm-widgets/accounts/001Dn00000UmbrAIAR/summary', { headers: await bearer('accounts:read pii:read'), expectStatus: 200 });
  await t.clearFaults();
});
afterAll(() => t.close());

const lines = () => t.logs.flatMap((chunk) => chunk.split('\n')).filter((l) => l.trim() !== '');

describe('the gateway log', () => {
  it('the traffic did carry seeded PII in its responses (the scan is not vacuous)', () => {
    const bodies = revealed.join('\n');
    expect(bodies).toContain(SEED_COMPANIES[0]!.primaryContact.email);
    expect(bodies).toContain(SEED_COMPANIES[0]!.taxId);
    expect(bodies).toContain(HOOLI_CONTACT.email);
  });

  it('holds no token: neither the canaries, nor forged or valid JWTs, nor the vendor client secret', () => {
    const secrets = [...tokens, ...tokens.map((tk) => tk.split('.')[2]!).filter(Boolean), SANDBOX_SALESFORCE_CREDENTIALS.clientSecret];
    for (const line of lines()) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/access_token=|Bearer /i);
    }
  });

  it('holds no seeded email, phone or tax id', () => {
    const pii = SEED_COMPANIES.flatMap((s) => [s.email, s.phone, s.taxId, s.primaryContact.email, s.primaryContact.phone]).concat(HOOLI_CONTACT.email, HOOLI_CONTACT.phone);
    for (const line of lines()) for (const value of pii) expect(line).not.toContain(value);
  });

  it('holds no part of the vendors’ HTML pages', () => {
    for (const line of lines()) expect(line).not.toMatch(new RegExp(`NetSuite is being upgraded|TSTDRV0000000|billing@globex\\.example|${HTML_FAULT_CANARY}|<html|DOCTYPE`, 'i'));
  });

  it('has exactly one request line per request, with method, path (query removed), status and trace id', () => {
    const requestLines = lines()
      .map((l) => JSON.parse(l) as RequestLine)
      .filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(sent.length);
    for (const s of sent) {
      const mine = requestLines.filter((l) => l.traceId === s.traceId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ method: s.method, path: s.path, status: s.status, traceId: s.traceId });
    }
    expect(requestLines.find((l) => l.status === 400)?.path).toBe('/system/v1/erp/customers/8812');
  });
});
