/**
 * Asynchronous steady-state evolution, one individual at a time, still pure:
 *
 * - `askOne` hands out the next genome to evaluate with an id: first the initial population's,
 *   then children, each bred from the individuals evaluated so far (two parents by the run's
 *   selection, crossover with probability `cxpb` keeping the first child, mutation with
 *   probability `mutpb`).
 * - `tellOne` records a genome's fitness. An initial genome takes its place in the population;
 *   a child replaces the worst individual when it is better (`replacement: worst`), or the
 *   worse of two drawn at random when it is better than that one (`tournament`).
 * - Every `population` evaluations make a "generation" line in the logbook, so it reads like a
 *   generational one.
 *
 * The state depends only on the config, the seed and the order in which fitness values are
 * told, and it records that order (`order`): replaying it (`evolve`'s `replay`) gives the
 * identical run on any target, and a checkpoint (with the genomes still in flight) resumes it.
 */
import { GalapagosError } from '../errors.js';
import type { Genome } from '../genome.js';
import { Random } from '../random.js';
import { updateHallOfFame } from './hall-of-fame.js';
import type { EngineState, Evaluated, Individual } from './state.js';
import { logbookEntry } from './statistics.js';
import { stopRuleMet } from './stop.js';
import { crossover, mutate, select } from './variation.js';

/** The steady-state settings of a run (resolved: both set). */
export interface SteadyStateSettings {
  readonly inFlight: number;
  readonly replacement: 'worst' | 'tournament';
}

export const steadyStateOf = (state: EngineState): SteadyStateSettings | undefined => {
  const algorithm = state.config.algorithm;
  return algorithm?.name === 'steady-state'
    ? (algorithm as unknown as SteadyStateSettings)
    : undefined;
};

/** Evaluations a steady-state run makes in all: `population` per "generation". */
export const totalEvaluations = (state: EngineState): number =>
  state.config.population * (state.config.generations + 1);

/** Whether another genome may be handed out: the run's evaluations are not all asked for. */
export function canAskOne(state: EngineState): boolean {
  return state.stoppedBy === undefined && (state.nextId ?? 0) < totalEvaluations(state);
}

/** The next genome to evaluate, with its id (see the module comment). */
export function askOne(state: EngineState): { state: EngineState; id: number; genome: Genome } {
  if (!canAskOne(state))
    throw new GalapagosError('GALAPAGOS_ERR_RUN_COMPLETE', 'every evaluation has been asked for');
  const id = state.nextId ?? 0;
  const pending = state.pending ?? [];
  if (id < state.config.population) {
    const genome = state.population[id]!.genome;
    return {
      state: { ...state, nextId: id + 1, pending: [...pending, { id, genome }] },
      id,
      genome,
    };
  }
  const { config } = state;
  const sign = state.objective === 'max' ? 1 : -1;
  const evaluated = state.population
    .filter((i): i is Evaluated => i.fitness !== null)
    .map((i) => ({ ...i, score: sign * i.fitness }));
  const rng = new Random(state.rng);
  const [a, b] = select(config, evaluated, 2, rng);
  let genome = a!.genome;
  if (rng.next() < config.cxpb) [genome] = crossover(config, state.genome, genome, b!.genome, rng);
  if (rng.next() < config.mutpb) genome = mutate(config, state.genome, genome, rng);
  return {
    state: { ...state, rng: rng.state(), nextId: id + 1, pending: [...pending, { id, genome }] },
    id,
    genome,
  };
}

/** Records the fitness of the genome handed out as `id` (see the module comment). */
export function tellOne(state: EngineState, id: number, fitness: number): EngineState {
  const pending = state.pending ?? [];
  const at = pending.findIndex((p) => p.id === id);
  if (at < 0)
    throw new GalapagosError('GALAPAGOS_ERR_INVALID_FITNESS', `no genome ${id} awaits its fitness`);
  if (typeof fitness !== 'number' || !Number.isFinite(fitness))
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_FITNESS',
      `fitness of genome ${id} must be a finite number, got ${String(fitness)}`,
    );
  const { genome } = pending[at]!;
  const { config } = state;
  const sign = state.objective === 'max' ? 1 : -1;
  const better = (x: number, y: number) => sign * x > sign * y;
  const child: Evaluated = { genome, fitness };
  const population: Individual[] = state.population.slice();
  let rng = state.rng;
  if (id < config.population) population[id] = child;
  else {
    const settings = steadyStateOf(state)!;
    const evaluated = population.flatMap((ind, i) => (ind.fitness === null ? [] : [i]));
    let victim: number;
    if (settings.replacement === 'tournament') {
      const r = new Random(state.rng);
      const x = evaluated[r.int(evaluated.length)]!;
      const y = evaluated[r.int(evaluated.length)]!;
      victim = better(population[x]!.fitness!, population[y]!.fitness!) ? y : x;
      rng = r.state();
    } else {
      victim = evaluated.reduce((w, i) =>
        better(population[w]!.fitness!, population[i]!.fitness!) ? i : w,
      );
    }
    if (better(fitness, population[victim]!.fitness!)) population[victim] = child;
  }
  const evaluations = state.evaluations + 1;
  const hallOfFame = updateHallOfFame(
    state.hallOfFame,
    [child],
    config.hallOfFame,
    (f) => sign * f,
  );
  const improved = state.best === null || better(fitness, state.best.fitness);
  const best = improved ? child : state.best;
  const generationDone = evaluations % config.population === 0;
  const generation = Math.floor(evaluations / config.population);
  const logbook = generationDone
    ? [
        ...state.logbook,
        logbookEntry(
          generation - 1,
          config.population,
          population.flatMap((i) => (i.fitness === null ? [] : [i.fitness])),
        ),
      ]
    : state.logbook;
  const recorded: EngineState = {
    ...state,
    rng,
    population,
    hallOfFame,
    best,
    ...(config.stop?.stagnation === undefined
      ? {}
      : { bestSince: improved ? generation : (state.bestSince ?? 0) }),
    logbook,
    evaluations,
    generation,
    pending: pending.filter((_, i) => i !== at),
    order: [...(state.order ?? []), id],
  };
  const stoppedBy = generationDone ? stopRuleMet(recorded) : undefined;
  return stoppedBy ? { ...recorded, stoppedBy } : recorded;
}
