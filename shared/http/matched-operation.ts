import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

export interface MatchedOperation {
  /** Upper-case HTTP method, e.g. `GET`. */
  readonly method: string;
  /** The route's path in OpenAPI form, e.g. `/system/v1/erp/customers/{customerId}`. */
  readonly path: string;
}

/** `/a/:id` → `/a/{id}` (the inverse of what zod-openapi does when it registers a route). */
export const toOpenApiPath = (honoPath: string): string => honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

// Route paths are a small fixed set: convert each once, not on every request of every policy.
const openApiPaths = new Map<string, string>();
const openApiPathOf = (honoPath: string): string => {
  let path = openApiPaths.get(honoPath);
  if (path === undefined) {
    path = toOpenApiPath(honoPath);
    openApiPaths.set(honoPath, path);
  }
  return path;
};

/**
 * The operation (not middleware) this request was routed to, known before the handler runs, because
 * Hono matches every handler up front. Policies use it to look up what the route declared in its
 * OpenAPI definition (scopes, PII fields). Undefined when no operation matched (404 / 405).
 */
export const matchedOperation = (c: Context): MatchedOperation | undefined => {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return { method: route.method, path: openApiPathOf(route.path) };
  }
  return undefined;
};

/** The key used by the per-operation tables built from the OpenAPI registry. */
export const operationKey = (method: string, openApiPath: string): string => `${method.toUpperCase()} ${openApiPath}`;
