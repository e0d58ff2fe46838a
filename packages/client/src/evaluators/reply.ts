import { type ProblemList, ProblemListSchema } from '@galapagos/core';
import Value from 'typebox/value';
import { EvaluationError } from '../errors.js';

/** The fitness array of an evaluate reply, checked against the request. */
export function fitnessOf(reply: unknown, expected: number): number[] {
  const fitness = (reply as { fitness?: unknown } | null)?.fitness;
  if (
    !Array.isArray(fitness) ||
    fitness.length !== expected ||
    !fitness.every((f) => typeof f === 'number' && Number.isFinite(f))
  )
    throw new EvaluationError(
      'GALAPAGOS_ERR_BAD_REPLY',
      `reply does not hold ${expected} finite fitness values`,
      { retryable: false },
    );
  return fitness as number[];
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
