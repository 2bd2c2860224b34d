import { z } from '@hono/zod-openapi';
import { errorSpec, problemType, type ErrorCode, type FieldError } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldErrorSchema = z
  .object({
    pointer: z.string().optional().openapi({ description: 'JSON Pointer (RFC 6901) into the request body', example: '/amount/value' }),
    parameter: z.string().optional().openapi({ description: 'Name of the offending path or query parameter' }),
    header: z.string().optional().openapi({ description: 'Name of the offending request header' }),
    detail: z.string().openapi({ description: 'The rule that was broken; the rejected value is never echoed' }),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://strata.dev/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: 'Stable machine-readable error code', example: 'http.validation' }),
    traceId: z.string().openapi({ description: 'W3C trace id of the request; quote it when reporting a problem' }),
    instance: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details' });

export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemInput {
  readonly code: ErrorCode;
  readonly traceId: string;
  readonly instance?: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The one problem formatter. */
export const problem = (input: ProblemInput): Problem => {
  const s = errorSpec(input.code);
  return {
    ...input.extensions,
    type: problemType(input.code),
    title: s.title,
    status: s.status,
    detail: input.detail ?? s.detail,
    code: input.code,
    traceId: input.traceId,
    ...(input.instance ? { instance: input.instance } : {}),
    ...(input.errors && input.errors.length > 0 ? { errors: [...input.errors] } : {}),
  };
};

const statusDescriptions: Record<number, string> = {
  400: 'Bad request (malformed JSON, bad credentials syntax)',
  401: 'Missing or invalid access token',
  403: 'Insufficient scope',
  404: 'Not found',
  405: 'Method not allowed',
  410: 'API version retired',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Client quota exceeded',
  500: 'Internal error',
  502: 'A system of record failed or answered badly',
  503: 'A dependency is unavailable or throttled',
  504: 'A system of record timed out',
};

/** Statuses every authenticated route can return, whatever it does. */
export const COMMON_PROBLEM_STATUSES = [400, 401, 403, 429, 500, 503] as const;

/**
 * The `responses` entries for a route's problem statuses, all pointing at the shared Problem schema.
 * `problemResponses(404, 422, 502, 504)` adds the route's own statuses to the common ones.
 */
export const problemResponses = (...statuses: number[]) => {
  const all = [...new Set([...COMMON_PROBLEM_STATUSES, ...statuses])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [
      status,
      { description: statusDescriptions[status] ?? 'Problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } },
    ]),
  ) as Record<number, { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } }>;
};
