import { Hono } from 'hono';
import type { Logger } from 'pino';
import { requestContext } from '../../policies/request-context/request-context.js';
import { systemClock } from '../../shared/clock.js';
import type { AppEnv } from '../../shared/http/app-env.js';
import { notFound, onError } from '../../shared/http/on-error.js';
import { captureLogger } from './sandbox-harness.js';

/**
 * One system router in a small app: the request context first (deadline, trace, logger), the router
 * at its mount path, and the one error model. For route tests of a domain against a real adapter;
 * the policy chain (auth, scopes, limits) is tested through `createTestApp`.
 */
export const createRouterTestApp = (mountPath: string, router: Hono<AppEnv>, options: { deadlineMs?: number; logger?: Logger } = {}) => {
  const app = new Hono<AppEnv>();
  app.use('*', requestContext({ logger: options.logger ?? captureLogger().logger, clock: systemClock, deadlineMs: options.deadlineMs ?? 3_000 }));
  app.route(mountPath, router);
  app.onError(onError);
  app.notFound(notFound);
  return app;
};
