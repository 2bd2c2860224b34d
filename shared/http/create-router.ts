import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import { toFieldErrors } from './validation.js';

/**
 * Every router comes from here, so every router has the validation hook: a schema violation is a
 * 422 problem with JSON-pointer `errors[]` — never zod-validator's default 400 with the raw ZodError.
 */
export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError('http.validation', { errors: toFieldErrors(result.error.issues, result.target) });
      }
    },
  });

export type Router = ReturnType<typeof createRouter>;
