import { genomeKey } from '../genome.js';
import type { Evaluated } from './state.js';

/**
 * The hall of fame after seeing `population` (DEAP `HallOfFame.update`): the `size` best
 * distinct genomes ever seen, best first. `score` turns fitness into higher-is-better. A
 * newcomer enters when the hall is not full or it beats the worst member; among equal
 * fitness, newer members rank first, as in DEAP.
 */
export function updateHallOfFame(
  hall: readonly Evaluated[],
  population: readonly Evaluated[],
  size: number,
  score: (fitness: number) => number,
): Evaluated[] {
  if (size === 0) return [];
  const members = hall.slice();
  const keys = new Set(members.map((m) => genomeKey(m.genome)));
  // An indexed loop: see `ask` in algorithm.ts.
  for (let i = 0; i < population.length; i++) {
    const ind = population[i]!;
    const s = score(ind.fitness);
    const worst = members[members.length - 1];
    if (members.length >= size && worst !== undefined && !(s > score(worst.fitness))) continue;
    const key = genomeKey(ind.genome);
    if (keys.has(key)) continue;
    if (members.length >= size) {
      const removed = members.pop()!;
      keys.delete(genomeKey(removed.genome));
    }
    let at = members.findIndex((m) => score(m.fitness) <= s);
    if (at < 0) at = members.length;
    members.splice(at, 0, { genome: ind.genome, fitness: ind.fitness });
    keys.add(key);
  }
  return members;
}
