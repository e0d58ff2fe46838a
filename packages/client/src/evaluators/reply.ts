import {
  type Fitness,
  type GenomeFailure,
  GenomeFailureSchema,
  type ProblemList,
  ProblemListSchema,
} from '@galapagos/core';
import Type from 'typebox';
import Value from 'typebox/value';
import { EvaluationError, GenomeFailuresError } from '../errors.js';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The worker time an evaluate reply reports (0 when it does not). */
export function busyMsOf(reply: unknown): number {
  const busy = (reply as { busyMs?: unknown } | null)?.busyMs;
  return finite(busy) && busy >= 0 ? busy : 0;
}

/**
 * The fitness array of an evaluate reply, checked against the request: one finite number per
 * genome, or one vector of finite numbers per genome (multi-objective; the engine checks
 * their length against the problem's objectives).
 */
export function fitnessOf(reply: unknown, expected: number): Fitness[] {
  const { fitness, failures } = (reply ?? {}) as { fitness?: unknown; failures?: unknown };
  const failed =
    failures === undefined
      ? undefined
      : Value.Check(GenomeFailuresSchema, failures)
        ? new Set(failures.map((f) => f.index))
        : null;
  if (
    failed === null ||
    !Array.isArray(fitness) ||
    fitness.length !== expected ||
    !fitness.every(
      (f, i) =>
        finite(f) ||
        (Array.isArray(f) && f.length > 0 && f.every(finite)) ||
        (f === null && failed?.has(i)),
    )
  )
    throw new EvaluationError(
      'GALAPAGOS_ERR_BAD_REPLY',
      `reply does not hold ${expected} finite fitness values`,
      { retryable: false },
    );
  return outcomesOf({ fitness, failures: (failures as GenomeFailure[] | undefined) ?? [] });
}

const GenomeFailuresSchema = Type.Array(GenomeFailureSchema);

/**
 * The fitness of a request whose genomes all succeeded.
 * @throws GenomeFailuresError when some failed (with the others' fitness)
 */
export function outcomesOf(outcomes: {
  readonly fitness: readonly (Fitness | null)[];
  readonly failures: readonly GenomeFailure[];
}): Fitness[] {
  if (outcomes.failures.length > 0)
    throw new GenomeFailuresError(outcomes.fitness, outcomes.failures);
  return outcomes.fitness as Fitness[];
}

/** The problem list of a `GET /v1/problems` reply, checked against the wire schema. */
export function problemsOf(reply: unknown, where: string): ProblemList['problems'] {
  if (!Value.Check(ProblemListSchema, reply))
    throw new EvaluationError(
      'GALAPAGOS_ERR_BAD_REPLY',
      `${where}: the problem list does not match the wire schema`,
      { retryable: false },
    );
  return (reply as ProblemList).problems;
}
