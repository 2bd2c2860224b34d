import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { LAYER_VERSIONS } from '../openapi/documents.js';
import { jsonBody } from '../policies/body/body-limit.js';
import { createMaskingPlan } from '../policies/masking/masking-plan.js';
import { maskResponses } from '../policies/masking/mask-responses.js';
import { oauth } from '../policies/oauth/oauth.js';
import { createRouteSecurityTable } from '../policies/oauth/route-security.js';
import type { AccessTokenVerifier } from '../policies/oauth/verifier.js';
import { preAuthLimit } from '../policies/rate-limit/pre-auth-limit.js';
import { rateLimit } from '../policies/rate-limit/rate-limit.js';
import type { RateLimitStore } from '../policies/rate-limit/store.js';
import { requestContext } from '../policies/request-context/request-context.js';
import { versioning } from '../policies/versioning/versioning.js';
import type { Clock } from '../shared/clock.js';
import type { GatewayConfig } from '../shared/config/gateway-config.js';
import { AppError } from '../shared/errors.js';
import { createAllowedMethods } from '../shared/http/allowed-methods.js';
import type { AppEnv } from '../shared/http/app-env.js';
import { notFound, onError, problemResponse } from '../shared/http/on-error.js';
import { createLayerRouters, type SystemPorts } from './layers.js';
import { createStaticDocs, type StaticDocs } from './static-docs.js';

export interface AppDeps extends SystemPorts {
  readonly config: Pick<GatewayConfig, 'rateLimit' | 'versions' | 'corsOrigins' | 'routeDeadlineMs' | 'bodyLimitBytes'>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly verifier: AccessTokenVerifier;
  /** Shared limiter state (Redis in production, memory in one-process mode). */
  readonly rateLimitStore: RateLimitStore;
  /** Local limiter used when the shared store is unreachable on fail-open routes. */
  readonly fallbackRateLimitStore: RateLimitStore;
  /** Source address of the TCP peer (pre-auth bucket); never a client-supplied header. */
  readonly clientAddress: (c: Context<AppEnv>) => string;
  /** Published documents and the reference page, read once at start-up. */
  readonly docs?: StaticDocs;
  /** Readiness: false while draining on SIGTERM. */
  readonly isReady?: () => boolean;
}

const API_PREFIXES = ['/system/*', '/process/*', '/experience/*'] as const;

/** Unauthenticated requests that fail auth, per source address (RELIABILITY.md A1, C5). */
const PRE_AUTH_PLAN = { limit: 60, windowSeconds: 60 };

/**
 * Builds the gateway: the policy chain in DESIGN.md §6 order, the three layers, and one error model.
 * request context → security headers → CORS → versioning → body → pre-auth limit → OAuth + scopes →
 * rate limit → [validation → handler] → masking.
 */
export const createApp = (deps: AppDeps) => {
  const { config, logger, clock } = deps;
  const app = new OpenAPIHono<AppEnv>();
  const security = createRouteSecurityTable();
  const allowedMethods = createAllowedMethods();
  // Masking derives from the finished OpenAPI document, so it is built once every route is registered (below).
  let masking: MiddlewareHandler<AppEnv> | undefined;

  app.onError(onError);
  app.notFound((c) => {
    const allow = allowedMethods.for(c.req.path);
    if (allow.length > 0) return problemResponse(c, new AppError('http.method_not_allowed', { headers: { Allow: allow.join(', ') } }));
    return notFound(c);
  });

  app.use('*', requestContext({ logger, clock, deadlineMs: config.routeDeadlineMs }));
  if (deps.isReady) {
    const isReady = deps.isReady;
    // While draining (SIGTERM), every response closes its connection so clients move to another instance.
    app.use('*', async function closeWhileDraining(c, next) {
      await next();
      if (!isReady()) c.header('connection', 'close');
    });
  }
  // The headers OWASP's REST cheat sheet asks of a JSON API; the HTML-document ones (X-XSS-Protection,
  // X-Download-Options, Origin-Agent-Cluster, …) would only cost a header write on every response.
  app.use(
    '*',
    secureHeaders({
      crossOriginResourcePolicy: 'same-origin',
      xFrameOptions: 'DENY',
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
  if (config.corsOrigins.length > 0) {
    app.use('*', cors({ origin: [...config.corsOrigins], allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'traceparent'], exposeHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'traceparent', 'Deprecation', 'Sunset', 'Link'], maxAge: 600 }));
  }
  for (const prefix of API_PREFIXES) {
    app.use(prefix, versioning({ lifecycles: config.versions, clock }));
    app.use(prefix, jsonBody({ maxBytes: config.bodyLimitBytes }));
    app.use(prefix, preAuthLimit({ store: deps.rateLimitStore, plan: PRE_AUTH_PLAN, clientAddress: deps.clientAddress, failMode: 'open', clock }));
    app.use(prefix, oauth({ verifier: deps.verifier, security }));
    app.use(
      prefix,
      rateLimit({
        store: deps.rateLimitStore,
        fallbackStore: deps.fallbackRateLimitStore,
        plans: config.rateLimit,
        // Reads degrade to a local limiter when Redis is down; writes must not run unmetered.
        failMode: (c) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? 'open' : 'closed'),
        logger,
        clock,
      }),
    );
    app.use(prefix, function applyMasking(c, next) {
      return masking!(c, next);
    });
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', (c) => (deps.isReady?.() === false ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ready' })));
  if (deps.docs) deps.docs.register(app);

  const layers = createLayerRouters(deps);
  for (const layerVersion of LAYER_VERSIONS) app.route(`/${layerVersion}`, layers[layerVersion]);

  security.load(app.openAPIRegistry.definitions);
  allowedMethods.load(app.openAPIRegistry.definitions);
  masking = maskResponses({ plan: createMaskingPlan(app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Strata', version: '1' } })) });
  return app;
};

export type App = ReturnType<typeof createApp>;
export { createStaticDocs };
