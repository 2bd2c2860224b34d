import type { ErrorCode } from './errors.js';

/**
 * An expected failure of a port call: a stable code, and whether the caller may try again.
 * Bugs are thrown; outcomes a caller must handle come back as a Result.
 */
export interface DomainError {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Which vendor (or dependency) the failure came from, when there is one. */
  readonly vendor?: string;
  /** Seconds the caller should wait before trying again (vendor 429, open breaker). */
  readonly retryAfterSeconds?: number;
}

export type Result<T, E = DomainError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = DomainError>(error: E): Result<never, E> => ({ ok: false, error });
export const fail = (code: ErrorCode, extra: Omit<DomainError, 'code' | 'retryable'> & { retryable?: boolean } = {}): Result<never> =>
  err({ code, retryable: extra.retryable ?? false, ...extra });
