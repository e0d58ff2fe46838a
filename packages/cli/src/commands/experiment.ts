/** `galapagos run --seeds 1..30`: the config over many seeds, reported as a paper would. */

import type { Config, Evaluator } from '@galapagos/client';
import type { ProblemRegistry } from '@galapagos/core';
import { type ExperimentResult, runExperiment } from '../experiment.js';
import { showGenome } from '../output.js';
import type { Progress } from '../progress.js';

export interface SeedsContext {
  readonly seeds: readonly number[];
  readonly config: Config;
  readonly registry: ProblemRegistry;
  readonly evaluator: Evaluator;
  readonly targetName: string;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly signal: AbortSignal;
  readonly progress: Progress;
}

const num = (x: number | undefined, digits = 4): string =>
  x === undefined ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits);

/** The table and summary lines of an experiment. */
export function experimentReport(result: ExperimentResult, target: string): string[] {
  const { runs, summary: s } = result;
  const lines = [
    `${'seed'.padStart(6)} ${(s.measure === 'hypervolume' ? 'hypervolume' : 'best').padStart(12)} ${'evaluations'.padStart(12)} ${'to target'.padStart(10)}  stopped by`,
    ...runs.map(
      (r) =>
        `${String(r.seed).padStart(6)} ${num(r.score).padStart(12)} ${String(r.evaluations).padStart(12)} ${num(r.evaluationsToTarget).padStart(10)}  ${r.stoppedBy}`,
    ),
    `target ${target}: ${s.seeds} seeds in ${(s.elapsedMs / 1000).toFixed(2)} s`,
    `${s.measure === 'hypervolume' ? 'hypervolume' : 'best'} (${s.objective === 'max' ? 'maximised' : 'minimised'}): mean ${num(s.bestMean)} ± ${num(s.bestSd)} (sd), median ${num(s.bestMedian)}`,
  ];
  // A front has no one target fitness: its hypervolume figures are the result.
  if (s.measure === 'hypervolume') {
  } else if (s.target === undefined)
    lines.push(
      'success: no target (set stop.targetFitness, or use a problem with a known optimum)',
    );
  else
    lines.push(
      `success (reaching ${num(s.target)}): ${s.successes}/${s.seeds} (${((s.successRate ?? 0) * 100).toFixed(1)} %), median evaluations to it ${num(s.medianEvaluationsToTarget, 1)}`,
    );
  const best = runs.reduce((a, b) =>
    (s.objective === 'max' ? b.score > a.score : b.score < a.score) ? b : a,
  );
  lines.push(
    s.measure === 'hypervolume'
      ? `largest hypervolume: seed ${best.seed}`
      : `best of all: seed ${best.seed}, ${showGenome(best.best.genome)}`,
  );
  return lines;
}

export async function runSeeds(context: SeedsContext): Promise<void> {
  const { seeds, config, json, quiet } = context;
  if (!quiet)
    process.stdout.write(
      `problem ${config.run.problem}, ${seeds.length} seeds (${seeds[0]}…${seeds.at(-1)}), concurrently on target ${context.targetName}\n`,
    );
  const result = await runExperiment({
    seeds,
    run: config.run,
    registry: context.registry,
    dispatch: config.dispatch,
    evaluator: context.evaluator,
    signal: context.signal,
    onRetry: context.progress.onRetry,
    onSeed: (r, done) => {
      if (!quiet)
        process.stderr.write(
          `galapagos: seed ${r.seed} done (${done}/${seeds.length}): ${r.score}\n`,
        );
    },
  });
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ok: true, target: context.targetName, problem: config.run.problem, ...result })}\n`,
    );
    return;
  }
  for (const line of experimentReport(result, context.targetName))
    process.stdout.write(`${line}\n`);
}
