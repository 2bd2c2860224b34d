import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'hono';
import type { ErrorFault, FaultRule, VendorFaultProfile } from '../../../../shared/sandbox/fault-injection.js';

/** Body of `POST /__sandbox/faults` on the SAP sandbox: the shared faults, none of its own. */
export type FaultRuleInput = FaultRule;

/** Which OData version the current request speaks: fault bodies use that version's error envelope. */
export const odataVersion = new AsyncLocalStorage<'v2' | 'v4'>();

const transactionId = () => crypto.randomUUID().replace(/-/g, '').toUpperCase();

/** SAP Gateway's OData V2 error response (`application/json`). */
export const v2ErrorResponse = (status: number, code: string, message: string, options: { target?: string; headers?: Record<string, string> } = {}): Response => {
  const body = {
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        application: { component_id: 'AP-MD-BP', service_namespace: '/SAP/', service_id: 'API_BUSINESS_PARTNER', service_version: '0001' },
        transactionid: transactionId(),
        timestamp: new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14) + '.0000000',
        Error_Resolution: { SAP_Transaction: 'For backend administrators: use ADT feed reader "SAP Gateway Error Log" or run transaction /IWFND/ERROR_LOG', SAP_Note: 'See SAP Note 1797736 for error analysis' },
        errordetails: [{ code, message, propertyref: options.target ?? '', severity: 'error', target: options.target ?? '', transition: false }],
      },
    },
  };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'sap-metadata-last-modified': 'Mon, 02 Nov 2026 08:00:00 GMT', ...options.headers } });
};

/** The OData V4 error response SAP's RAP services write (`application/json`). */
export const v4ErrorResponse = (status: number, code: string, message: string, options: { target?: string; details?: readonly { code: string; message: string; target: string }[]; headers?: Record<string, string> } = {}): Response => {
  const body = {
    error: {
      code,
      message,
      ...(options.target ? { target: options.target } : {}),
      ...(options.details?.length ? { details: options.details.map((d) => ({ ...d, '@Common.numericSeverity': 4 })) } : {}),
      '@SAP__common.ExceptionCategory': status >= 500 ? 'Provider_Application_Error' : 'Client_Error',
      innererror: { ErrorDetails: { '@SAP__common.Application': { ComponentId: 'SD-SLS-API', ServiceRepository: 'SRVD_A2X', ServiceId: 'API_SALESORDER', ServiceVersion: '0001' }, '@SAP__common.TransactionId': transactionId() } },
    },
  };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'odata-version': '4.0', ...options.headers } });
};

/** What SAP answers each error fault with (the 500 carries PII in its message, as real dumps can). */
const FAULT_ERRORS: Record<ErrorFault, readonly [string, string]> = {
  error500: ['/IWBEP/CM_MGW_RT/004', 'In the context of Data Services an unknown internal server error occurred (partner 1000812, accounts@globex.example)'],
  error503: ['/IWFND/CM_BEC/026', 'The service is temporarily unavailable; the system is in maintenance'],
  'rate-limit': ['/IWFND/CM_CONSUMER/429', 'Too many requests from communication user STRATA_COMM_USER'],
  timeout: ['/IWFND/CM_BEC/014', 'Timeout occurred while waiting for the backend'],
};

/** Every number (also in a string, a `/Date()/` value or a decimal) becomes a word, every boolean a string. */
const wrongTypes = (value: unknown): unknown => {
  if (typeof value === 'number' || (typeof value === 'string' && /^(-?\d+(\.\d+)?|\/Date\(\d+\)\/)$/.test(value))) return 'twelve';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(wrongTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
  return value;
};

/** `redirect` points at this sandbox's `/__sandbox/redirect-target` under the other loopback host name. */
const redirectLocation = (c: Context): string => {
  const url = new URL(c.req.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const at = url.pathname.indexOf('/sap/opu/');
  url.pathname = `${at > 0 ? url.pathname.slice(0, at) : ''}/__sandbox/redirect-target`;
  url.search = '';
  return url.href;
};

/** What SAP's faults look like on the wire (RELIABILITY.md E1–E7); the mechanism is shared/sandbox/fault-injection. */
export const SAP_FAULTS: VendorFaultProfile = {
  errorResponse: (fault, status, headers) => {
    const [code, message] = FAULT_ERRORS[fault];
    return odataVersion.getStore() === 'v4' ? v4ErrorResponse(status, code, message, { headers: { ...headers } }) : v2ErrorResponse(status, code, message, { headers: { ...headers } });
  },
  wrongTypes,
  htmlPage:
    '<!DOCTYPE html><html><head><title>SAP S/4HANA Cloud - System Maintenance</title></head><body><h1>Logon not possible</h1><p>Tenant my300000 is being upgraded. Contact accounts@globex.example.</p></body></html>',
  redirectLocation,
};
