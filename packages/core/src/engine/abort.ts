import { GalapagosError } from '../errors.js';

/** Throws `GALAPAGOS_ERR_ABORTED` once the signal has fired (between a run's steps). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new GalapagosError('GALAPAGOS_ERR_ABORTED', 'the run was cancelled', {
      cause: signal.reason,
    });
}
