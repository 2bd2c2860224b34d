import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { SEED_COMPANIES } from '../../../../shared/sandbox/seed-companies.js';
import { CaseSchema, entitlementFor } from '../contract.js';
import { nextLink } from './adapter.js';
import { SANDBOX_SERVICENOW_CREDENTIALS } from './config.js';
import { seededSysId } from './sandbox-data.js';
import { callCtx, sandboxAdapter, startServicenowSandbox, type ServicenowSandboxHandle } from './sandbox-harness.js';

const [GLOBEX, INITECH, UMBRELLA, STARK, WAYNE] = SEED_COMPANIES as [typeof SEED_COMPANIES[0], typeof SEED_COMPANIES[0], typeof SEED_COMPANIES[0], typeof SEED_COMPANIES[0], typeof SEED_COMPANIES[0]];
const sysIdOf = (c: (typeof SEED_COMPANIES)[number]) => c.vendorIds.servicenowCompanySysId;
const UNKNOWN = '0000000000000000000000000000f404';
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const ctx = () => callCtx(systemClock);

describe('ServiceNow support adapter (against the sandbox)', () => {
  let sandbox: ServicenowSandboxHandle;
  const adapters: { close(): Promise<void> }[] = [];
  const adapter = (options: Parameters<typeof sandboxAdapter>[2] = {}, on: { baseUrl: string } = sandbox) => {
    const a = sandboxAdapter(on.baseUrl, systemClock, options);
    adapters.push(a);
    return a;
  };

  beforeAll(async () => {
    sandbox = await startServicenowSandbox();
  });
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });
  afterAll(() => sandbox.close());

  describe('getOrganization', () => {
    it('reads a seeded company with its canonical reference and support tier', async () => {
      const { support } = adapter();
      expect(await support.getOrganization(sysIdOf(UMBRELLA), ctx())).toEqual({
        ok: true,
        value: { id: sysIdOf(UMBRELLA), name: 'Umbrella Corporation SAS', externalRef: UMBRELLA.canonicalId, tier: 'premium', createdAt: '2024-01-29T09:00:00.000Z' },
      });
    });

    it('when the id is not a sys_id, answers not found without calling ServiceNow (B7)', async () => {
      const { support } = adapter();
      for (const id of ['../core_company', `${sysIdOf(GLOBEX)}?sysparm_fields=name`, sysIdOf(GLOBEX).toUpperCase(), '360000008812']) {
        expect(code(await support.getOrganization(id, ctx()))).toBe('support.organization_not_found');
      }
      expect((await sandbox.stats()).total).toBe(0);
    });

    it('when ServiceNow has no such record (404), answers not found', async () => {
      const { support } = adapter();
      expect(code(await support.getOrganization(UNKNOWN, ctx()))).toBe('support.organization_not_found');
    });
  });

  describe('createOrganization', () => {
    it('looks up the reference first, creates a customer company once, and a retry returns it without a second POST', async () => {
      const { support } = adapter();
      const input = { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI', domains: ['hooli.example'] };
      const created = await support.createOrganization(input, ctx());
      expect(created).toMatchObject({ ok: true, value: { name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' } });
      const again = await support.createOrganization(input, ctx());
      expect(again.ok && again.value.id).toBe(created.ok && created.value.id);
      expect(await sandbox.count('POST', '/core_company')).toBe(1);
      const rows = await sandbox.rows('core_company', 'u_external_ref=cus_01HZX3HOOLI');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ customer: 'true', name: 'Hooli Inc.' });
    });

    it('returns a seeded company for its canonical id, and treats a reference differing only in case as another one', async () => {
      const { support } = adapter();
      const globex = await support.createOrganization({ name: 'Globex GmbH', externalRef: GLOBEX.canonicalId }, ctx());
      expect(globex.ok && globex.value.id).toBe(sysIdOf(GLOBEX));
      expect(await sandbox.count('POST', '/core_company')).toBe(0);
      // ServiceNow compares strings case-insensitively: the look-up finds Globex, the adapter does not take it.
      const other = await support.createOrganization({ name: 'Globex Lowercase', externalRef: GLOBEX.canonicalId.toLowerCase() }, ctx());
      expect(other.ok && other.value.id).not.toBe(sysIdOf(GLOBEX));
      expect(await sandbox.count('POST', '/core_company')).toBe(1);
    });

    it('when two companies carry the reference (a lost race), returns the oldest and logs the duplicate', async () => {
      const { support, logs } = adapter();
      for (const name of ['Dup One', 'Dup Two']) {
        const res = await sandbox.vendor('/api/now/table/core_company', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, u_external_ref: 'cus_DUP' }) });
        expect(res.status).toBe(201);
      }
      const found = await support.createOrganization({ name: 'Dup', externalRef: 'cus_DUP' }, ctx());
      expect(found).toMatchObject({ ok: true, value: { name: 'Dup One' } });
      expect(logs()).toMatch(/matches several servicenow companies/);
    });
  });

  describe('setEntitlement', () => {
    it('sets u_support_tier with a PATCH, idempotently, and the organisation shows it', async () => {
      const { support } = adapter();
      expect(await support.setEntitlement(sysIdOf(INITECH), 'enterprise', ctx())).toEqual({ ok: true, value: entitlementFor(sysIdOf(INITECH), 'enterprise') });
      expect(await support.setEntitlement(sysIdOf(INITECH), 'enterprise', ctx())).toEqual({ ok: true, value: entitlementFor(sysIdOf(INITECH), 'enterprise') });
      const [row] = await sandbox.rows('core_company', `sys_id=${sysIdOf(INITECH)}`);
      expect(row).toMatchObject({ u_support_tier: 'enterprise', sys_mod_count: '2' }); // the second PATCH changed nothing
      expect(await sandbox.count('PATCH', `/core_company/${sysIdOf(INITECH)}`)).toBe(2);
    });

    it('answers not found for an unknown or malformed id (the latter without a call)', async () => {
      const { support } = adapter();
      expect(code(await support.setEntitlement(UNKNOWN, 'standard', ctx()))).toBe('support.organization_not_found');
      expect(code(await support.setEntitlement('x'.repeat(32), 'standard', ctx()))).toBe('support.organization_not_found');
      expect(await sandbox.count('PATCH', '/core_company')).toBe(1);
    });
  });

  describe('an instance without the custom columns', () => {
    it('is noticed: no company is created blindly and the tier is not reported as set', async () => {
      const bare = await startServicenowSandbox({ customColumns: false, unknownColumns: 'ignore' });
      try {
        const { support, logs } = adapter({}, bare);
        expect(code(await support.createOrganization({ name: 'Hooli Inc.', externalRef: 'cus_01HZX3HOOLI' }, ctx()))).toBe('vendor.error');
        expect(await bare.count('POST', '/core_company')).toBe(0);
        expect(code(await support.setEntitlement(sysIdOf(GLOBEX), 'premium', ctx()))).toBe('vendor.error');
        expect(logs()).toMatch(/"column":"u_external_ref"/);
        expect(logs()).toMatch(/"column":"u_support_tier"/);
        // Reads still work; the organisation simply has no reference or tier.
        expect(await support.getOrganization(sysIdOf(GLOBEX), ctx())).toMatchObject({ ok: true, value: { name: 'Globex GmbH' } });
      } finally {
        await bare.close();
      }
    });
  });

  describe('createCase', () => {
    const input = { organizationId: '', subject: 'Export fails', description: 'Bulk export answers 500.', severity: 'sev1' as const, externalRef: 'case-adapter-0001' };

    it('creates an incident for the company with impact and urgency for the severity, correlated to the reference, once', async () => {
      const { support } = adapter();
      const first = await support.createCase({ ...input, organizationId: sysIdOf(GLOBEX) }, ctx());
      expect(first.ok).toBe(true);
      const created = first.ok ? first.value : undefined!;
      expect(CaseSchema.parse(created)).toEqual(created);
      expect(created).toMatchObject({ organizationId: sysIdOf(GLOBEX), subject: 'Export fails', severity: 'sev1', status: 'new', escalated: false, slaBreached: false, number: expect.stringMatching(/^INC\d{7}$/) });
      const again = await support.createCase({ ...input, organizationId: sysIdOf(GLOBEX) }, ctx());
      expect(again.ok && again.value.id).toBe(created.id);
      expect(await sandbox.count('POST', '/incident')).toBe(1);
      const [row] = await sandbox.rows('incident', `correlation_id=${input.externalRef}`);
      expect(row).toMatchObject({ company: sysIdOf(GLOBEX), impact: '1', urgency: '1', priority: '1', correlation_display: 'Strata', description: 'Bulk export answers 500.' });
    });

    it('when the company does not exist, answers organisation not found and creates nothing', async () => {
      const { support } = adapter();
      expect(code(await support.createCase({ ...input, organizationId: UNKNOWN }, ctx()))).toBe('support.organization_not_found');
      expect(code(await support.createCase({ ...input, organizationId: 'not-a-sys-id' }, ctx()))).toBe('support.organization_not_found');
      expect(await sandbox.count('POST', '/incident')).toBe(0);
    });
  });

  describe('getCase', () => {
    it('reads a seeded incident as a case: pending (on hold, awaiting caller), SLA breached', async () => {
      const { support } = adapter();
      const id = seededSysId(`incident:${INITECH.canonicalId}:Cannot add users`);
      expect(await support.getCase(id, ctx())).toMatchObject({ ok: true, value: { id, organizationId: sysIdOf(INITECH), subject: 'Cannot add users', severity: 'sev3', status: 'pending', slaBreached: true } });
    });

    it('an incident of no company, an unknown and a malformed id are all case not found', async () => {
      const { support } = adapter();
      expect(code(await support.getCase(seededSysId('incident:internal-printer'), ctx()))).toBe('support.case_not_found');
      expect(code(await support.getCase(UNKNOWN, ctx()))).toBe('support.case_not_found');
      expect(code(await support.getCase('INC0010001', ctx()))).toBe('support.case_not_found');
      expect(await sandbox.count('GET', '/INC0010001')).toBe(0);
    });
  });

  describe('listCases', () => {
    it('lists open cases with the state filter in the query, newest first; all cases include solved ones', async () => {
      const { support } = adapter();
      const open = await support.listCases(sysIdOf(WAYNE), { status: 'open', limit: 20 }, ctx());
      expect(open.ok && open.value.map((c) => [c.subject, c.severity, c.escalated])).toEqual([
        ['Escalation: data sync stalled', 'sev1', true],
        ['Webhook deliveries delayed', 'sev2', false],
      ]);
      const all = await support.listCases(sysIdOf(GLOBEX), { status: 'all', limit: 20 }, ctx());
      expect(all.ok && all.value.map((c) => c.status)).toEqual(['open', 'solved']);
      const queries = (await sandbox.requests()).filter((r) => r.method === 'GET' && r.path.endsWith('/incident')).map((r) => r.query.sysparm_query);
      expect(queries).toEqual([`company=${sysIdOf(WAYNE)}^stateNOT IN6,7,8^ORDERBYDESCsys_created_on`, `company=${sysIdOf(GLOBEX)}^ORDERBYDESCsys_created_on`]);
    });

    it('follows Link rel="next" page by page up to the requested limit', async () => {
      const { support } = adapter({ config: { pageSize: 1 } });
      const listed = await support.listCases(sysIdOf(INITECH), { status: 'all', limit: 2 }, ctx());
      expect(listed.ok && listed.value.map((c) => c.subject)).toEqual(['Question about data retention', 'Cannot add users']);
      const offsets = (await sandbox.requests()).filter((r) => r.path.endsWith('/incident')).map((r) => [r.query.sysparm_limit, r.query.sysparm_offset]);
      expect(offsets).toEqual([
        ['1', '0'],
        ['1', '1'],
      ]);
      const rest = await support.listCases(sysIdOf(INITECH), { status: 'all', limit: 10 }, ctx());
      expect(rest.ok && rest.value).toHaveLength(3); // three pages, then no next link
    });

    it('answers [] for a company without cases, and organisation not found for an unknown one', async () => {
      const { support } = adapter();
      expect(await support.listCases(sysIdOf(STARK), { status: 'all', limit: 20 }, ctx())).toEqual({ ok: true, value: [] });
      expect(code(await support.listCases(UNKNOWN, { status: 'open', limit: 20 }, ctx()))).toBe('support.organization_not_found');
    });

    describe('answers that cannot be trusted (a stub instance)', () => {
      /** A minimal instance: a token, then `rows` (all columns as strings) with `link` as the Link header. */
      const stubInstance = async (rows: Record<string, string>[], link?: string) => {
        const hits: string[] = [];
        const server = createServer((req, res) => {
          hits.push(`${req.method} ${req.url}`);
          res.setHeader('content-type', 'application/json');
          if (req.url === '/oauth_token.do') return res.end(JSON.stringify({ access_token: 'stub-token', scope: 'useraccount', token_type: 'Bearer', expires_in: 1799 }));
          if (link) res.setHeader('link', link);
          res.end(JSON.stringify({ result: rows }));
        }).listen(0, '127.0.0.1');
        await once(server, 'listening');
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
      };
      const row = (company: string, n: number) => ({
        sys_id: seededSysId(`stub:${n}`), number: `INC00200${n}0`, company, short_description: `Case ${n}`, priority: '3', state: '2', hold_reason: '',
        active: 'true', escalation: '0', made_sla: 'true', correlation_id: '', sys_created_on: '2026-10-01 09:00:00', sys_updated_on: '2026-10-01 09:00:00',
      });

      it('when an instance ignores the company condition (e.g. an ACL-rewritten query) and answers rows of another company, refuses them', async () => {
        const stub = await stubInstance([row(sysIdOf(GLOBEX), 1), row(sysIdOf(INITECH), 2)]);
        try {
          const { support, logs } = adapter({}, { baseUrl: stub.url });
          expect(code(await support.listCases(sysIdOf(GLOBEX), { status: 'all', limit: 5 }, ctx()))).toBe('vendor.invalid_response');
          expect(logs()).toMatch(/incidents of another company/);
        } finally {
          await stub.close();
        }
      });

      it('when the next link points at another host, does not follow it', async () => {
        const stub = await stubInstance([row(sysIdOf(GLOBEX), 1)], '<http://169.254.169.254/api/now/table/incident?sysparm_offset=1>;rel="next"');
        try {
          const { support } = adapter({ config: { pageSize: 1 } }, { baseUrl: stub.url });
          expect(code(await support.listCases(sysIdOf(GLOBEX), { status: 'all', limit: 5 }, ctx()))).toBe('vendor.invalid_response');
          expect(stub.hits.filter((h) => h.startsWith('GET'))).toHaveLength(1);
        } finally {
          await stub.close();
        }
      });
    });
  });

  describe('OAuth', () => {
    it('gets one token for many calls, and when ServiceNow rejects it (401) gets a new one and sends the call again', async () => {
      const { support } = adapter();
      for (let i = 0; i < 3; i++) expect((await support.getOrganization(sysIdOf(GLOBEX), ctx())).ok).toBe(true);
      expect(await sandbox.count('POST', '/oauth_token.do')).toBe(1);
      await sandbox.expireTokens();
      expect((await support.getOrganization(sysIdOf(GLOBEX), ctx())).ok).toBe(true);
      expect(await sandbox.count('POST', '/oauth_token.do')).toBe(2);
      expect(await sandbox.count('GET', `/core_company/${sysIdOf(GLOBEX)}`)).toBe(5);
    });

    it('uses the password grant when configured', async () => {
      const { username, password } = SANDBOX_SERVICENOW_CREDENTIALS;
      const { support } = adapter({ config: { grant: { type: 'password', username, password } } });
      expect((await support.getOrganization(sysIdOf(GLOBEX), ctx())).ok).toBe(true);
      const [tokenCall] = (await sandbox.requests()).filter((r) => r.path === '/oauth_token.do');
      expect(tokenCall?.form).toEqual({ keys: ['client_id', 'client_secret', 'grant_type', 'password', 'username'], grantType: 'password' });
    });

    it('when the grant is refused, answers vendor.error and logs only the OAuth error code', async () => {
      const { support, logs } = adapter({ config: { grant: { type: 'password', username: 'strata.integration', password: 'wrong-password-value' } } });
      expect(await support.getOrganization(sysIdOf(GLOBEX), ctx())).toEqual({ ok: false, error: { code: 'vendor.error', retryable: false, vendor: 'support' } });
      expect(logs()).toMatch(/"oauthError":"server_error"/);
      expect(logs()).not.toContain('wrong-password-value');
      expect(logs()).not.toContain(SANDBOX_SERVICENOW_CREDENTIALS.clientSecret);
      expect(await sandbox.count('GET', '/core_company')).toBe(0);
    });
  });
});

describe('nextLink', () => {
  it('reads rel="next" from a Link header whose URLs hold commas', () => {
    const header = '<https://acme.service-now.com/api/now/table/incident?sysparm_fields=a,b&sysparm_offset=0>;rel="first",<https://acme.service-now.com/api/now/table/incident?sysparm_fields=a,b&sysparm_offset=2>;rel="next"';
    expect(nextLink(header)).toBe('https://acme.service-now.com/api/now/table/incident?sysparm_fields=a,b&sysparm_offset=2');
    expect(nextLink('<https://x/api>;rel="last"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
