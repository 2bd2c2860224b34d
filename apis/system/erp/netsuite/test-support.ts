import { SignJWT } from 'jose';
import type { Clock } from '../../../../shared/clock.js';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { captureLogger } from '../../../../test/harness/sandbox-harness.js';
import { NS_CLIENT_ASSERTION_TYPE, NS_SCOPE, NS_TOKEN_PATH, NsTokenResponseSchema } from '../../../../openapi/vendors/netsuite/types.js';
import { createNetsuiteErpAdapter } from './adapter.js';
import { sandboxNetsuiteConfig, type NetsuiteConfig, type NetsuiteResilience } from './config.js';
import { SANDBOX_CERTIFICATE_ID, SANDBOX_CLIENT_ID, sandboxKeyPair } from './sandbox-credentials.js';

/** Test support for the NetSuite suites: a call context, a capturing logger, an adapter on the sandbox. */

/** The shared capturing logger (debug level, the project's redaction): `lines`, `text()`. */
export { captureLogger };

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * A call context whose deadline is `deadlineMs` from now on `clock`, with a real abort signal for the
 * same span. Like the request-context policy, a timer holds the controller: a bare
 * `AbortSignal.timeout()` can be garbage-collected before it fires once nothing but a composite
 * `AbortSignal.any()` refers to it (Node 20).
 */
export const callCtx = (clock: Clock, deadlineMs = 5_000): CallContext => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), deadlineMs).unref();
  return {
    signal: controller.signal,
    deadlineAt: clock.now() + deadlineMs,
    requestId: TRACE_ID,
    trace: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', flags: '01' },
  };
};

/** The real adapter over undici, pointed at a sandbox; `close()` ends the pool. */
export const sandboxAdapter = (
  baseUrl: string,
  clock: Clock,
  options: { resilience?: NetsuiteResilience; config?: Partial<NetsuiteConfig>; maxResponseBytes?: number } = {},
) => {
  const log = captureLogger();
  const config = { ...sandboxNetsuiteConfig(baseUrl, options.resilience ? { resilience: options.resilience } : {}), ...options.config };
  const http = createUndiciHttpClient({ baseUrl: config.baseUrl, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });
  const erp = createNetsuiteErpAdapter(config, { http, clock, logger: log.logger });
  return { erp, logs: log.text, logLines: () => log.lines, close: () => http.close() };
};

/** A bearer token from the sandbox, as another NetSuite integration would get one (for seeding writes in tests). */
export const sandboxBearer = async (baseUrl: string): Promise<string> => {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: [NS_SCOPE] })
    .setProtectedHeader({ alg: 'ES256', kid: SANDBOX_CERTIFICATE_ID })
    .setIssuer(SANDBOX_CLIENT_ID)
    .setAudience(baseUrl + NS_TOKEN_PATH)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(sandboxKeyPair().privateKey);
  const res = await fetch(baseUrl + NS_TOKEN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: NS_CLIENT_ASSERTION_TYPE, client_assertion: assertion }),
  });
  return NsTokenResponseSchema.parse(await res.json()).access_token;
};

/** A record created directly in the sandbox (another integration's write); answers the new internal id. */
export const createInSandbox = async (baseUrl: string, recordPath: string, body: unknown): Promise<string> => {
  const res = await fetch(baseUrl + recordPath, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sandboxBearer(baseUrl)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 204) throw new Error(`sandbox refused the record: ${res.status} ${await res.text()}`);
  return res.headers.get('location')!.split('/').pop()!;
};
