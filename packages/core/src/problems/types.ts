import type { Static, TObject } from 'typebox';
import type { Genome, GenomeSpec } from '../genome.js';

/** Whether larger or smaller fitness is better. */
export type Objective = 'max' | 'min';

/** A problem made concrete by its parameters: what the engine and the evaluators work with. */
export interface ProblemInstance {
  /** The genomes this instance accepts. */
  readonly genome: GenomeSpec;
  readonly objective: Objective;
  /** The best fitness that exists, where it is known. */
  readonly optimum?: number;
  /** The fitness of a genome that satisfies {@link ProblemInstance.genome}. Pure and finite. */
  fitness(genome: Genome): number;
}

/** A fitness problem in the registry. */
export interface ProblemDefinition<S extends TObject = TObject> {
  /** Registry key: lowercase letters, digits and dashes. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** JSON Schema of the parameters, with a default for each of them. */
  readonly params: S;
  /** Builds the instance for validated, defaulted parameters. */
  instantiate(params: Static<S>): ProblemInstance;
}

/** Declares a problem with parameter types inferred from its schema. */
export function defineProblem<S extends TObject>(
  definition: ProblemDefinition<S>,
): ProblemDefinition<S> {
  return definition;
}
