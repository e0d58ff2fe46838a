/**
 * `POST /v1/runs` bodies: a run as in `galapagos.config.json`'s `run`, where to evaluate it,
 * and optionally dispatch settings. Checked here with the config's own schema, so a run
 * submitted over HTTP means what the same config means to `galapagos run`.
 */

import {
  ConfigError,
  checkRun,
  type DispatchConfig,
  type RunConfig,
  validateConfig,
} from '@galapagos/client';
import type { ConfigIssue, ProblemRegistry } from '@galapagos/core';
import { RunServiceError } from './errors.js';

/** The server's own worker pool. */
export const SELF_TARGET = 'self';

export interface Submission {
  readonly run: RunConfig;
  readonly dispatch: DispatchConfig;
  readonly target: string;
}

/** What a server lets a submitted run do. */
export interface SubmissionLimits {
  /** Targets of the server's config a run may name (besides `self`). */
  readonly targets: readonly string[];
  /** Largest population × (generations + 1). */
  readonly maxEvaluations: number;
}

const invalid = (issues: readonly ConfigIssue[]): RunServiceError =>
  new RunServiceError(
    'GALAPAGOS_ERR_INVALID_CONFIG',
    `the run is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  );

export function checkSubmission(body: unknown, limits: SubmissionLimits): Submission {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid([{ path: '/', message: 'must be a JSON object { run, target?, dispatch? }' }]);
  const { run, dispatch, target = SELF_TARGET, ...rest } = body as Record<string, unknown>;
  const issues: ConfigIssue[] = Object.keys(rest).map((key) => ({
    path: `/${key}`,
    message: 'is not a field of a run submission (run, target, dispatch)',
  }));
  if (run === undefined) issues.push({ path: '/run', message: 'is required' });
  if (typeof target !== 'string')
    issues.push({ path: '/target', message: 'must be a target name' });
  if (issues.length > 0) throw invalid(issues);
  // The server's modules are the ones it serves; paths from a caller are not read.
  if (typeof run === 'object' && run !== null && 'problems' in run)
    throw invalid([
      {
        path: '/run/problems',
        message:
          "a server runs its own problem modules (GALAPAGOS_PROBLEMS); drop run.problems and name the problem's id",
      },
    ]);
  const checked = validateConfig({ run, ...(dispatch === undefined ? {} : { dispatch }) });
  if (!checked.ok) throw invalid(checked.issues);
  const name = target as string;
  if (name !== SELF_TARGET && !limits.targets.includes(name))
    throw new RunServiceError(
      'GALAPAGOS_ERR_UNKNOWN_TARGET',
      `unknown target "${name}": this server evaluates on ${[SELF_TARGET, ...limits.targets].join(', ')}`,
    );
  const { population, generations } = checked.config.run;
  const evaluations = population * (generations + 1);
  if (evaluations > limits.maxEvaluations)
    throw new RunServiceError(
      'GALAPAGOS_ERR_RUN_TOO_LARGE',
      `the run asks for up to ${evaluations} evaluations (population ${population} × ${generations + 1} generations); this server takes runs of at most ${limits.maxEvaluations} (GALAPAGOS_MAX_RUN_EVALUATIONS)`,
    );
  return { run: checked.config.run, dispatch: checked.config.dispatch, target: name };
}

/**
 * The rules of the run that span fields, as `galapagos run` applies them (`checkRun`: params,
 * operators that fit the genome, a penalty only for a single objective), where this server
 * knows the problem; a problem only the run's target serves is checked when the run starts.
 */
export function checkRunRules(submission: Submission, registry: ProblemRegistry | undefined): void {
  if (!registry?.has(submission.run.problem)) return;
  try {
    checkRun(submission.run, registry, 'the run');
  } catch (error) {
    if (error instanceof ConfigError && error.code === 'GALAPAGOS_ERR_CONFIG')
      throw invalid(error.issues);
    throw error;
  }
}
