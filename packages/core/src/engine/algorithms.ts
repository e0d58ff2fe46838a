/**
 * The evolutionary algorithms: what the population becomes once evaluated (`survivors`) and
 * how the next one is bred (`breed`). Each is DEAP's, step for step:
 * - `simple` (the default): `eaSimple` with elitism. The hall of fame passes on unchanged and
 *   the rest is selected and varied with `varAnd`.
 * - `mu-plus-lambda`: `eaMuPlusLambda`. `lambda` offspring are made with `varOr`, and the
 *   next population is the `mu` (the population size) selected from parents and offspring.
 * - `mu-comma-lambda`: `eaMuCommaLambda`. The same, selecting from the offspring only.
 * - `nsga2`: Deb's NSGA-II as DEAP's example runs it, for multi-objective problems. Parents
 *   are picked by `selTournamentDCD` (dominance, then crowding distance), pairs crossed with
 *   probability `cxpb` and each child mutated with probability `mutpb`; the next population
 *   is `selNSGA2` of parents and offspring (fronts, then crowding distance).
 */
import Type, { type Static } from 'typebox';
import { GalapagosError } from '../errors.js';
import { rankAndCrowding, selNSGA2, selTournamentDCD } from '../pareto/pareto.js';
import type { Random } from '../random.js';
import type { EngineConfig } from './config.js';
import type { EngineState, Evaluated, Individual } from './state.js';
import { crossover, mutate, select, varAnd } from './variation.js';

const Lambda = Type.Integer({
  minimum: 1,
  maximum: 1_000_000,
  description: 'Offspring bred per generation.',
});
const Mu = Type.Integer({
  minimum: 2,
  maximum: 1_000_000,
  description: 'Individuals kept each generation: the population size (set one or the other).',
});

export const AlgorithmSchema = Type.Union([
  Type.Object(
    { name: Type.Literal('simple') },
    {
      additionalProperties: false,
      description: "DEAP's eaSimple with elitism: the hall of fame passes on unchanged.",
    },
  ),
  Type.Object(
    { name: Type.Literal('mu-plus-lambda'), mu: Type.Optional(Mu), lambda: Lambda },
    {
      additionalProperties: false,
      description:
        "DEAP's eaMuPlusLambda: lambda offspring by varOr, the next mu selected from parents and offspring.",
    },
  ),
  Type.Object(
    { name: Type.Literal('mu-comma-lambda'), mu: Type.Optional(Mu), lambda: Lambda },
    {
      additionalProperties: false,
      description:
        "DEAP's eaMuCommaLambda: lambda offspring by varOr (lambda >= mu), the next mu selected from the offspring.",
    },
  ),
  Type.Object(
    {
      name: Type.Literal('steady-state'),
      inFlight: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 1_000_000,
          description:
            "Evaluations in flight at once, at most the population (default: the target's capacity, else 8).",
        }),
      ),
      replacement: Type.Optional(
        Type.Union([Type.Literal('worst'), Type.Literal('tournament')], {
          default: 'worst',
          description:
            'worst: a child replaces the worst individual if it is better; tournament: the worse of two random individuals, if the child is better.',
        }),
      ),
    },
    {
      additionalProperties: false,
      description:
        'Asynchronous steady-state: as each evaluation finishes its individual enters the population and a new child is bred and sent at once (see steady-state.ts).',
    },
  ),
  Type.Object(
    { name: Type.Literal('nsga2') },
    {
      additionalProperties: false,
      description:
        'NSGA-II for multi-objective problems (population a multiple of 4): selTournamentDCD, variation, selNSGA2 over parents and offspring.',
    },
  ),
]);
export type AlgorithmConfig = Static<typeof AlgorithmSchema>;

const SIMPLE: AlgorithmConfig = { name: 'simple' };
/** The run's algorithm (a state without one is `simple`). */
export const algorithmOf = (config: EngineConfig): AlgorithmConfig => config.algorithm ?? SIMPLE;

/**
 * Each individual with its score, for selection; the individual itself is kept by reference,
 * so what is chosen is the population's own objects (immutable), not copies of them: a
 * generation of a million makes a million fewer objects.
 */
const scoreOf = (state: EngineState) => {
  const sign = state.objective === 'max' ? 1 : -1;
  return (ind: Evaluated) => ({ score: sign * ind.fitness, ind });
};

/** DEAP's `varOr`: each offspring is a crossover child, a mutant or a copy (cxpb, mutpb, rest). */
function varOr(state: EngineState, parents: readonly Evaluated[], lambda: number, rng: Random) {
  const { config, genome: spec } = state;
  const offspring: Individual[] = [];
  const n = parents.length;
  for (let i = 0; i < lambda; i++) {
    const choice = rng.next();
    if (choice < config.cxpb) {
      const a = rng.int(n);
      let b = rng.int(n - 1);
      if (b >= a) b++;
      const [child] = crossover(config, spec, parents[a]!.genome, parents[b]!.genome, rng);
      offspring.push({ genome: child, fitness: null });
    } else if (choice < config.cxpb + config.mutpb) {
      const parent = parents[rng.int(n)]!;
      offspring.push({ genome: mutate(config, spec, parent.genome, rng), fitness: null });
    } else {
      offspring.push(parents[rng.int(n)]!);
    }
  }
  return offspring;
}

/**
 * NSGA-II's offspring, as DEAP's example makes them: parents by `selTournamentDCD`, each pair
 * crossed with probability `cxpb`, each child mutated with probability `mutpb`; all of them
 * evaluated.
 */
function nsga2Offspring(state: EngineState, population: readonly Evaluated[], rng: Random) {
  const { config, genome: spec } = state;
  const points = population.map((i) => i.fitness as unknown as readonly number[]);
  const { crowding } = rankAndCrowding(points, state.objectives!);
  const picked = selTournamentDCD(points, crowding, population.length, state.objectives!, rng);
  const genomes = picked.map((i) => population[i]!.genome);
  for (let i = 1; i < genomes.length; i += 2)
    if (rng.next() <= config.cxpb)
      [genomes[i - 1], genomes[i]] = crossover(config, spec, genomes[i - 1]!, genomes[i]!, rng);
  return genomes.map(
    (genome): Individual => ({
      genome: rng.next() < config.mutpb ? mutate(config, spec, genome, rng) : genome,
      fitness: null,
    }),
  );
}

/** One algorithm of the catalogue: what its steps do (the engine's `tell` and `ask` call them). */
interface Algorithm<A extends AlgorithmConfig> {
  /** The sizes a state's population may have: the population, or the offspring awaiting fitness. */
  readonly sizes: (config: EngineConfig, algorithm: A) => number[];
  /** The population once evaluated, for the logbook and breeding; draws from `rng` first. */
  readonly survivors: (
    state: EngineState,
    evaluated: readonly Evaluated[],
    rng: Random,
  ) => Evaluated[];
  /** The next generation from the survivors (`population`): what to evaluate next. */
  readonly breed: (
    state: EngineState,
    population: Evaluated[],
    rng: Random,
    algorithm: A,
  ) => EngineState;
}

type Named<N extends AlgorithmConfig['name']> = Extract<AlgorithmConfig, { name: N }>;

/** Survivors selected from `pool` (the offspring, or parents and offspring), once there are parents. */
const selectedFrom =
  (pool: (state: EngineState, evaluated: readonly Evaluated[]) => readonly Evaluated[]) =>
  (state: EngineState, evaluated: readonly Evaluated[], rng: Random): Evaluated[] => {
    if (state.parents === undefined) return evaluated.slice();
    const from = pool(state, evaluated);
    return select(state.config, from.map(scoreOf(state)), state.config.population, rng).map(
      (s) => s.ind,
    );
  };

/** lambda offspring by varOr, the survivors kept as parents (mu+lambda, mu,lambda). */
const muLambdaBreed = (
  state: EngineState,
  population: Evaluated[],
  rng: Random,
  algorithm: Named<'mu-plus-lambda'> | Named<'mu-comma-lambda'>,
): EngineState => ({
  ...state,
  parents: population,
  population: varOr(state, population, algorithm.lambda, rng),
});

/**
 * The algorithms, by name: a new one is an entry here and a member of `AlgorithmSchema` (its
 * checks against the problem are in `config.ts`).
 */
export const ALGORITHMS: { readonly [N in AlgorithmConfig['name']]: Algorithm<Named<N>> } = {
  simple: {
    sizes: (config) => [config.population],
    survivors: (_state, evaluated) => evaluated.slice(),
    breed(state, population, rng) {
      const { config, hallOfFame } = state;
      const scored = population.map(scoreOf(state));
      const parents: Individual[] = select(
        config,
        scored,
        config.population - hallOfFame.length,
        rng,
      ).map((s) => s.ind);
      const offspring = varAnd(config, state.genome, parents, rng);
      return { ...state, population: [...offspring, ...hallOfFame] };
    },
  },
  'mu-plus-lambda': {
    sizes: (config, algorithm) => [config.population, algorithm.lambda],
    survivors: selectedFrom((state, evaluated) => [...state.parents!, ...evaluated]),
    breed: muLambdaBreed,
  },
  'mu-comma-lambda': {
    sizes: (config, algorithm) => [config.population, algorithm.lambda],
    survivors: selectedFrom((_state, evaluated) => evaluated),
    breed: muLambdaBreed,
  },
  'steady-state': {
    sizes: (config) => [config.population],
    survivors: selectedFrom((_state, evaluated) => evaluated),
    breed() {
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_STATE',
        'a steady-state run breeds one child at a time (askOne / tellOne), not generations',
      );
    },
  },
  nsga2: {
    sizes: (config) => [config.population],
    survivors(state, evaluated) {
      // DEAP sorts the initial population too (it assigns the crowding distances).
      const pool = [...(state.parents ?? []), ...evaluated];
      const points = pool.map((i) => i.fitness as unknown as readonly number[]);
      return selNSGA2(points, state.config.population, state.objectives!).map((i) => pool[i]!);
    },
    breed: (state, population, rng) => ({
      ...state,
      parents: population,
      population: nsga2Offspring(state, population, rng),
    }),
  },
};

const entryOf = <A extends AlgorithmConfig>(algorithm: A) =>
  ALGORITHMS[algorithm.name] as unknown as Algorithm<A>;

/** The sizes a state's population may have: the population, or the offspring awaiting fitness. */
export function populationSizes(config: EngineConfig): number[] {
  const algorithm = algorithmOf(config);
  return entryOf(algorithm).sizes(config, algorithm);
}

/**
 * The population once `evaluated` (the population asked for, now with fitness) is known: what
 * the logbook describes and the next generation is bred from. Survivor selection draws from
 * `rng`, before any breeding.
 */
export function survivors(
  state: EngineState,
  evaluated: readonly Evaluated[],
  rng: Random,
): Evaluated[] {
  return entryOf(algorithmOf(state.config)).survivors(state, evaluated, rng);
}

/**
 * The next generation from a recorded state whose population is its survivors: the
 * individuals to evaluate next, drawn from the state's generator.
 */
export function breed(state: EngineState, rng: Random): EngineState {
  const algorithm = algorithmOf(state.config);
  return entryOf(algorithm).breed(state, state.population as Evaluated[], rng, algorithm);
}
