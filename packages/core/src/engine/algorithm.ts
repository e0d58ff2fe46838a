import { GalapagosError } from '../errors.js';
import { randomGenome } from '../genome.js';
import { nonDominatedSort } from '../pareto/pareto.js';
import { defaultRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import { isRandomState, Random, seedState } from '../random.js';
import { breed, populationSizes, survivors } from './algorithms.js';
import { resolveConfig } from './config.js';
import { updateHallOfFame } from './hall-of-fame.js';
import type { AskResult, EngineState, Evaluated, Individual } from './state.js';
import { logbookEntry, objectivesEntry } from './statistics.js';
import { stopRuleMet } from './stop.js';

/**
 * Starts a run: validates the configuration, resolves the problem and draws the initial
 * population from the seed. No individual is evaluated yet.
 */
export function init(config: unknown, registry: ProblemRegistry = defaultRegistry): EngineState {
  const resolved = resolveConfig(config, registry);
  const { instance } = registry.resolve(resolved.problem, resolved.params);
  const rng = new Random(seedState(resolved.seed));
  const population: Individual[] = [];
  const spec = instance.genome;
  if (spec.kind === 'binary') {
    // The same draws as one randomGenome per individual, in one loop (which the engine
    // optimises within the call, unlike a hundred-bit loop per genome).
    const bits = rng.bitString(resolved.population * spec.length);
    for (let i = 0; i < resolved.population; i++)
      population.push({
        genome: bits.slice(i * spec.length, (i + 1) * spec.length),
        fitness: null,
      });
  } else
    for (let i = 0; i < resolved.population; i++)
      population.push({ genome: randomGenome(spec, rng), fitness: null });
  return {
    format: 'galapagos/state',
    version: 1,
    config: resolved,
    genome: instance.genome,
    objective: instance.objective,
    ...(instance.objectives ? { objectives: [...instance.objectives] } : {}),
    ...(instance.referencePoint ? { referencePoint: [...instance.referencePoint] } : {}),
    generation: 0,
    rng: rng.state(),
    population,
    hallOfFame: [],
    best: null,
    logbook: [],
    evaluations: 0,
  };
}

/** True once the last generation has been evaluated and recorded. */
export function isComplete(state: EngineState): boolean {
  return state.stoppedBy !== undefined || state.logbook.length > state.config.generations;
}

/** Checks that a value (typically a parsed checkpoint) is a state this engine can continue. */
export function assertState(state: unknown): asserts state is EngineState {
  const s = state as Partial<EngineState> | null;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    s.format === 'galapagos/state' &&
    s.version === 1 &&
    typeof s.config === 'object' &&
    s.config !== null &&
    typeof s.genome === 'object' &&
    (s.objective === 'max' || s.objective === 'min') &&
    Number.isInteger(s.generation) &&
    isRandomState(s.rng) &&
    Array.isArray(s.population) &&
    populationSizes(s.config as EngineState['config']).includes(s.population.length) &&
    (s.parents === undefined ||
      (Array.isArray(s.parents) && s.parents.length === s.config.population)) &&
    Array.isArray(s.hallOfFame) &&
    Array.isArray(s.logbook) &&
    (s.logbook.length === s.generation || s.logbook.length === (s.generation as number) + 1);
  if (!ok)
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_STATE',
      'not a galapagos/state v1 produced by this engine (corrupted or foreign checkpoint?)',
    );
}

/**
 * The genomes whose fitness is unknown (DEAP's invalid individuals), in population order.
 * Their count is the generation's `nevals`. Asking twice gives the same genomes.
 */
export function ask(state: EngineState): AskResult {
  assertState(state);
  if (state.config.algorithm?.name === 'steady-state')
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_STATE',
      'a steady-state run hands out one genome at a time: use askOne / tellOne',
    );
  if (isComplete(state)) return { state, generation: state.generation, genomes: [] };
  const genomes = [];
  // Indexed loops in the per-generation paths: a fresh process runs them unoptimised at first,
  // where `for…of` makes an iterator result per individual (garbage at a million a generation).
  const { population } = state;
  for (let i = 0; i < population.length; i++)
    if (population[i]!.fitness === null) genomes.push(population[i]!.genome);
  return { state, generation: state.generation, genomes };
}

/**
 * Records the fitness of the genomes {@link ask} returned (same order), updates the hall of
 * fame, the best individual and the logbook (of the population the run's algorithm keeps),
 * then — unless this was the last generation — breeds the next population (see
 * `algorithms.ts`). Returns a new state; the input is not modified.
 */
export function tell<F extends Fitness = number>(
  input: EngineState<F>,
  fitness: readonly Fitness[],
): EngineState<F> {
  const state = input as unknown as EngineState;
  assertState(state);
  if (isComplete(state))
    throw new GalapagosError('GALAPAGOS_ERR_RUN_COMPLETE', 'the run has already finished');
  const { objective } = state;
  const sign = objective === 'max' ? 1 : -1;
  const score = (f: number): number => sign * f;

  const objectives = state.objectives?.length ?? 0;
  let next = 0;
  const evaluated: Evaluated[] = state.population.map((ind) => {
    if (ind.fitness !== null) return ind as Evaluated;
    const f = fitness[next++];
    if (!fitnessFits(f, objectives))
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_FITNESS',
        `fitness ${next - 1} must be ${objectives === 0 ? 'a finite number' : `${objectives} finite numbers`}, got ${JSON.stringify(f) ?? String(f)}`,
      );
    return { genome: ind.genome, fitness: f as number };
  });
  if (next !== fitness.length)
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_FITNESS',
      `expected ${next} fitness values (one per asked genome), got ${fitness.length}`,
    );

  const rng = new Random(state.rng);
  const population = survivors(state, evaluated, rng);
  const { parents: _bredFrom, ...rest } = state;
  const recorded: EngineState = {
    ...rest,
    population,
    ...(state.objectives
      ? recordMany(state, population, next)
      : recordOne(state, evaluated, population, next, score)),
    evaluations: state.evaluations + next,
    rng: rng.state(),
  };
  if (isComplete(recorded)) return recorded as unknown as EngineState<F>;
  const stoppedBy = stopRuleMet(recorded);
  return (stoppedBy ? { ...recorded, stoppedBy } : advance(recorded)) as unknown as EngineState<F>;
}

/** Whether a fitness value has the problem's shape: a finite number, or one per objective. */
function fitnessFits(f: unknown, objectives: number): boolean {
  if (objectives === 0) return typeof f === 'number' && Number.isFinite(f);
  return (
    Array.isArray(f) &&
    f.length === objectives &&
    f.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/** A single-objective generation's record: hall of fame, best, logbook line. */
function recordOne(
  state: EngineState,
  evaluated: readonly Evaluated[],
  population: readonly Evaluated[],
  nevals: number,
  score: (f: number) => number,
) {
  const { config } = state;
  const hallOfFame = updateHallOfFame(state.hallOfFame, evaluated, config.hallOfFame, score);
  let best = state.best;
  let bestSince = state.bestSince ?? 0;
  for (let i = 0; i < evaluated.length; i++) {
    const ind = evaluated[i]!;
    if (best === null || score(ind.fitness) > score(best.fitness)) {
      best = ind;
      bestSince = state.generation;
    }
  }
  const entry = logbookEntry(
    state.generation,
    nevals,
    population.map((i) => i.fitness),
  );
  return {
    hallOfFame,
    best,
    ...(config.stop?.stagnation === undefined ? {} : { bestSince }),
    logbook: [...state.logbook, entry],
  };
}

/**
 * A multi-objective generation's record: the hall of fame is the population's first front
 * (what DEAP's NSGA-II reports), best first in the first objective, `best` its first member,
 * and the logbook line has each objective's statistics and that front's hypervolume.
 */
function recordMany(state: EngineState, population: readonly Evaluated[], nevals: number) {
  const objectives = state.objectives!;
  const points = population.map((i) => i.fitness as unknown as readonly number[]);
  const firstFront = nonDominatedSort(points, objectives)[0] ?? [];
  const sign = objectives[0] === 'max' ? -1 : 1;
  // The front best first in the first objective, ties by position: deterministic.
  const front = [...firstFront].sort((a, b) => sign * (points[a]![0]! - points[b]![0]!) || a - b);
  const entry = objectivesEntry(
    state.generation,
    nevals,
    points,
    objectives,
    state.referencePoint,
    firstFront.map((i) => points[i]!),
  );
  const hallOfFame = front.map((i) => population[i]!);
  return { hallOfFame, best: hallOfFame[0] ?? null, logbook: [...state.logbook, entry] };
}

/** The next generation of a recorded state, drawing from its generator (see `algorithms.ts`). */
function advance(recorded: EngineState): EngineState {
  const rng = new Random(recorded.rng);
  const bred = breed(recorded, rng);
  return { ...bred, generation: recorded.generation + 1, rng: rng.state() };
}

/**
 * The same run, to run to `generations` instead: a finished run goes on where it stopped, and
 * ends exactly as a run started with `generations` would (the last generation is not bred, and
 * its generator was left untouched, so breeding it now draws what that run would have drawn).
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_CONFIG` when the state has already run more
 *   generations than that.
 */
export function extend(state: EngineState, generations: number): EngineState {
  assertState(state);
  const reached = state.logbook.length - 1;
  if (!Number.isSafeInteger(generations) || generations < Math.max(0, reached))
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_CONFIG',
      `the run has recorded ${reached} generations after the initial one; it cannot be set to ${generations}`,
    );
  const wasComplete = isComplete(state);
  const extended = { ...state, config: { ...state.config, generations } };
  return wasComplete && !isComplete(extended) ? advance(extended) : extended;
}
