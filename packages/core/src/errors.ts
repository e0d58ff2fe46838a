/**
 * The catalogue of coded errors raised by `@galapagos/core`.
 *
 * Codes are stable and part of the public contract: servers map them to HTTP statuses and
 * clients turn replies back into {@link GalapagosError}s with the same code. Core errors carry
 * a code and never an HTTP status: the status, retryability and exit code of each are in its
 * entry (`reply-codes.ts`).
 */
import { descriptionsOf, ENGINE_REPLY_CODES } from './reply-codes.js';

export const ERROR_CODES = descriptionsOf(ENGINE_REPLY_CODES);

/** One of the stable error codes of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable {@link ErrorCode} and optional structured details. */
export class GalapagosError extends Error {
  override readonly name = 'GalapagosError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

/** True when `value` is a {@link GalapagosError}, optionally with the given code. */
export function isGalapagosError(value: unknown, code?: ErrorCode): value is GalapagosError {
  return value instanceof GalapagosError && (code === undefined || value.code === code);
}

/** True when `code` is one of the catalogue's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
