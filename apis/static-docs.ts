import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../shared/http/app-env.js';

export interface StaticDocs {
  register(app: OpenAPIHono<AppEnv>): void;
}

/**
 * The published contracts, served as the committed files (no per-request generation): every
 * `openapi/*.json` at `/openapi/<file>`, and the reference page `openapi/docs.html` at `/docs`.
 * Read once at start-up; a missing directory is a start-up error, not a 404 later.
 */
export const createStaticDocs = (directory: string): StaticDocs => {
  const files = new Map<string, string>();
  for (const name of readdirSync(directory)) {
    if (name.endsWith('.json')) files.set(name, readFileSync(join(directory, name), 'utf8'));
  }
  const page = readFileSync(join(directory, 'docs.html'), 'utf8');
  return {
    register(app) {
      app.get('/openapi/:file', (c) => {
        const body = files.get(c.req.param('file'));
        if (body === undefined) return c.notFound();
        c.header('content-type', 'application/json; charset=utf-8');
        c.header('cache-control', 'public, max-age=300');
        return c.body(body);
      });
      app.get('/docs', (c) => {
        // The page is self-contained: inline styles only, no script, nothing fetched from elsewhere.
        c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
        return c.html(page);
      });
    },
  };
};
