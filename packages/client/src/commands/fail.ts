/** How a command ends on an error: the coded reason reported, and its exit code. */
import { isGalapagosError } from '@galapagos/core';
import { ConfigError } from '../config/load.js';
import { EvaluationError } from '../errors.js';

/** Exit codes: a run that failed, and bad usage, config or input files. */
export const FAILED = 1;
export const USAGE = 2;

/**
 * Reports an error (on stderr, and as JSON on stdout with `--json`) and gives the exit code:
 * 2 for bad usage, config or input files (`usage` forces it), 1 for a failed run.
 */
export function fail(error: unknown, json: boolean, usage = false): number {
  const code =
    error instanceof EvaluationError || isGalapagosError(error)
      ? error.code
      : 'GALAPAGOS_ERR_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  const bad =
    usage ||
    error instanceof ConfigError ||
    (isGalapagosError(error) &&
      [
        'GALAPAGOS_ERR_INVALID_CONFIG',
        'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
        'GALAPAGOS_ERR_INVALID_PARAMS',
        'GALAPAGOS_ERR_PROBLEM_MODULE',
        'GALAPAGOS_ERR_INVALID_PROBLEM',
        'GALAPAGOS_ERR_PROBLEM_MISMATCH',
      ].includes(error.code));
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  process.stderr.write(`galapagos: ${code}: ${message}\n`);
  return bad ? USAGE : FAILED;
}
