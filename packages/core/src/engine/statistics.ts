import { hypervolume, nonDominatedSort, type Objectives } from '../pareto/pareto.js';
import type { LogbookEntry, ObjectiveStats } from './state.js';

/** The logbook line for one population's fitness values (DEAP `Statistics.compile`). */
export function logbookEntry(
  gen: number,
  nevals: number,
  fitness: readonly number[],
): LogbookEntry {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  // Indexed loops: see `ask` in algorithm.ts.
  for (let i = 0; i < fitness.length; i++) {
    const f = fitness[i]!;
    if (f > max) max = f;
    if (f < min) min = f;
    sum += f;
  }
  const avg = sum / fitness.length;
  let squares = 0;
  for (let i = 0; i < fitness.length; i++) squares += (fitness[i]! - avg) * (fitness[i]! - avg);
  return { gen, nevals, max, avg, min, std: Math.sqrt(squares / fitness.length) };
}

/** Max, mean, min and population standard deviation of some values. */
function stats(values: readonly number[]): ObjectiveStats {
  const { max, avg, min, std } = logbookEntry(0, 0, values);
  return { max, avg, min, std };
}

/**
 * The logbook line of a multi-objective population: each objective's statistics (the line's
 * own fields are the first objective's) and, with a reference point, the hypervolume of the
 * population's first front.
 */
export function objectivesEntry(
  gen: number,
  nevals: number,
  fitness: readonly (readonly number[])[],
  objectives: Objectives,
  referencePoint: readonly number[] | undefined,
  front: readonly (readonly number[])[] = (nonDominatedSort(fitness, objectives)[0] ?? []).map(
    (i) => fitness[i]!,
  ),
): LogbookEntry {
  const perObjective = objectives.map((_, i) => stats(fitness.map((f) => f[i]!)));
  return {
    gen,
    nevals,
    ...perObjective[0]!,
    objectives: perObjective,
    ...(referencePoint ? { hypervolume: hypervolume(front, referencePoint, objectives) } : {}),
  };
}
