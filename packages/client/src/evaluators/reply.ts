import { type Fitness, type ProblemList, ProblemListSchema } from '@galapagos/core';
import Value from 'typebox/value';
import { EvaluationError } from '../errors.js';

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
  const fitness = (reply as { fitness?: unknown } | null)?.fitness;
  if (
    !Array.isArray(fitness) ||
    fitness.length !== expected ||
    !fitness.every((f) => finite(f) || (Array.isArray(f) && f.length > 0 && f.every(finite)))
  )
    throw new EvaluationError(
      'GALAPAGOS_ERR_BAD_REPLY',
      `reply does not hold ${expected} finite fitness values`,
      { retryable: false },
    );
  return fitness as Fitness[];
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
