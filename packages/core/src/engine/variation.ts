import type { Genome, GenomeSpec } from '../genome.js';
import {
  CROSSOVERS,
  type CrossoverApply,
  entryOf,
  MUTATIONS,
  type MutationApply,
  SELECTIONS,
  type SelectionApply,
} from '../operators/catalogue.js';
import type { Scored } from '../operators/selection.js';
import type { Random } from '../random.js';
import type { EngineConfig } from './config.js';
import type { Individual } from './state.js';

// The config was checked against the catalogue, so its operator names are entries' names.

/** Applies the configured crossover to two parents. */
export function crossover(
  config: EngineConfig,
  spec: GenomeSpec,
  a: Genome,
  b: Genome,
  rng: Random,
): [Genome, Genome] {
  const apply = entryOf(CROSSOVERS, config.crossover.name)!.apply as CrossoverApply<never>;
  return apply(a, b, config.crossover as never, spec, rng);
}

/** Applies the configured mutation to one genome. */
export function mutate(config: EngineConfig, spec: GenomeSpec, g: Genome, rng: Random): Genome {
  const apply = entryOf(MUTATIONS, config.mutation.name)!.apply as MutationApply<never>;
  return apply(g, config.mutation as never, spec, rng);
}

/** Applies the configured selection. */
export function select<T extends Scored>(
  config: EngineConfig,
  individuals: readonly T[],
  k: number,
  rng: Random,
): T[] {
  const apply = entryOf(SELECTIONS, config.selection.name)!.apply as SelectionApply<never>;
  return apply(individuals, k, config.selection as never, rng);
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
