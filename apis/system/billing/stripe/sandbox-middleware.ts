// The Stripe sandbox's per-call middleware: Request-Id and Stripe-Version, the secret-key check, and parameter parsing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { STRIPE_API_VERSION } from '../../../../openapi/vendors/stripe/types.js';
import { parseStripeForm } from './form.js';
import { invalid, StripeHttpError } from './sandbox-errors.js';
import { rawQuery } from './sandbox-request.js';
import { randomId, type StripeSandboxEnv } from './sandbox-state.js';

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const maskKey = (key: string) => (key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(4)}${key.slice(-4)}` : '****');

/** Gives every answer a `Request-Id` (also in `c.var.requestId`) and the `Stripe-Version` it was asked for. */
export const requestIdAndVersion: MiddlewareHandler<StripeSandboxEnv> = async function requestIdAndVersion(c, next) {
  const requestId = randomId('req');
  c.set('requestId', requestId);
  await next();
  c.res.headers.set('request-id', requestId);
  c.res.headers.set('stripe-version', c.req.header('stripe-version') ?? STRIPE_API_VERSION);
};

/** The secret key: Bearer, or Basic with the key as user name; then a well-formed `Stripe-Version`, if any. */
export const authenticate = (secretKey: string): MiddlewareHandler<StripeSandboxEnv> =>
  async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    let presented: string | undefined;
    const bearer = /^Bearer (\S+)$/.exec(header);
    const basic = /^Basic (\S+)$/.exec(header);
    if (bearer) presented = bearer[1];
    else if (basic) presented = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0];
    if (!presented) {
      throw new StripeHttpError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!sameSecret(presented, secretKey)) throw new StripeHttpError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(presented)}`);
    const version = c.req.header('stripe-version');
    if (version !== undefined && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) throw invalid(`Invalid Stripe API version: ${version.slice(0, 40)}`, undefined, 'invalid_stripe_version');
    await next();
  };

/** Parameters: the query string, and for POST/DELETE the form body (bracket notation), merged; then `beforeEach` (the period roll-over). */
export const parameters = (beforeEach: () => void): MiddlewareHandler<StripeSandboxEnv> =>
  async function parameters(c, next) {
    let params = parseStripeForm(rawQuery(c));
    if (c.req.method !== 'GET') {
      const text = await c.req.text();
      const contentType = c.req.header('content-type') ?? '';
      if (text !== '' && !contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        throw invalid(`Invalid request: unsupported Content-Type ${contentType.slice(0, 60) || '(none)'}. If error persists and you need assistance, please contact support@stripe.com.`);
      }
      params = { ...params, ...parseStripeForm(text) };
    }
    c.set('params', params);
    beforeEach();
    await next();
  };
