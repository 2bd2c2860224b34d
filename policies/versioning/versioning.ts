import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../shared/clock.js';
import { ConfigError, type GatewayConfig } from '../../shared/config/gateway-config.js';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../../shared/http/app-env.js';

export interface VersioningOptions {
  /** `"<layer>/v<major>"` → lifecycle; a version exists only if it is listed here. */
  readonly lifecycles: GatewayConfig['versions'];
  readonly clock: Clock;
}

interface VersionEntry {
  readonly layer: string;
  readonly version: string;
  readonly major: number;
  readonly sunsetAt: number | undefined;
  /** Sent on every response of the version while it lives (RFC 9745, RFC 8594). */
  readonly headers: readonly (readonly [name: string, value: string, append: boolean])[];
  /** Sent with the 410 once it is retired. */
  readonly retiredHeaders: Readonly<Record<string, string>>;
}

const KEY = /^(system|process|experience)\/v(0|[1-9]\d*)$/;
const VERSIONED_PATH = /^\/(system|process|experience)\/(v\d+)(?=\/|$)/;

/** RFC 9110 IMF-fixdate, e.g. `Wed, 30 Sep 2026 23:59:59 GMT` (what `toUTCString` produces). */
const imfFixdate = (ms: number): string => new Date(ms).toUTCString();

const parseInstant = (key: string, field: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ConfigError(`versioning: ${key}.${field} is not an RFC 3339 date-time: ${JSON.stringify(value)}`);
  return ms;
};

const compileEntry = (key: string, lifecycle: GatewayConfig['versions'][string]): VersionEntry => {
  const match = KEY.exec(key);
  if (!match) throw new ConfigError(`versioning: "${key}" is not "<system|process|experience>/v<major>"`);
  const deprecatedAt = parseInstant(key, 'deprecation', lifecycle.deprecation);
  const sunsetAt = parseInstant(key, 'sunset', lifecycle.sunset);
  if (deprecatedAt !== undefined && sunsetAt !== undefined && sunsetAt < deprecatedAt) {
    throw new ConfigError(`versioning: ${key}: sunset (${lifecycle.sunset}) is earlier than deprecation (${lifecycle.deprecation})`);
  }
  const link = lifecycle.link;
  if (link !== undefined && (!URL.canParse(link) || !/^https?:$/.test(new URL(link).protocol) || /[<>\s]/.test(link))) {
    throw new ConfigError(`versioning: ${key}.link must be an absolute http(s) URL`);
  }

  const headers: [string, string, boolean][] = [];
  if (deprecatedAt !== undefined) headers.push(['Deprecation', `@${Math.floor(deprecatedAt / 1000)}`, false]);
  if (sunsetAt !== undefined) headers.push(['Sunset', imfFixdate(sunsetAt), false]);
  if (link !== undefined) {
    // Appended, so a Link set by the route (e.g. rel="describedby") survives.
    if (deprecatedAt !== undefined) headers.push(['Link', `<${link}>; rel="deprecation"; type="text/html"`, true]);
    if (sunsetAt !== undefined) headers.push(['Link', `<${link}>; rel="sunset"; type="text/html"`, true]);
  }
  const retiredHeaders: Record<string, string> = {};
  if (sunsetAt !== undefined) retiredHeaders.Sunset = imfFixdate(sunsetAt);
  if (link !== undefined) retiredHeaders.Link = `<${link}>; rel="sunset"`;

  return { layer: match[1]!, version: `v${match[2]}`, major: Number(match[2]), sunsetAt, headers, retiredHeaders };
};

/**
 * The version lifecycle of path-versioned APIs (RELIABILITY.md J1–J3). For `/<layer>/v<major>/…`:
 * a version not configured → 404 problem listing the layer's supported versions; a version past
 * its sunset → 410 with `Sunset` and `Link: <…>; rel="sunset"`; otherwise the request runs unchanged
 * and the response (errors included) carries `Deprecation: @<epoch>` (RFC 9745, also for a
 * deprecation announced for a future date), `Sunset` (RFC 8594) and the `Link`s to the migration
 * guide. Other paths pass through. The lifecycles are validated here, once: a bad one throws.
 *
 * @example
 * app.use('/system/*', versioning({ lifecycles: config.versions, clock: systemClock }))
 */
export const versioning = (options: VersioningOptions): MiddlewareHandler<AppEnv> => {
  const { clock } = options;
  const entries = new Map<string, VersionEntry>();
  for (const [key, lifecycle] of Object.entries(options.lifecycles)) entries.set(key, compileEntry(key, lifecycle));
  const byLayer = new Map<string, VersionEntry[]>();
  for (const entry of [...entries.values()].sort((a, b) => a.major - b.major)) {
    byLayer.set(entry.layer, [...(byLayer.get(entry.layer) ?? []), entry]);
  }

  return async function versioning(c, next) {
    const match = VERSIONED_PATH.exec(c.req.path);
    if (!match) return next();
    const [, layer, version] = match;
    const now = clock.now();
    const entry = entries.get(`${layer}/${version}`);
    if (!entry) {
      const supportedVersions = (byLayer.get(layer!) ?? []).filter((e) => e.sunsetAt === undefined || now < e.sunsetAt).map((e) => e.version);
      throw new AppError('version.unknown', { extensions: { supportedVersions } });
    }
    // Retired means gone: never quietly routed to a newer version with other semantics (J2).
    if (entry.sunsetAt !== undefined && now >= entry.sunsetAt) throw new AppError('version.retired', { headers: entry.retiredHeaders });

    await next();
    for (const [name, value, append] of entry.headers) c.header(name, value, { append });
  };
};
