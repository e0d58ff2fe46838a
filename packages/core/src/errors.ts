/**
 * The catalogue of coded errors raised by `@galapagos/core`.
 *
 * Codes are stable and part of the public contract: servers map them to HTTP statuses and
 * clients turn replies back into {@link GalapagosError}s with the same code. Core errors carry
 * a code and never an HTTP status.
 */
export const ERROR_CODES = {
  GALAPAGOS_ERR_INVALID_CONFIG:
    'The run configuration does not match its schema or names incompatible operators.',
  GALAPAGOS_ERR_UNKNOWN_PROBLEM: 'No problem with the given id is registered.',
  GALAPAGOS_ERR_INVALID_PARAMS: "The problem parameters do not match the problem's schema.",
  GALAPAGOS_ERR_INVALID_GENOME:
    "A genome does not fit the problem's genome spec (length, alphabet, bounds, permutation).",
  GALAPAGOS_ERR_INVALID_FITNESS:
    'The fitness values told to the engine do not match the genomes it asked for.',
  GALAPAGOS_ERR_INVALID_STATE: 'A state passed to ask/tell is not a state this engine produced.',
  GALAPAGOS_ERR_RUN_COMPLETE: 'The run has already evaluated its last generation.',
  GALAPAGOS_ERR_ABORTED: 'The operation was cancelled through its AbortSignal.',
  GALAPAGOS_ERR_UNSUPPORTED_OPERATOR:
    'The operator cannot work on this population (e.g. roulette on negative fitness).',
  GALAPAGOS_ERR_INVALID_COST: 'The simulated evaluation cost is malformed.',
  GALAPAGOS_ERR_OVERLOADED: 'The evaluation pool queue is full; retry later.',
  GALAPAGOS_ERR_EVALUATION_FAILED: 'A fitness evaluation threw or its worker thread died.',
  GALAPAGOS_ERR_POOL_CLOSED: 'The evaluation pool has been closed.',
  GALAPAGOS_ERR_INVALID_PROBLEM:
    'A problem definition is malformed (id, schema, instance), or two problems share an id.',
  GALAPAGOS_ERR_PROBLEM_MODULE:
    'A problem module could not be loaded: missing, failing to build or import, or exporting no problems.',
  GALAPAGOS_ERR_PROBLEM_MISMATCH:
    "The target's (or the checkpoint's) problem fingerprint differs from this client's: different code.",
} as const;

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
