import type { EngineConfigInput } from './config.js';

/**
 * The reference design's OneMax experiment (length 10, population 20, 5 generations, tournament
 * of 4, hall of fame 3, seed 42): what the benchmarks and the cross-target tests run, with their
 * own overrides.
 */
export const referenceExperiment = (
  over: Partial<EngineConfigInput> = {},
): EngineConfigInput & typeof REFERENCE => ({ ...REFERENCE, ...over });

const REFERENCE = {
  problem: 'onemax',
  params: { length: 10 } as Record<string, unknown>,
  population: 20,
  generations: 5,
  cxpb: 0.9,
  mutpb: 0.1,
  selection: { name: 'selTournament', tournsize: 4 } as EngineConfigInput['selection'] & object,
  hallOfFame: 3,
  seed: 42,
};
