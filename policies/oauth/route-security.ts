import { operationKey } from '../../shared/http/matched-operation.js';

/** One OpenAPI security requirement object: scheme name → scopes, all of which are required. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

/** The part of an `OpenAPIHono#openAPIRegistry.definitions` entry this table reads. */
export interface RegistryDefinition {
  readonly type: string;
  readonly route?: { readonly method: string; readonly path: string; readonly security?: readonly SecurityRequirement[] };
}

export interface RouteSecurityTable {
  /**
   * Reads every route's declared `security` from the registry. Call once, after all routes are
   * registered. Returns the operations that declare none: they are denied (403) until they do.
   */
  load(definitions: readonly RegistryDefinition[]): { readonly unmapped: readonly string[] };
  /** For routes outside the OpenAPI registry (health checks, docs): the same declaration, by hand. */
  declare(method: string, openApiPath: string, security: readonly SecurityRequirement[]): void;
  /** The route's security requirements (`[]` = public); undefined when the route declared none. */
  lookup(method: string, openApiPath: string): readonly SecurityRequirement[] | undefined;
}

/**
 * Scopes are declared once, in each route's `createRoute({ security })`; this table is how the oauth
 * policy enforces that declaration. The policy is registered before the routes exist, so it reads
 * the table lazily, at request time. A lookup before `load` throws (a wiring bug, answered 500):
 * the table never silently allows.
 *
 * @example
 * const security = createRouteSecurityTable()
 * app.use('*', oauth({ verifier, security }))
 * registerRoutes(app)
 * security.load(app.openAPIRegistry.definitions)
 */
export const createRouteSecurityTable = (): RouteSecurityTable => {
  const table = new Map<string, readonly SecurityRequirement[]>();
  let loaded = false;

  const add = (method: string, path: string, security: readonly SecurityRequirement[]) => {
    table.set(
      operationKey(method, path),
      security.map((requirement) => Object.freeze(Object.fromEntries(Object.entries(requirement).map(([scheme, scopes]) => [scheme, [...scopes]])))),
    );
  };

  return {
    load(definitions) {
      const unmapped: string[] = [];
      for (const definition of definitions) {
        const route = definition.type === 'route' ? definition.route : undefined;
        if (!route) continue;
        // Only an explicit array counts; an absent `security` would inherit a document default in
        // OpenAPI, which here means "not declared" and so denied.
        if (Array.isArray(route.security)) add(route.method, route.path, route.security);
        else unmapped.push(operationKey(route.method, route.path));
      }
      loaded = true;
      return { unmapped };
    },
    declare(method, openApiPath, security) {
      add(method, openApiPath, security);
    },
    lookup(method, openApiPath) {
      if (!loaded) throw new Error('route security table used before load(): call security.load(app.openAPIRegistry.definitions) after registering routes');
      return table.get(operationKey(method, openApiPath));
    },
  };
};
