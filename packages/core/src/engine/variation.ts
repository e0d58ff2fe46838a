import type { Genome, GenomeSpec } from '../genome.js';
import {
  cxBlend,
  cxOnePoint,
  cxOrdered,
  cxPartiallyMatched,
  cxSimulatedBinaryBounded,
  cxTwoPoint,
  cxUniform,
  type Sequence,
} from '../operators/crossover.js';
import {
  mutFlipBit,
  mutGaussian,
  mutPolynomialBounded,
  mutShuffleIndexes,
} from '../operators/mutation.js';
import {
  type Scored,
  selBest,
  selRandom,
  selRoulette,
  selTournament,
} from '../operators/selection.js';
import type { Random } from '../random.js';
import type { EngineConfig } from './config.js';
import type { Individual } from './state.js';

const bounds = (spec: GenomeSpec): [number, number] =>
  spec.kind === 'real' ? [spec.low, spec.high] : [0, 0];

/** Applies the configured crossover to two parents. */
export function crossover(
  config: EngineConfig,
  spec: GenomeSpec,
  a: Genome,
  b: Genome,
  rng: Random,
): [Genome, Genome] {
  const op = config.crossover;
  const [low, high] = bounds(spec);
  switch (op.name) {
    case 'cxOnePoint':
      return cxOnePoint(a as Sequence, b as Sequence, rng);
    case 'cxTwoPoint':
      return cxTwoPoint(a as Sequence, b as Sequence, rng);
    case 'cxUniform':
      return cxUniform(a as Sequence, b as Sequence, op.indpb, rng);
    case 'cxBlend':
      return cxBlend(a as number[], b as number[], op.alpha, low, high, rng);
    case 'cxSimulatedBinaryBounded':
      return cxSimulatedBinaryBounded(a as number[], b as number[], op.eta, low, high, rng);
    case 'cxOrdered':
      return cxOrdered(a as number[], b as number[], rng);
    case 'cxPartiallyMatched':
      return cxPartiallyMatched(a as number[], b as number[], rng);
  }
}

/** Applies the configured mutation to one genome. */
export function mutate(config: EngineConfig, spec: GenomeSpec, g: Genome, rng: Random): Genome {
  const op = config.mutation;
  const [low, high] = bounds(spec);
  switch (op.name) {
    case 'mutFlipBit':
      return mutFlipBit(g as string, op.indpb, rng);
    case 'mutGaussian':
      return mutGaussian(g as number[], op.mu, op.sigma, op.indpb, low, high, rng);
    case 'mutPolynomialBounded':
      return mutPolynomialBounded(g as number[], op.eta, low, high, op.indpb, rng);
    case 'mutShuffleIndexes':
      return mutShuffleIndexes(g as number[], op.indpb, rng);
  }
}

/** Applies the configured selection. */
export function select<T extends Scored>(
  config: EngineConfig,
  individuals: readonly T[],
  k: number,
  rng: Random,
): T[] {
  const op = config.selection;
  switch (op.name) {
    case 'selTournament':
      return selTournament(individuals, k, op.tournsize, rng);
    case 'selRoulette':
      return selRoulette(individuals, k, rng);
    case 'selBest':
      return selBest(individuals, k);
    case 'selRandom':
      return selRandom(individuals, k, rng);
  }
}

/**
 * DEAP's `varAnd`: neighbours (0,1), (2,3)… are crossed with probability `cxpb`, then each
 * offspring is mutated with probability `mutpb`; every changed offspring loses its fitness.
 */
export function varAnd(
  config: EngineConfig,
  spec: GenomeSpec,
  parents: readonly Individual[],
  rng: Random,
): Individual[] {
  const offspring = parents.slice();
  for (let i = 1; i < offspring.length; i += 2) {
    if (rng.next() < config.cxpb) {
      const [c1, c2] = crossover(config, spec, offspring[i - 1]!.genome, offspring[i]!.genome, rng);
      offspring[i - 1] = { genome: c1, fitness: null };
      offspring[i] = { genome: c2, fitness: null };
    }
  }
  for (let i = 0; i < offspring.length; i++) {
    if (rng.next() < config.mutpb) {
      offspring[i] = { genome: mutate(config, spec, offspring[i]!.genome, rng), fitness: null };
    }
  }
  return offspring;
}
