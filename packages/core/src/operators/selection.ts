/**
 * Selection operators. Each returns `k` members of `individuals` (references, not copies),
 * comparing by `score`, where a higher score is better whatever the problem's objective.
 */
import { GalapagosError } from '../errors.js';
import type { Random } from '../random.js';

/** Anything selection can rank: a higher `score` is better. */
export interface Scored {
  readonly score: number;
}

/** `k` individuals drawn uniformly with replacement (DEAP `selRandom`). */
export function selRandom<T>(individuals: readonly T[], k: number, rng: Random): T[] {
  const chosen = new Array<T>(k);
  for (let i = 0; i < k; i++) chosen[i] = individuals[rng.int(individuals.length)]!;
  return chosen;
}

/** The `k` best individuals, best first; ties keep population order (DEAP `selBest`). */
export function selBest<T extends Scored>(individuals: readonly T[], k: number): T[] {
  return individuals
    .map((ind, index) => ({ ind, index }))
    .sort((x, y) => y.ind.score - x.ind.score || x.index - y.index)
    .slice(0, k)
    .map(({ ind }) => ind);
}

/**
 * `k` tournaments, each among `tournsize` individuals drawn with replacement; the first best
 * of each tournament wins (DEAP `selTournament`).
 */
export function selTournament<T extends Scored>(
  individuals: readonly T[],
  k: number,
  tournsize: number,
  rng: Random,
): T[] {
  const chosen = new Array<T>(k);
  const n = individuals.length;
  for (let i = 0; i < k; i++) {
    let best = individuals[rng.int(n)]!;
    for (let j = 1; j < tournsize; j++) {
      const aspirant = individuals[rng.int(n)]!;
      if (aspirant.score > best.score) best = aspirant;
    }
    chosen[i] = best;
  }
  return chosen;
}

/**
 * Fitness-proportionate selection (DEAP `selRoulette`): each pick lands on an individual with
 * probability score / total. Needs non-negative scores, so it only suits maximisation.
 */
export function selRoulette<T extends Scored>(
  individuals: readonly T[],
  k: number,
  rng: Random,
): T[] {
  const sorted = selBest(individuals, individuals.length);
  let total = 0;
  for (const ind of sorted) {
    if (!(ind.score >= 0))
      throw new GalapagosError(
        'GALAPAGOS_ERR_UNSUPPORTED_OPERATOR',
        'selRoulette needs non-negative fitness to maximise; use selTournament instead',
      );
    total += ind.score;
  }
  if (total === 0) return selRandom(sorted, k, rng);
  const chosen = new Array<T>(k);
  for (let i = 0; i < k; i++) {
    const u = rng.next() * total;
    let sum = 0;
    let pick = sorted[sorted.length - 1]!;
    for (const ind of sorted) {
      sum += ind.score;
      if (sum > u) {
        pick = ind;
        break;
      }
    }
    chosen[i] = pick;
  }
  return chosen;
}
