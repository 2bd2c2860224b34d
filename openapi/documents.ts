import type { OpenAPIHono } from '@hono/zod-openapi';
import { OAUTH2_SCHEME, SCOPES } from '../shared/auth/scopes.js';
import type { AppEnv } from '../shared/http/app-env.js';

export const LAYER_VERSIONS = ['system/v1', 'process/v1', 'experience/v1'] as const;
export type LayerVersion = (typeof LAYER_VERSIONS)[number];


const DESCRIPTIONS: Record<LayerVersion, string> = {
  'system/v1': 'System APIs: one stable contract per domain (erp, crm); each vendor is an adapter behind it.',
  'process/v1': 'Process APIs: workflows composed from the system contracts (credit check).',
  'experience/v1': 'Experience APIs: views shaped for one consumer (CRM widgets). Personal data is masked unless the caller holds pii:read.',
};

/** The published OpenAPI 3.1 document of one layer and version, from the routes themselves. */
export const buildDocument = (router: OpenAPIHono<AppEnv>, layerVersion: LayerVersion, options: { tokenUrl?: string } = {}) => {
  const [layer, version] = layerVersion.split('/') as [string, string];
  router.openAPIRegistry.registerComponent('securitySchemes', OAUTH2_SCHEME, {
    type: 'oauth2',
    description:
      'RFC 9068 JWT access tokens from the configured issuer (client credentials). In sandbox mode: `npm run token -- <client>`.',
    flows: { clientCredentials: { tokenUrl: options.tokenUrl ?? 'http://127.0.0.1:8082/token', scopes: { ...SCOPES } } },
  });
  return router.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: `Strata ${layer} API`,
      version: `${version.slice(1)}.0.0`,
      description: DESCRIPTIONS[layerVersion],
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: `/${layer}/${version}` }],
  });
};
