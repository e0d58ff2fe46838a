/**
 * Mutation operators. Each returns a new genome and never modifies its input. Per-gene
 * probabilities (`indpb`) are sampled by skipping ahead geometrically, which has the same
 * distribution as DEAP's per-gene test but costs one draw per mutated gene.
 */
import type { Random } from '../random.js';
import { forEachChosen } from '../random.js';

/** Flips each bit independently with probability `indpb` (DEAP `mutFlipBit`). */
export function mutFlipBit(bits: string, indpb: number, rng: Random): string {
  // Pieces joined into one flat string (see crossover's splice).
  const pieces: string[] = [];
  let from = 0;
  forEachChosen(bits.length, indpb, rng, (i) => {
    pieces.push(bits.slice(from, i), bits.charCodeAt(i) === 49 ? '0' : '1');
    from = i + 1;
  });
  if (from === 0) return bits;
  pieces.push(bits.slice(from));
  return pieces.join('');
}

/**
 * Adds a normal deviate N(mu, sigma) to each gene with probability `indpb`, clamped to
 * `[low, high]` so bounded genomes stay valid (DEAP `mutGaussian`, plus the clamp).
 */
export function mutGaussian(
  genes: readonly number[],
  mu: number,
  sigma: number,
  indpb: number,
  low: number,
  high: number,
  rng: Random,
): number[] {
  const out = genes.slice();
  forEachChosen(out.length, indpb, rng, (i) => {
    out[i] = Math.min(Math.max(out[i]! + rng.normal(mu, sigma), low), high);
  });
  return out;
}

/**
 * Polynomial bounded mutation (Deb's, as in NSGA-II; DEAP `mutPolynomialBounded`): each gene
 * with probability `indpb`, `eta` the crowding degree.
 */
export function mutPolynomialBounded(
  genes: readonly number[],
  eta: number,
  low: number,
  high: number,
  indpb: number,
  rng: Random,
): number[] {
  const out = genes.slice();
  const range = high - low;
  const power = 1 / (eta + 1);
  forEachChosen(out.length, indpb, rng, (i) => {
    const x = out[i]!;
    const rand = rng.next();
    let deltaQ: number;
    if (rand < 0.5) {
      const xy = 1 - (x - low) / range;
      const val = 2 * rand + (1 - 2 * rand) * xy ** (eta + 1);
      deltaQ = val ** power - 1;
    } else {
      const xy = 1 - (high - x) / range;
      const val = 2 * (1 - rand) + 2 * (rand - 0.5) * xy ** (eta + 1);
      deltaQ = 1 - val ** power;
    }
    out[i] = Math.min(Math.max(x + deltaQ * range, low), high);
  });
  return out;
}

/**
 * Swaps each position, with probability `indpb`, with another uniformly chosen position
 * (DEAP `mutShuffleIndexes`); permutations stay permutations.
 */
export function mutShuffleIndexes(genes: readonly number[], indpb: number, rng: Random): number[] {
  const out = genes.slice();
  const size = out.length;
  if (size < 2) return out;
  forEachChosen(size, indpb, rng, (i) => {
    let j = rng.int(size - 1);
    if (j >= i) j += 1;
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  });
  return out;
}
