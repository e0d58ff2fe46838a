/**
 * Suite `engine`: the GA engine alone, in-process, on OneMax length 1000, population 1000,
 * 100 generations, no cost. Reports generations per second and the share of wall time spent
 * outside the fitness function (selection, variation, statistics, hall of fame).
 */
import { defaultRegistry, evolve, type Genome } from '@galapagos/core';
import { median, writeResult } from './report.js';

const DEAP_GENERATIONS_PER_SECOND = 6;
const RUNS = 5;

export const parameters = {
  problem: 'onemax',
  params: { length: 1000 },
  population: 1000,
  generations: 100,
  cxpb: 0.9,
  mutpb: 0.1,
  selection: { name: 'selTournament', tournsize: 4 },
  hallOfFame: 3,
  seed: 1,
} as const;

export async function engineSuite(): Promise<void> {
  const { instance } = defaultRegistry.resolve('onemax', parameters.params);
  // OneMax's fitness is synchronous.
  const fitness = (genome: Genome) => instance.fitness(genome) as number;
  const runs: { generationsPerSecond: number; outsideFitnessShare: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    let fitnessMs = 0;
    const started = performance.now();
    await evolve(parameters, {
      evaluate: (genomes: Genome[]) => {
        const t = performance.now();
        const f = genomes.map(fitness);
        fitnessMs += performance.now() - t;
        return f;
      },
    });
    const ms = performance.now() - started;
    runs.push({
      generationsPerSecond: ((parameters.generations + 1) * 1000) / ms,
      outsideFitnessShare: 1 - fitnessMs / ms,
    });
  }
  const generationsPerSecond = median(runs.map((r) => r.generationsPerSecond));
  const figures = {
    generationsPerSecond,
    outsideFitnessShare: median(runs.map((r) => r.outsideFitnessShare)),
    deapGenerationsPerSecond: DEAP_GENERATIONS_PER_SECOND,
    timesDeap: generationsPerSecond / DEAP_GENERATIONS_PER_SECOND,
    runs,
  };
  console.table({
    engine: {
      'generations/s (median)': generationsPerSecond.toFixed(1),
      'share outside fitness': figures.outsideFitnessShare.toFixed(2),
      'x DEAP (6 gen/s)': figures.timesDeap.toFixed(1),
    },
  });
  console.log(`wrote ${writeResult('engine', { ...parameters, runs: RUNS }, figures)}`);
}
