/**
 * The run's problems: the built-in ones plus the user's modules, loaded in the client (the
 * engine needs each problem's genome and objective), or described by the target when only it
 * has them; and the check that a target serves the very same code before any batch is sent.
 */
import {
  createRegistry,
  type ParamsSchema,
  type ProblemDefinition,
  type ProblemRegistry,
  type ProblemSummary,
  withDefaults,
} from '@galapagos/core';
import { ConfigError, EvaluationError } from './errors.js';
import type { Evaluator } from './evaluators/types.js';

/** How to make a target serve the client's modules, for error messages. */
const REDEPLOY =
  'make the target serve the same modules: restart the server with --problems (or GALAPAGOS_PROBLEMS), rebuild or remount the image, or repackage and redeploy Lambda / Azure with GALAPAGOS_PROBLEMS set';

/** The target's problem lists; a target that does not answer in time is a coded error. */
async function askProblems(evaluator: Evaluator, target: string, signal: AbortSignal) {
  try {
    return await evaluator.problems(signal);
  } catch (error) {
    // The evaluator's own coded reason (e.g. no workers on a queue) says more than a timeout.
    if (error instanceof EvaluationError) throw error;
    if (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError')
      throw new EvaluationError(
        'GALAPAGOS_ERR_REQUEST_TIMEOUT',
        `target "${target}" did not say which problems it serves (GET /v1/problems) in time`,
        { retryable: false },
      );
    throw error;
  }
}

/**
 * Checks that every server behind a target serves `problem` with this client's fingerprint.
 * @throws ConfigError `GALAPAGOS_ERR_PROBLEM_MISMATCH` naming both fingerprints,
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
  const answers = await askProblems(evaluator, target, signal);
  if (answers.every((a) => a.problems === undefined))
    throw new EvaluationError(
      'GALAPAGOS_ERR_UNREACHABLE',
      `target "${target}": ${answers.map((a) => a.error).join('; ')}`,
      { retryable: false },
    );
  /** Members excluded for running other code (a fleet's workers step aside on their own). */
  const foreign: string[] = [];
  for (const { where, problems, error } of answers) {
    if (problems === undefined) {
      // Its code cannot be checked, so it gets no batches this run.
      evaluator.retire?.(where);
      warnings.push(
        `target "${target}": ${where} did not answer (${error}); it gets no batches this run`,
      );
      continue;
    }
    const served = problems.find((p) => p.id === problem);
    if (!served && evaluator.handsBackForeign && fingerprint !== undefined) {
      foreign.push(where);
      warnings.push(
        `target "${target}": ${where} does not serve problem "${problem}": it is excluded (it hands this run's batches back to the others); ${REDEPLOY}`,
      );
      continue;
    }
    if (!served)
      throw new ConfigError(
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
    if (served.fingerprint !== fingerprint && evaluator.handsBackForeign) {
      foreign.push(where);
      warnings.push(
        `target "${target}": ${where} serves problem "${problem}" with fingerprint ${served.fingerprint}, not this run's ${fingerprint}: it is excluded (it hands this run's batches back to the others); ${REDEPLOY}`,
      );
      continue;
    }
    if (served.fingerprint !== fingerprint)
      throw new ConfigError(
        'GALAPAGOS_ERR_PROBLEM_MISMATCH',
        `target "${target}" (${where}) serves problem "${problem}" with fingerprint ${served.fingerprint}, but this client's is ${fingerprint}: the target runs different code, and its results would differ. To fix it, ${REDEPLOY}.`,
        {
          details: { target, where, problem, target_fingerprint: served.fingerprint, fingerprint },
        },
      );
  }
  const answered = answers.filter((a) => a.problems !== undefined).length;
  if (foreign.length > 0 && foreign.length === answered)
    throw new ConfigError(
      'GALAPAGOS_ERR_PROBLEM_MISMATCH',
      `target "${target}": none of its members runs this run's code of problem "${problem}" (fingerprint ${fingerprint}): ${warnings.filter((w) => w.includes('excluded')).join('; ')}`,
      { details: { target, problem, fingerprint, excluded: foreign } },
    );
  return warnings;
}

/**
 * Refuses to resume a run made with other problem code.
 * @throws ConfigError `GALAPAGOS_ERR_PROBLEM_MISMATCH`
 */
export function checkResumeFingerprint(
  recorded: string | undefined,
  problem: string,
  fingerprint: string | undefined,
): void {
  if (recorded === undefined || fingerprint === undefined || recorded === fingerprint) return;
  throw new ConfigError(
    'GALAPAGOS_ERR_PROBLEM_MISMATCH',
    `the checkpoint was made with problem "${problem}" at fingerprint ${recorded}, but this client's is ${fingerprint}: the code changed since, and resuming would mix two fitness functions. Restore the code, start a new run, or resume anyway with --accept-code-change (both fingerprints are then recorded in the state and the result).`,
    { details: { problem, recorded, fingerprint } },
  );
}

/**
 * A problem only the target serves (the run names no module for it), described by the
 * target: enough for the engine (genome, objective) with the default parameters. Its
 * fitness is computed on the target only.
 */
function standIn(summary: ProblemSummary, where: string): ProblemDefinition {
  const schema = summary.params as ParamsSchema;
  const defaults = JSON.stringify(withDefaults(schema, {}));
  return {
    id: summary.id,
    title: summary.title,
    description: summary.description,
    params: schema,
    instantiate: (params) => {
      if (JSON.stringify(params) !== defaults)
        throw new Error(
          `it is defined only on the target (${where}), which describes its genome for the default parameters ${defaults} alone; to use other parameters, add its module to run.problems (or --problems)`,
        );
      return {
        genome: summary.genome,
        objective: summary.objective,
        ...(summary.objectives ? { objectives: summary.objectives } : {}),
        ...(summary.referencePoint ? { referencePoint: summary.referencePoint } : {}),
        ...(summary.optimum === undefined ? {} : { optimum: summary.optimum }),
        fitness: () => {
          throw new Error(`problem "${summary.id}" is evaluated on the target only`);
        },
      };
    },
  };
}

/**
 * The run's registry, with `problem` taken from the target when no module of the run defines
 * it, fingerprint included (so a resume checks against it).
 * @throws ConfigError `GALAPAGOS_ERR_UNKNOWN_PROBLEM` when the target does not have it either.
 */
export async function withTargetProblem(
  registry: ProblemRegistry,
  evaluator: Evaluator,
  target: string,
  problem: string,
  signal: AbortSignal,
): Promise<ProblemRegistry> {
  if (registry.has(problem)) return registry;
  const first = (await askProblems(evaluator, target, signal)).find(
    (a) => a.problems !== undefined,
  );
  const summary = first?.problems?.find((p) => p.id === problem);
  if (!first || !summary)
    throw new ConfigError(
      'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
      `unknown problem "${problem}": no module of the run defines it (run.problems, --problems) and target "${target}" does not serve it (known here: ${registry.ids().join(', ')})`,
    );
  const fingerprints = new Map<string, string>();
  for (const id of registry.ids()) {
    const known = registry.fingerprint(id);
    if (known) fingerprints.set(id, known);
  }
  if (summary.fingerprint) fingerprints.set(problem, summary.fingerprint);
  return createRegistry(
    [...registry.ids().map((id) => registry.get(id)), standIn(summary, first.where)],
    {
      fingerprints,
    },
  );
}
