/** How a command ends on an error: the coded reason reported, and the exit code its class says. */

import { ClientError, EXIT_FAILED } from '@galapagos/client';
import { isGalapagosError } from '@galapagos/core';

/**
 * Reports an error (on stderr, and as JSON on stdout with `--json`) and gives the exit code
 * its class carries ({@link ClientError.exitCode}); anything else is a failed run (1).
 */
export function fail(error: unknown, json: boolean): number {
  const code =
    error instanceof ClientError || isGalapagosError(error) ? error.code : 'GALAPAGOS_ERR_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  process.stderr.write(`galapagos: ${code}: ${message}\n`);
  return error instanceof ClientError ? error.exitCode : EXIT_FAILED;
}
