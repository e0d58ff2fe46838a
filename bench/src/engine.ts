/**
 * Suite `engine`: the GA engine alone, in-process, on OneMax length 1000, population 1000,
 * 100 generations, no cost. Reports generations per second and the share of wall time spent
 * outside the fitness function (selection, variation, statistics, hall of fame), and DEAP's
 * eaSimple on the same settings measured in the same run (Debian's python3-deap; 10
 * generations per run, 3 runs: it is some 50 times slower).
 */
import { defaultRegistry, evolve, type Genome } from '@galapagos/core';
import { python } from './python.js';
import { median, writeResult } from './report.js';

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
  const deap = await python<{ generationsPerSecond: number[] }>('deap_easimple.py', {
    length: parameters.params.length,
    population: parameters.population,
    generations: 10,
    cxpb: parameters.cxpb,
    mutpb: parameters.mutpb,
    tournsize: parameters.selection.tournsize,
    hallOfFame: parameters.hallOfFame,
    runs: 3,
  });
  const deapGenerationsPerSecond =
    typeof deap === 'string' ? undefined : median(deap.generationsPerSecond);
  const figures = {
    generationsPerSecond,
    outsideFitnessShare: median(runs.map((r) => r.outsideFitnessShare)),
    ...(deapGenerationsPerSecond === undefined
      ? { deap: deap as string }
      : { deapGenerationsPerSecond, timesDeap: generationsPerSecond / deapGenerationsPerSecond }),
    runs,
  };
  console.table({
    engine: {
      'generations/s (median)': generationsPerSecond.toFixed(1),
      'share outside fitness': figures.outsideFitnessShare.toFixed(2),
      'DEAP generations/s (same run)':
        deapGenerationsPerSecond?.toFixed(2) ?? `not measured: ${deap}`,
      'x DEAP':
        deapGenerationsPerSecond === undefined
          ? '-'
          : (generationsPerSecond / deapGenerationsPerSecond).toFixed(1),
    },
  });
  console.log(`wrote ${writeResult('engine', { ...parameters, runs: RUNS }, figures)}`);
}
