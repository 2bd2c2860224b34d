import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { NS_IDEMPOTENCY_KEY, NS_SALES_ORDER_PATH, NS_SUITEQL_PATH, NsInvoiceRowSchema } from '../../../../openapi/vendors/netsuite/types.js';
import { createNetsuiteClient, idempotencyKeyFor, nsErrorDetail, recordIdFromLocation } from './client.js';
import { sandboxNetsuiteConfig } from './config.js';
import { serveNetsuiteSandbox, type NetsuiteSandboxHandle } from './sandbox-harness.js';
import { suiteQlString, invoicesQuery } from './suiteql.js';
import { callCtx } from './test-support.js';

describe('NetSuite client pieces', () => {
  describe('idempotencyKeyFor', () => {
    it('when asked twice for the same record type and reference, gives the same UUID; another type or reference gives another', () => {
      const key = idempotencyKeyFor('salesOrder', 'ord-1');
      expect(key).toMatch(NS_IDEMPOTENCY_KEY);
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // RFC 9562 version 8
      expect(idempotencyKeyFor('salesOrder', 'ord-1')).toBe(key);
      expect(new Set([key, idempotencyKeyFor('salesOrder', 'ord-2'), idempotencyKeyFor('customer', 'ord-1')]).size).toBe(3);
    });
  });

  describe('recordIdFromLocation', () => {
    it.each([
      ['https://123.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/60001', '60001'],
      ['http://127.0.0.1:4010/netsuite/services/rest/record/v1/salesorder/60001', '60001'],
      ['/services/rest/record/v1/salesOrder/7', '7'],
      ['https://elsewhere.example/services/rest/record/v1/salesOrder/60001?x=1', '60001'], // only the id is used, never the host
      ['https://x/services/rest/record/v1/salesOrder/60001/item', undefined],
      ['https://x/services/rest/record/v1/customer/60001', undefined],
      ['https://x/services/rest/record/v1/salesOrder/eid:abc', undefined],
      ['', undefined],
      [undefined, undefined],
    ])('when Location is %j, the id is %j', (location, id) => {
      expect(recordIdFromLocation(location, NS_SALES_ORDER_PATH)).toBe(id);
    });
  });

  describe('nsErrorDetail and suiteQlString', () => {
    it('when the body is an nsError, gives its code and path only when they are clean', () => {
      const body = (code: string, path?: string) => JSON.stringify({ type: 't', title: 'x', status: 400, 'o:errorDetails': [{ detail: 'secret text', 'o:errorCode': code, ...(path ? { 'o:errorPath': path } : {}) }] });
      expect(nsErrorDetail(body('DUP_RCRD', 'externalId'))).toEqual({ errorCode: 'DUP_RCRD', errorPath: 'externalId' });
      expect(nsErrorDetail(body('bad code <x>', 'item.items[0].item'))).toEqual({ errorPath: 'item.items[0].item' });
      expect(nsErrorDetail('<html>')).toEqual({});
    });

    it('when text carries quotes it doubles them; control characters and overlong text are refused', () => {
      expect(suiteQlString("O'Brien")).toBe("'O''Brien'");
      expect(() => suiteQlString('a\nb')).toThrow();
      expect(() => suiteQlString('x'.repeat(201))).toThrow();
    });
  });

  describe('queryRows (SuiteQL paging over the sandbox)', () => {
    let sandbox: NetsuiteSandboxHandle;
    const http = () => createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
    beforeAll(async () => {
      sandbox = await serveNetsuiteSandbox();
    });
    afterAll(() => sandbox.close());
    beforeEach(() => sandbox.reset());

    const rowsWith = async (options: { pageSize: number; maxPages: number; enough?: (rows: readonly unknown[]) => boolean }) => {
      const client = http();
      try {
        const ns = createNetsuiteClient(sandboxNetsuiteConfig(sandbox.baseUrl), { http: client, clock: systemClock });
        const rows = await ns.queryRows(invoicesQuery('8812', 'all'), NsInvoiceRowSchema, { enough: () => false, ...options }, callCtx(systemClock));
        const offsets = (await sandbox.requests()).filter((r) => r.path === NS_SUITEQL_PATH).map((r) => r.query.offset);
        return { tranids: rows.ok ? rows.value.map((r) => r.tranid) : rows.error.code, offsets };
      } finally {
        await client.close();
      }
    };

    it('when the rows span pages, follows hasMore page by page until they run out', async () => {
      expect(await rowsWith({ pageSize: 1, maxPages: 10 })).toEqual({ tranids: ['INV-10200', 'INV-10422', 'INV-10488'], offsets: ['0', '1', '2'] });
    });

    it('when the caller has enough, or the page budget is spent, stops reading', async () => {
      expect(await rowsWith({ pageSize: 1, maxPages: 10, enough: (rows) => rows.length >= 2 })).toEqual({ tranids: ['INV-10200', 'INV-10422'], offsets: ['0', '1'] });
      await sandbox.resetStats();
      expect(await rowsWith({ pageSize: 1, maxPages: 1 })).toEqual({ tranids: ['INV-10200'], offsets: ['0'] });
    });
  });
});
