import type { Genome, GenomeSpec } from '../genome.js';
import type { Objectives } from '../pareto/pareto.js';
import type { Fitness, Objective } from '../problems/types.js';
import type { RandomState } from '../random.js';
import type { EngineConfig } from './config.js';

/**
 * One member of the population; `fitness` is `null` until evaluated (DEAP: invalid). `F` is
 * `number` for the usual single-objective run, `readonly number[]` for a multi-objective one.
 */
export interface Individual<F extends Fitness = number> {
  readonly genome: Genome;
  readonly fitness: F | null;
}

/** An evaluated individual. */
export interface Evaluated<F extends Fitness = number> {
  readonly genome: Genome;
  readonly fitness: F;
}

/** Statistics of one objective over a population. */
export interface ObjectiveStats {
  readonly max: number;
  readonly avg: number;
  readonly min: number;
  readonly std: number;
}

/** One generation's line of the logbook, as DEAP prints it. */
export interface LogbookEntry {
  readonly gen: number;
  /** Individuals evaluated in this generation. */
  readonly nevals: number;
  readonly max: number;
  readonly avg: number;
  readonly min: number;
  /** Population standard deviation (ddof 0, like numpy). */
  readonly std: number;
  /** Multi-objective runs: the statistics of each objective (the line's own are the first's). */
  readonly objectives?: readonly ObjectiveStats[];
  /** Multi-objective runs: the hypervolume of the population's first front. */
  readonly hypervolume?: number;
}

/**
 * The whole of a run, as plain JSON: `JSON.stringify(state)` is a checkpoint and
 * `JSON.parse(checkpoint)` resumes it.
 */
export interface EngineState<F extends Fitness = number> {
  readonly format: 'galapagos/state';
  readonly version: 1;
  readonly config: EngineConfig;
  readonly genome: GenomeSpec;
  readonly objective: Objective;
  /** A multi-objective problem's objectives (fitness values are then vectors). */
  readonly objectives?: Objectives;
  /** Where a multi-objective run's hypervolume is measured from. */
  readonly referencePoint?: readonly number[];
  /** The generation the population belongs to (0 = the random initial population). */
  readonly generation: number;
  readonly rng: RandomState;
  readonly population: readonly Individual<F>[];
  /**
   * The population the offspring in `population` were bred from, while they await fitness:
   * mu+lambda and mu,lambda select the next population from them (and the parents).
   */
  readonly parents?: readonly Evaluated<F>[];
  /** The best distinct individuals seen so far, best first. */
  readonly hallOfFame: readonly Evaluated<F>[];
  /** The best individual seen so far (kept even without a hall of fame). */
  readonly best: Evaluated<F> | null;
  /** The generation in which `best` was found (for the stagnation rule). */
  readonly bestSince?: number;
  /** Steady-state runs: the genomes handed out and awaiting their fitness, by id. */
  readonly pending?: readonly { readonly id: number; readonly genome: Genome }[];
  /** Steady-state runs: the id the next genome handed out gets. */
  readonly nextId?: number;
  /** Steady-state runs: the ids in the order their fitness was told (replaying it repeats the run). */
  readonly order?: readonly number[];
  /** The rule that ended the run before its last generation, when one did (see `stop.ts`). */
  readonly stoppedBy?: 'evaluations' | 'targetFitness' | 'stagnation';
  readonly logbook: readonly LogbookEntry[];
  /** Evaluations requested so far, over all generations. */
  readonly evaluations: number;
}

/** What {@link ask} returns: the genomes whose fitness is unknown, in population order. */
export interface AskResult {
  readonly state: EngineState;
  readonly generation: number;
  readonly genomes: Genome[];
}
