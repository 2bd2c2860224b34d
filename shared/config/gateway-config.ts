import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { VendorLimits } from '../resilience/outbound-budget.js';
import { RatePlanSchema, type RatePlan } from './rate-plan.js';

/** Thrown at start-up; the message names the bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LAYERS = ['system', 'process', 'experience'] as const;
export type Layer = (typeof LAYERS)[number];

const VersionLifecycleSchema = z.strictObject({
  /** RFC 3339 date-time from which the version is deprecated (RFC 9745). */
  deprecation: z.iso.datetime({ offset: true }).optional(),
  /** RFC 3339 date-time after which the version answers 410 (RFC 8594). */
  sunset: z.iso.datetime({ offset: true }).optional(),
  /** Migration guide, sent as `Link: <…>; rel="deprecation"` and `rel="sunset"`. */
  link: z.url().optional(),
});
export type VersionLifecycle = z.infer<typeof VersionLifecycleSchema>;

/** The structured part of the configuration, from the JSON file named by STRATA_CONFIG. */
const FileConfigSchema = z.strictObject({
  plans: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/), RatePlanSchema).default({}),
  /** client_id → plan name. */
  clients: z.record(z.string(), z.string()).default({}),
  /** "<layer>/v<major>" → lifecycle. Versions listed here exist; v1 of every layer always does. */
  versions: z.record(z.string().regex(/^(system|process|experience)\/v\d+$/), VersionLifecycleSchema).default({}),
  corsOrigins: z.array(z.url()).default([]),
  /**
   * Per-vendor outbound limits replacing the published defaults: the tenant's own plan (a Zendesk
   * Enterprise plan, a NetSuite account with SuiteCloud Plus licences), or a sandbox under load test.
   */
  vendorLimits: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{1,31}$/),
      z.strictObject({
        requests: z.strictObject({ limit: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).optional(),
        concurrency: z.number().int().min(1).optional(),
      }),
    )
    .default({}),
});

const port = z.coerce.number().int().min(0).max(65_535);

const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('127.0.0.1'),
  SANDBOX_PORT: port.default(8081),
  ISSUER_PORT: port.default(8082),
  OAUTH_ISSUER: z.url().optional(),
  OAUTH_AUDIENCE: z.string().min(1).optional(),
  OAUTH_JWKS_URI: z.url().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis:// or rediss:// URL').optional(),
  RATE_LIMIT_DEFAULT: RatePlanSchema.default({ limit: 600, windowSeconds: 60 }),
  STRATA_CONFIG: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROUTE_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10 * 1024 * 1024).default(1024 * 1024),
});

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly sandboxPort: number;
  readonly issuerPort: number;
  /** Absent: sandbox mode starts the embedded issuer. */
  readonly oauth?: { readonly issuer: string; readonly audience: string; readonly jwksUri: string };
  readonly redisUrl?: string;
  readonly rateLimit: { readonly defaultPlan: RatePlan; readonly plans: Readonly<Record<string, RatePlan>>; readonly clients: Readonly<Record<string, string>> };
  /** "<layer>/v<major>" → lifecycle; always has the v1 of each layer. */
  readonly versions: Readonly<Record<string, VersionLifecycle>>;
  readonly corsOrigins: readonly string[];
  /** vendor → limits replacing its published defaults. */
  readonly vendorLimits: Readonly<Record<string, VendorLimits>>;
  readonly logLevel: string;
  readonly routeDeadlineMs: number;
  readonly bodyLimitBytes: number;
}

const describe = (error: z.ZodError, prefix = ''): string =>
  error.issues.map((i) => `${prefix}${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Reads and validates the whole configuration once, at start-up. */
export const loadGatewayConfig = (env: NodeJS.ProcessEnv): GatewayConfig => {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describe(parsed.error)}`);
  const e = parsed.data;

  const oauthKeys = [e.OAUTH_ISSUER, e.OAUTH_AUDIENCE, e.OAUTH_JWKS_URI];
  if (oauthKeys.some(Boolean) && !oauthKeys.every(Boolean)) {
    throw new ConfigError('Invalid configuration: OAUTH_ISSUER, OAUTH_AUDIENCE and OAUTH_JWKS_URI must be set together');
  }

  let file: z.infer<typeof FileConfigSchema> = FileConfigSchema.parse({});
  if (e.STRATA_CONFIG) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(e.STRATA_CONFIG, 'utf8'));
    } catch (cause) {
      throw new ConfigError(`Invalid configuration: STRATA_CONFIG: cannot read JSON from ${e.STRATA_CONFIG}`, { cause });
    }
    const fileParsed = FileConfigSchema.safeParse(raw);
    if (!fileParsed.success) throw new ConfigError(`Invalid configuration: ${describe(fileParsed.error, 'STRATA_CONFIG.')}`);
    file = fileParsed.data;
  }
  for (const [client, plan] of Object.entries(file.clients)) {
    if (!file.plans[plan]) throw new ConfigError(`Invalid configuration: STRATA_CONFIG.clients.${client}: unknown plan "${plan}"`);
  }
  for (const [version, lifecycle] of Object.entries(file.versions)) {
    if (lifecycle.deprecation && lifecycle.sunset && Date.parse(lifecycle.sunset) < Date.parse(lifecycle.deprecation)) {
      throw new ConfigError(`Invalid configuration: STRATA_CONFIG.versions.${version}: sunset is earlier than deprecation`);
    }
  }
  const versions: Record<string, VersionLifecycle> = Object.fromEntries(LAYERS.map((l) => [`${l}/v1`, {}]));
  Object.assign(versions, file.versions);

  return {
    port: e.PORT,
    host: e.HOST,
    sandboxPort: e.SANDBOX_PORT,
    issuerPort: e.ISSUER_PORT,
    ...(e.OAUTH_ISSUER && e.OAUTH_AUDIENCE && e.OAUTH_JWKS_URI
      ? { oauth: { issuer: e.OAUTH_ISSUER, audience: e.OAUTH_AUDIENCE, jwksUri: e.OAUTH_JWKS_URI } }
      : {}),
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    rateLimit: { defaultPlan: e.RATE_LIMIT_DEFAULT, plans: file.plans, clients: file.clients },
    versions,
    corsOrigins: file.corsOrigins,
    vendorLimits: file.vendorLimits,
    logLevel: e.LOG_LEVEL,
    routeDeadlineMs: e.ROUTE_DEADLINE_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
  };
};
