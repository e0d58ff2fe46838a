/**
 * Suite `quality`: the search itself, side by side with DEAP in one run. mu+lambda on OneMax
 * 100 (mu 50, lambda 100, 50 generations, cxpb 0.6, mutpb 0.3, two-point crossover, bit flips
 * at 1/length, tournaments of 3) over 100 seeds, here and in DEAP's eaMuPlusLambda with the
 * same settings. Reports the success rate, mean ± sd best and time per generation of both.
 * Then NSGA-II on ZDT1, ZDT2 and ZDT3 (population 100, 250 generations, SBX and polynomial
 * mutation with eta 20, indpb 1/30), here and in DEAP's own NSGA-II example, over
 * `--nsga2-seeds` seeds (default 10): median final hypervolume against (11, 11) and time per
 * generation.
 * Needs DEAP (`apt-get install python3-deap`; `GALAPAGOS_DEAP_PYTHON` names the Python that has
 * it, else `python3` then `/usr/bin/python3` are tried).
 */
import { evolve, localEvaluate } from '@galapagos/core';
import { python } from './python.js';
import { median, writeResult } from './report.js';

const SETTINGS = {
  length: 100,
  mu: 50,
  lambda: 100,
  generations: 50,
  cxpb: 0.6,
  mutpb: 0.3,
  tournsize: 3,
  seeds: Array.from({ length: 100 }, (_, i) => i + 1),
};

interface Side {
  bests: number[];
  solved: number;
  secondsPerGeneration: number;
}

async function deap(): Promise<Side | string> {
  const out = await python<{
    runs: { best: number; solvedAt: number | null }[];
    secondsPerGeneration: number;
  }>('deap_mupluslambda.py', SETTINGS);
  if (typeof out === 'string') return out;
  return {
    bests: out.runs.map((r) => r.best),
    solved: out.runs.filter((r) => r.solvedAt !== null).length,
    secondsPerGeneration: out.secondsPerGeneration,
  };
}

async function galapagos(): Promise<Side> {
  const bests: number[] = [];
  let solved = 0;
  let ms = 0;
  for (const seed of SETTINGS.seeds) {
    const started = performance.now();
    const result = await evolve(
      {
        problem: 'onemax',
        params: { length: SETTINGS.length },
        population: SETTINGS.mu,
        generations: SETTINGS.generations,
        algorithm: { name: 'mu-plus-lambda', lambda: SETTINGS.lambda },
        cxpb: SETTINGS.cxpb,
        mutpb: SETTINGS.mutpb,
        selection: { name: 'selTournament', tournsize: SETTINGS.tournsize },
        crossover: { name: 'cxTwoPoint' },
        mutation: { name: 'mutFlipBit', indpb: 1 / SETTINGS.length },
        hallOfFame: 1,
        seed,
      },
      { evaluate: localEvaluate() },
    );
    ms += performance.now() - started;
    bests.push(result.best.fitness);
    if (result.best.fitness >= SETTINGS.length) solved++;
  }
  return {
    bests,
    solved,
    secondsPerGeneration: ms / 1000 / (SETTINGS.seeds.length * (SETTINGS.generations + 1)),
  };
}

const meanSd = (values: readonly number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
};

/** NSGA-II on ZDT1-3 as DEAP's example runs it: population 100, 250 generations. */
const NSGA2 = {
  variables: 30,
  population: 100,
  generations: 250,
  cxpb: 0.9,
  referencePoint: [11, 11],
};

async function nsga2Galapagos(problem: string, seeds: readonly number[]) {
  const hypervolumes: number[] = [];
  let ms = 0;
  for (const seed of seeds) {
    const started = performance.now();
    const result = await evolve(
      {
        problem,
        params: { variables: NSGA2.variables },
        population: NSGA2.population,
        generations: NSGA2.generations,
        algorithm: { name: 'nsga2' },
        cxpb: NSGA2.cxpb,
        mutpb: 1,
        crossover: { name: 'cxSimulatedBinaryBounded', eta: 20 },
        mutation: { name: 'mutPolynomialBounded', eta: 20, indpb: 1 / NSGA2.variables },
        seed,
      },
      { evaluate: localEvaluate() },
    );
    ms += performance.now() - started;
    hypervolumes.push(result.logbook.at(-1)!.hypervolume!);
  }
  return { hypervolumes, msPerGeneration: ms / (seeds.length * (NSGA2.generations + 1)) };
}

/** Galápagos against DEAP's NSGA-II on ZDT1, ZDT2 and ZDT3: median final hypervolume, time. */
async function nsga2Suite(seedCount: number) {
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const rows: Record<string, object> = {};
  const figures: Record<string, unknown> = {};
  for (const problem of ['zdt1', 'zdt2', 'zdt3']) {
    const ours = await nsga2Galapagos(problem, seeds);
    const theirs = await python<{
      runs: { hypervolume: number }[];
      secondsPerGeneration: number;
    }>('deap_nsga2.py', { ...NSGA2, problem, seeds });
    const ourMedian = median(ours.hypervolumes);
    if (typeof theirs === 'string') {
      rows[problem] = {
        'galapagos HV (median)': ourMedian.toFixed(4),
        'galapagos ms/gen': ours.msPerGeneration.toFixed(2),
      };
      figures[problem] = { galapagos: ours, deap: theirs };
      continue;
    }
    const theirMedian = median(theirs.runs.map((r) => r.hypervolume));
    const deapMs = theirs.secondsPerGeneration * 1000;
    rows[problem] = {
      'galapagos HV (median)': ourMedian.toFixed(4),
      'DEAP HV (median)': theirMedian.toFixed(4),
      'difference %': (((ourMedian - theirMedian) / theirMedian) * 100).toFixed(3),
      'galapagos ms/gen': ours.msPerGeneration.toFixed(2),
      'DEAP ms/gen': deapMs.toFixed(2),
      'DEAP / galapagos time': (deapMs / ours.msPerGeneration).toFixed(1),
    };
    figures[problem] = { galapagos: ours, deap: theirs };
  }
  console.table(rows);
  return { seeds: seedCount, ...NSGA2, rows, figures };
}

export async function qualitySuite(args: string[] = []): Promise<void> {
  const at = args.indexOf('--nsga2-seeds');
  const nsga2Seeds = at >= 0 ? Number(args[at + 1]) : 10;
  if (!Number.isSafeInteger(nsga2Seeds) || nsga2Seeds < 1)
    throw new Error('usage: pnpm bench quality [--nsga2-seeds N]');
  const [ours, theirs] = [await galapagos(), await deap()];
  const row = (side: Side) => {
    const { mean, sd } = meanSd(side.bests);
    return {
      'success rate': `${side.solved}/${SETTINGS.seeds.length}`,
      'best, mean ± sd': `${mean.toFixed(2)} ± ${sd.toFixed(2)}`,
      'ms / generation': (side.secondsPerGeneration * 1000).toFixed(3),
    };
  };
  const table: Record<string, object> = { galapagos: row(ours) };
  if (typeof theirs === 'string') console.log(`DEAP side not run: ${theirs}`);
  else table.deap = row(theirs);
  console.table(table);
  const figures = {
    galapagos: { ...meanSd(ours.bests), ...ours },
    ...(typeof theirs === 'string'
      ? { deap: theirs }
      : { deap: { ...meanSd(theirs.bests), ...theirs } }),
  };
  if (typeof theirs !== 'string') {
    // Welch's t statistic of the mean best: |t| < 2 is within noise.
    const a = meanSd(ours.bests);
    const b = meanSd(theirs.bests);
    const t =
      (a.mean - b.mean) /
      Math.sqrt(a.sd ** 2 / ours.bests.length + b.sd ** 2 / theirs.bests.length);
    console.log(
      `mean best, galapagos − DEAP: ${(a.mean - b.mean).toFixed(2)} (Welch t ${t.toFixed(2)}; |t| < 2 is within noise); time per generation: DEAP / galapagos = ${(theirs.secondsPerGeneration / ours.secondsPerGeneration).toFixed(1)}×`,
    );
    Object.assign(figures, { welchT: t });
  }
  const nsga2 = await nsga2Suite(nsga2Seeds);
  console.log(
    `wrote ${writeResult('quality', { muPlusLambda: SETTINGS, nsga2Seeds }, { ...figures, nsga2 })}`,
  );
}
