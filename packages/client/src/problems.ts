/**
 * The run's problems: the built-in ones plus the user's modules, loaded in the client (the
 * engine needs each problem's genome and objective), and the check that a target serves the
 * very same code before any batch is sent.
 */
import { GalapagosError } from '@galapagos/core';
import type { Evaluator } from './evaluators/types.js';

/** How to make a target serve the client's modules, for error messages. */
const REDEPLOY =
  'make the target serve the same modules: restart the server with --problems (or GALAPAGOS_PROBLEMS), rebuild or remount the image, or repackage and redeploy Lambda / Azure with GALAPAGOS_PROBLEMS set';

/**
 * Checks that every server behind a target serves `problem` with this client's fingerprint.
 * @throws GalapagosError `GALAPAGOS_ERR_PROBLEM_MISMATCH` naming both fingerprints,
 *   `GALAPAGOS_ERR_UNKNOWN_PROBLEM` when a server does not have the problem.
 * @returns warnings (a server too old to report fingerprints).
 */
export async function checkTargetProblem(
  evaluator: Evaluator,
  target: string,
  problem: string,
  fingerprint: string | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const { where, problems } of await evaluator.problems(signal)) {
    const served = problems.find((p) => p.id === problem);
    if (!served)
      throw new GalapagosError(
        'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
        `target "${target}" (${where}) does not serve problem "${problem}" (it serves ${problems.map((p) => p.id).join(', ')}); ${REDEPLOY}`,
      );
    if (fingerprint === undefined) continue;
    if (served.fingerprint === undefined) {
      warnings.push(
        `target "${target}" (${where}) reports no fingerprint for "${problem}": it cannot be checked to run the same code`,
      );
      continue;
    }
    if (served.fingerprint !== fingerprint)
      throw new GalapagosError(
        'GALAPAGOS_ERR_PROBLEM_MISMATCH',
        `target "${target}" (${where}) serves problem "${problem}" with fingerprint ${served.fingerprint}, but this client's is ${fingerprint}: the target runs different code, and its results would differ. To fix it, ${REDEPLOY}.`,
        {
          details: { target, where, problem, target_fingerprint: served.fingerprint, fingerprint },
        },
      );
  }
  return warnings;
}

/**
 * Refuses to resume a run made with other problem code.
 * @throws GalapagosError `GALAPAGOS_ERR_PROBLEM_MISMATCH`
 */
export function checkResumeFingerprint(
  recorded: string | undefined,
  problem: string,
  fingerprint: string | undefined,
): void {
  if (recorded === undefined || fingerprint === undefined || recorded === fingerprint) return;
  throw new GalapagosError(
    'GALAPAGOS_ERR_PROBLEM_MISMATCH',
    `the checkpoint was made with problem "${problem}" at fingerprint ${recorded}, but this client's is ${fingerprint}: the code changed since, and resuming would mix two fitness functions. Restore the code or start a new run.`,
    { details: { problem, recorded, fingerprint } },
  );
}
