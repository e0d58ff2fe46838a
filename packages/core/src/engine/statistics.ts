import type { LogbookEntry } from './state.js';

/** The logbook line for one population's fitness values (DEAP `Statistics.compile`). */
export function logbookEntry(
  gen: number,
  nevals: number,
  fitness: readonly number[],
): LogbookEntry {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (const f of fitness) {
    if (f > max) max = f;
    if (f < min) min = f;
    sum += f;
  }
  const avg = sum / fitness.length;
  let squares = 0;
  for (const f of fitness) squares += (f - avg) * (f - avg);
  return { gen, nevals, max, avg, min, std: Math.sqrt(squares / fitness.length) };
}
