import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { DOMAINS, VENDORS } from './system/vendors.js';

/** Every vendor with a sandbox, by its path segment. */
export const SANDBOX_VENDORS = DOMAINS.flatMap((d) => Object.keys(VENDORS[d]));

export interface SandboxServer {
  /** `http://127.0.0.1:<port>`; each vendor lives under `/<vendor>/` followed by the vendor's own path. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Every vendor sandbox behind one loopback port, each under `/<vendor>/` and speaking the vendor's
 * own wire format, so curl or a vendor SDK can use them as well as the gateway.
 */
export const startSandboxServer = async (options: { port: number; host?: string }): Promise<SandboxServer> => {
  const host = options.host ?? '127.0.0.1';
  const app = new Hono();
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: (req) => app.fetch(req), port: options.port, hostname: host }, (info) => resolve(info.port));
  });
  const url = `http://${host}:${port}`;
  for (const domain of DOMAINS) {
    for (const [name, definition] of Object.entries(VENDORS[domain])) app.route(`/${name}`, definition.sandboxApp(`${url}/${name}`));
  }
  app.get('/', (c) => c.json({ vendors: SANDBOX_VENDORS.map((v) => `${url}/${v}/`) }));
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        // A `timeout` fault holds its connection open on purpose: end those, then close.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
