import type { Logger } from 'pino';
import type { CallContext } from '../../../../shared/http/app-env.js';
import type { VendorCall } from '../../../../shared/resilience/vendor-caller.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { HttpResponse } from '../../../../shared/vendor-http/http-client.js';

/** Sends one call with credentials (the OData client's `send`). */
export type AuthorizedSend = (call: VendorCall, ctx: CallContext) => Promise<Result<HttpResponse>>;

interface CsrfState {
  readonly token: string;
  /** `name=value` pairs of the session cookies, joined for a `Cookie` header. */
  readonly cookie: string;
}

/**
 * The session cookies of a `Set-Cookie` header as undici hands it over (several headers joined with
 * ", "): `name=value` of each cookie, attributes dropped. A comma inside `Expires=Wed, 21 Oct …` is
 * not followed by `name=`, so it does not split.
 */
export const sessionCookies = (setCookie: string | undefined): string =>
  (setCookie ?? '')
    .split(/,(?=\s*[^;,=\s]+=)/)
    .map((c) => c.split(';')[0]!.trim())
    .filter((c) => /^[^=\s]+=/.test(c))
    .join('; ');

/**
 * SAP Gateway's CSRF protection for one service root: modifying requests must carry the token that a
 * `GET` with `x-csrf-token: Fetch` returned, with the session cookies of that response (the token is
 * bound to the session). The token is fetched once and reused; concurrent writes share one fetch.
 * When SAP answers a write with `403` and `x-csrf-token: Required` (token expired with its session),
 * the write was refused before any processing, so it is sent again — once — with a fresh token.
 */
export const createCsrfSession = (options: { readonly serviceRoot: string; readonly accept: string; readonly send: AuthorizedSend; readonly logger?: Logger; readonly vendor: string; readonly domain: string }) => {
  const { serviceRoot, send, logger } = options;
  let state: CsrfState | undefined;
  let inFlight: Promise<Result<CsrfState>> | undefined;

  const fetchToken = async (ctx: CallContext): Promise<Result<CsrfState>> => {
    const sent = await send({ method: 'GET', path: `${serviceRoot}/`, headers: { accept: options.accept, 'x-csrf-token': 'Fetch' }, retry: true }, ctx);
    if (!sent.ok) return sent;
    const token = sent.value.headers['x-csrf-token'];
    if (sent.value.status !== 200 || !token || token.toLowerCase() === 'required' || !/^[\x21-\x7e]{1,200}$/.test(token)) {
      logger?.warn({ vendor: options.vendor, status: sent.value.status, service: serviceRoot }, 'sap did not hand out a csrf token');
      return fail('vendor.error', { vendor: options.domain });
    }
    return ok({ token, cookie: sessionCookies(sent.value.headers['set-cookie']) });
  };

  const current = (ctx: CallContext): Promise<Result<CsrfState>> => {
    if (state) return Promise.resolve(ok(state));
    inFlight ??= fetchToken(ctx)
      .then((r) => {
        if (r.ok) state = r.value;
        return r;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    /** Sends a modifying call (POST/PATCH/PUT/DELETE) with the CSRF token and session cookies. */
    async write(call: VendorCall, ctx: CallContext): Promise<Result<HttpResponse>> {
      for (let attempt = 0; ; attempt++) {
        const csrf = await current(ctx);
        if (!csrf.ok) return csrf;
        const headers = { ...call.headers, 'x-csrf-token': csrf.value.token, ...(csrf.value.cookie ? { cookie: csrf.value.cookie } : {}) };
        const sent = await send({ ...call, headers }, ctx);
        if (!sent.ok) return sent;
        const refused = sent.value.status === 403 && (sent.value.headers['x-csrf-token'] ?? '').toLowerCase() === 'required';
        if (!refused || attempt > 0) return sent;
        logger?.info({ vendor: options.vendor, service: serviceRoot }, 'sap csrf token expired; fetching a new one');
        if (state === csrf.value) state = undefined;
      }
    },
    /** Forgets the token (tests; or after a 401 that invalidated the session). */
    reset(): void {
      state = undefined;
    },
  };
};

export type CsrfSession = ReturnType<typeof createCsrfSession>;
