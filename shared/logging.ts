import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths that may hold secrets or PII, redacted wherever they appear in a log object. Bodies are
 * never logged at all; this is the second line of defence (RELIABILITY.md H3).
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  'accessToken',
  'access_token',
  'client_secret',
  'clientSecret',
  'password',
  'email',
  'phone',
  '*.email',
  '*.phone',
  '*.token',
  '*.access_token',
  'body',
  '*.body',
];

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; tests pass a capturing stream. Defaults to stdout. */
  readonly destination?: DestinationStream;
}

export const createLogger = (options: LoggerOptions = {}): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: { service: 'strata' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );

export type { Logger };
