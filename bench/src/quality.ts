/**
 * Suite `quality`: the search itself, side by side with DEAP in one run. mu+lambda on OneMax
 * 100 (mu 50, lambda 100, 50 generations, cxpb 0.6, mutpb 0.3, two-point crossover, bit flips
 * at 1/length, tournaments of 3) over 100 seeds, here and in DEAP's eaMuPlusLambda with the
 * same settings. Reports the success rate, mean ± sd best and time per generation of both.
 * Needs DEAP (`apt-get install python3-deap`; `GALAPAGOS_DEAP_PYTHON` names the Python that has
 * it, else `python3` then `/usr/bin/python3` are tried).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { evolve, localEvaluate } from '@galapagos/core';
import { writeResult } from './report.js';

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

const script = fileURLToPath(new URL('../python/deap_mupluslambda.py', import.meta.url));

interface Side {
  bests: number[];
  solved: number;
  secondsPerGeneration: number;
}

/** Debian's python3-deap lives beside the system Python, which may not be first on PATH. */
const PYTHONS = [process.env.GALAPAGOS_DEAP_PYTHON ?? 'python3', '/usr/bin/python3'];

async function deap(): Promise<Side | string> {
  let reason = '';
  for (const python of PYTHONS) {
    const side = await deapWith(python);
    if (typeof side !== 'string') return side;
    reason = side;
  }
  return reason;
}

async function deapWith(python: string): Promise<Side | string> {
  const child = promisify(execFile)(python, [script], { maxBuffer: 1 << 24 });
  child.child.stdin!.end(JSON.stringify(SETTINGS));
  try {
    const { stdout } = await child;
    const out = JSON.parse(stdout) as {
      runs: { best: number; solvedAt: number | null }[];
      secondsPerGeneration: number;
    };
    return {
      bests: out.runs.map((r) => r.best),
      solved: out.runs.filter((r) => r.solvedAt !== null).length,
      secondsPerGeneration: out.secondsPerGeneration,
    };
  } catch (error) {
    const message = (error as { stderr?: string }).stderr ?? String(error);
    return /No module named 'deap'/.test(message)
      ? 'DEAP is not installed here (apt-get install python3-deap)'
      : message.trim().split('\n').at(-1)!;
  }
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

export async function qualitySuite(): Promise<void> {
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
  console.log(`wrote ${writeResult('quality', SETTINGS, figures)}`);
}
