/** The run service's coded errors (core's run API catalogue); the server answers each with its code's status. */
import { RUN_ERROR_CODES } from '@galapagos/core';

export { RUN_ERROR_CODES };

export type RunErrorCode = keyof typeof RUN_ERROR_CODES | 'GALAPAGOS_ERR_INVALID_CONFIG';

export class RunServiceError extends Error {
  override readonly name = 'RunServiceError';
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message);
  }
}
