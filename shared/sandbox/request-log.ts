import { Hono, type Context, type MiddlewareHandler } from 'hono';

export interface RequestLogOptions<Entry extends { readonly path: string }> {
  /** What the sandbox keeps of one request (never a secret or a token); `path` is what it is counted under. */
  readonly describe: (c: Context) => Entry | Promise<Entry>;
  /** How many requests are kept, oldest dropped first; the counts cover every request. */
  readonly limit: number;
  /** Return the kept requests with `GET /stats` too (the Salesforce control API always has). */
  readonly requestsInStats?: boolean;
}

/**
 * What a vendor sandbox saw, so a test can prove a call did or did not reach the vendor and check
 * requests against the vendor's spec: `record` goes on the vendor paths, `routes` is the control API
 * to mount at `/__sandbox` (`GET /stats` → `{ total, byPath }`, `GET /requests`, `DELETE /stats`
 * zeroes both).
 *
 * @example
 * const log = createRequestLog({ describe: (c) => ({ method: c.req.method, path: c.req.path }), limit: 500 });
 * app.route('/__sandbox', log.routes);
 * app.use('/services/*', log.record);
 */
export const createRequestLog = <Entry extends { readonly path: string }>(options: RequestLogOptions<Entry>) => {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`request log limit must be a positive integer, got ${options.limit}`);
  const counts = new Map<string, number>();
  let requests: Entry[] = [];

  const stats = () => ({ total: [...counts.values()].reduce((a, b) => a + b, 0), byPath: Object.fromEntries(counts) });
  const clear = () => {
    counts.clear();
    requests = [];
  };

  const record: MiddlewareHandler = async function recordRequest(c, next) {
    const entry = await options.describe(c);
    counts.set(entry.path, (counts.get(entry.path) ?? 0) + 1);
    requests.push(entry);
    if (requests.length > options.limit) requests.shift();
    await next();
  };

  const routes = new Hono();
  routes.get('/stats', (c) => c.json(options.requestsInStats ? { ...stats(), requests } : stats()));
  routes.delete('/stats', (c) => {
    clear();
    return c.body(null, 204);
  });
  routes.get('/requests', (c) => c.json({ requests }));

  return { record, routes, stats, requests: (): readonly Entry[] => requests, clear };
};
