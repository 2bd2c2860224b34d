/**
 * Which methods each documented path allows, from the OpenAPI registry: the 405 answer needs an
 * `Allow` header (RFC 9110 §15.5.6), and a path that exists must not look like a 404.
 */
export const createAllowedMethods = () => {
  let table: { pattern: RegExp; methods: string[] }[] = [];
  return {
    load(definitions: readonly unknown[]): void {
      const byPath = new Map<string, Set<string>>();
      for (const def of definitions as { type?: string; route?: { method: string; path: string } }[]) {
        if (def.type !== 'route' || !def.route) continue;
        const methods = byPath.get(def.route.path) ?? new Set<string>();
        methods.add(def.route.method.toUpperCase());
        byPath.set(def.route.path, methods);
      }
      table = [...byPath].map(([path, methods]) => ({
        pattern: new RegExp('^' + path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '/?$'),
        methods: [...methods].sort(),
      }));
    },
    /** Methods for a concrete request path; empty when no documented path matches. */
    for(path: string): string[] {
      return table.find((t) => t.pattern.test(path))?.methods ?? [];
    },
  };
};
