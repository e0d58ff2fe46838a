import type { Static, TObject } from 'typebox';
import type { Genome, GenomeSpec } from '../genome.js';

/** Whether larger or smaller fitness is better. */
export type Objective = 'max' | 'min';

/**
 * A fitness: a number, or for a multi-objective problem one number per objective (in the
 * order of {@link ProblemInstance.objectives}).
 */
export type Fitness = number | readonly number[];

/** A fitness value, computed at once or later (an HTTP call, a child process, a file read). */
export type FitnessValue = Fitness | Promise<Fitness>;

/** A problem made concrete by its parameters: what the engine and the evaluators work with. */
export interface ProblemInstance {
  /** The genomes this instance accepts. */
  readonly genome: GenomeSpec;
  /** Whether larger or smaller fitness is better (multi-objective: the first objective's). */
  readonly objective: Objective;
  /**
   * A multi-objective problem's objectives (two or more), each maximised or minimised:
   * `fitness` then returns one number per objective, and the run needs `algorithm: nsga2`.
   */
  readonly objectives?: readonly Objective[];
  /** The point a multi-objective run's hypervolume is measured against (one value per objective). */
  readonly referencePoint?: readonly number[];
  /** The best fitness that exists, where it is known. */
  readonly optimum?: number;
  /**
   * The fitness of a genome that satisfies {@link ProblemInstance.genome}: a finite number
   * (a vector of them for a multi-objective problem), or a Promise of one. It must depend on the genome alone (the determinism contract).
   */
  fitness(genome: Genome): FitnessValue;
  /**
   * Optional vectorised form: the fitness of a whole chunk at once, same order. When present,
   * the evaluation pool calls it instead of {@link ProblemInstance.fitness} for each chunk.
   * An `Error` in a genome's place fails that genome alone; a throw fails the whole chunk.
   */
  fitnessBatch?(
    genomes: Genome[],
  ): readonly (Fitness | Error)[] | Promise<readonly (Fitness | Error)[]>;
  /**
   * Releases what `instantiate` opened (a program kept running, a connection, a licence):
   * called once per thread that instantiated the problem when its pool or server shuts down.
   */
  close?(): void | Promise<void>;
}

/**
 * The JSON Schema of a problem's parameters: a TypeBox `Type.Object(...)` or a plain JSON
 * Schema object (`{ type: 'object', properties: { ... } }`). Defaults apply either way.
 */
export type ParamsSchema = TObject | { readonly type: 'object'; readonly [key: string]: unknown };

/** Parameters as the schema types them (plain JSON Schema: a record). */
export type ParamsOf<S> = S extends TObject ? Static<S> : Record<string, unknown>;

/** A fitness problem in the registry. */
export interface ProblemDefinition<S extends ParamsSchema = ParamsSchema> {
  /** Registry key: lowercase letters, digits and dashes. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** JSON Schema of the parameters, with a default for each of them. */
  readonly params: S;
  /** Builds the instance for validated, defaulted parameters. */
  instantiate(params: ParamsOf<S>): ProblemInstance;
  /**
   * Text that belongs to the fitness's code without being part of the module (the source of
   * an external program, say): it enters the problem's fingerprint.
   */
  readonly source?: string;
  /**
   * Longest one genome's evaluation may run, ms (default for a problem of your own: 60 000;
   * a run's `onError.timeoutMs` overrides it). Past it, the genome fails with
   * `GALAPAGOS_ERR_EVALUATION_TIMEOUT` and its thread (and any program it started) is
   * replaced.
   */
  readonly timeoutMs?: number;
}

/** Declares a problem with parameter types inferred from its schema. */
export function defineProblem<S extends ParamsSchema>(
  definition: ProblemDefinition<S>,
): ProblemDefinition<S> {
  return definition;
}
