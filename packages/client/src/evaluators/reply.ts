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
