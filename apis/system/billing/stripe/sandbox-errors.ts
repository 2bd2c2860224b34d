// Stripe's error answers in the sandbox: the error handlers throw and `onError` renders, and its common shapes.

export type ErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

/** A Stripe error answer; thrown by handlers and turned into the response by `onError`. */
export class StripeHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 402 | 404 | 409,
    readonly type: ErrorType,
    message: string,
    readonly extra: { code?: string; param?: string } = {},
  ) {
    super(message);
  }
}
export const invalid = (message: string, param?: string, code?: string) => new StripeHttpError(400, 'invalid_request_error', message, { ...(param ? { param } : {}), ...(code ? { code } : {}) });
export const noSuch = (what: string, id: string, param: string, status: 400 | 404) =>
  new StripeHttpError(status, 'invalid_request_error', `No such ${what}: '${id}'`, { code: 'resource_missing', param });
